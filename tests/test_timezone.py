"""One time zone from settings: with `timezone = "Europe/Berlin"` people's times are read and
shown in Berlin time everywhere — a 开团 in a group, the pickup reminder, the daily report's
day, the worker page — while storage stays UTC. An unknown zone name stops start-up.

Through the real path: signed, encrypted callbacks on the street of tests.reach_support (its
clock in Berlin winter time, UTC+1), the scheduler's own job functions given the settings'
zone, and the worker page.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import cli
from bot.channels import SimChannel
from bot.config import ConfigError, SchedulerSettings, Settings, load_settings
from models.campaign import Campaign
from models.need import Need
from scheduler import __main__ as scheduler_main
from scheduler import build_scheduler, jobs
from tests.fake_tencent import FakeTencent, serve_fake_tencent
from tests.reach_support import (
    GROUPS,
    ROBOT_KEY,
    WORKER,
    Clock,
    Street,
    build_street,
    login_worker,
    street_settings,
)

BERLIN = ZoneInfo("Europe/Berlin")
T0 = datetime(2022, 1, 10, 0, 10, tzinfo=BERLIN)  # Monday, winter: Berlin is UTC+1
OPEN = (
    "开团：硕诚蔬菜套餐\n商品：蔬菜套餐 38元/份 每户限2份\n截单：今晚8点\n到货：明天下午3点\n"
    "取货：社区活动中心\n时段：30分钟 每段10户"
)


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def fake(clock: Clock) -> Iterator[tuple[str, FakeTencent]]:
    with serve_fake_tencent(FakeTencent(clock=clock.epoch)) as (base, state):
        state.robot_chats[ROBOT_KEY] = set(GROUPS.values())
        yield base, state


@pytest.fixture
def settings(tmp_path: Path, fake: tuple[str, FakeTencent]) -> Settings:
    """The street in Berlin; the daily report late in the evening, to test the day's edge."""
    return dataclasses.replace(
        street_settings(tmp_path, fake[0]),
        timezone="Europe/Berlin",
        scheduler=SchedulerSettings(daily_report_time="23:45"),
    )


@pytest.fixture
def street(
    app: Flask,
    client: FlaskClient,
    session_factory: sessionmaker[Session],
    fake: tuple[str, FakeTencent],
    settings: Settings,
    clock: Clock,
) -> Street:
    return build_street(app, client, session_factory, fake[1], settings, clock)


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """A Berlin wall-clock time in January 2022."""
    return datetime(2022, 1, day, hour, minute, second, tzinfo=BERLIN)


def test_a_campaign_opened_in_berlin_keeps_berlin_times_to_the_pickup_reminder(
    street: Street,
) -> None:
    clock = street.clock
    clock.at(at(10, 9))
    reply = street.group("3", WORKER, "王士梅", OPEN)
    assert "接龙已发到3个群" in reply and "截单：1月10日 20:00" in reply
    with street.factory() as s:
        campaign = s.scalars(select(Campaign)).one()
        assert campaign.arrival_at == datetime(2022, 1, 11, 14, 0, tzinfo=UTC)  # 15:00 Berlin
        assert campaign.cutoff_at == datetime(2022, 1, 10, 19, 0, tzinfo=UTC)  # 20:00 Berlin
    street.push()
    template = street.robot_posts(GROUPS["3"])[0]
    assert "到货：1月11日 15:00" in template

    clock.at(at(10, 9, 5))
    assert "3-1-101" in street.mp("o-wang", "登记 3-1-101 王阿姨")
    street.group("3", "u-wang", "王阿姨", f"{template}\n\n1. 3-1-101 王阿姨 蔬菜套餐1份")
    clock.at(at(10, 20, 0, 5))  # 截单 at 20:00 Berlin, by the scheduler's job
    street.jobs()
    clock.at(at(10, 20, 10))
    assert "已确认1单" in street.group("3", WORKER, "王士梅", "确认全部")
    clock.at(at(11, 11))
    assert "已安排" in street.group("3", WORKER, "王士梅", "到货")
    street.drain()
    arrival = [p for p in street.robot_posts(GROUPS["3"]) if p.startswith("各位居民朋友")]
    assert len(arrival) == 1 and "今天下午3点" in arrival[0] and "15:00" in arrival[0]

    clock.at(at(11, 14, 31))  # the reminder for the 15:00 slot is due
    street.jobs()
    street.drain()
    reminders = [t for t in street.mp_texts("o-wang") if t.startswith("【取货提醒】")]
    assert len(reminders) == 1 and "15:00–15:30" in reminders[0], reminders

    login_worker(street)  # the worker page shows the same Berlin times
    page = street.client.get(f"/admin/campaigns/{campaign.id}").get_data(as_text=True)
    assert "截单 01-10 20:00" in page and "到货 01-11 15:00" in page
    assert "15:00–15:30" in page


def test_the_daily_report_counts_the_day_of_berlin(street: Street, settings: Settings) -> None:
    clock = street.clock
    clock.at(at(10, 0, 20))
    assert "4-1-101" in street.mp("o-zhang", "登记 4-1-101 张奶奶")
    assert "6-2-201" in street.mp("o-zhao", "登记 6-2-201 赵红")
    clock.at(at(10, 0, 30))  # 23:30 UTC on the 9th: Shanghai's day would miss it
    assert "已收到您的需求" in street.mp("o-zhang", "我家酒精快用完了，去哪儿买？")
    clock.at(at(10, 23, 30))  # 07:30 on the 11th in Shanghai
    assert "已收到您的需求" in street.mp("o-zhao", "我家口罩快用完了，去哪儿买？")
    with street.factory() as s:
        assert len(s.scalars(select(Need)).all()) == 2

    clock.at(at(10, 23, 44))
    zone = settings.zone
    assert jobs.send_daily_report(street.factory, clock.now, settings.scheduler, zone) == 0
    clock.at(at(10, 23, 46))
    assert jobs.send_daily_report(street.factory, clock.now, settings.scheduler, zone) > 0
    street.drain()
    (report,) = [t for t in street.app_texts() if t.startswith("【每日报告】")]
    assert report.startswith("【每日报告】2022-01-10\n新需求 2 件"), report

    login_worker(street)
    board = street.client.get("/admin/needs").get_data(as_text=True)
    assert "01-10 00:30" in board and "01-10 23:30" in board

    sched = build_scheduler(
        settings,
        street.factory,
        {"sim": SimChannel()},
        scheduler=BackgroundScheduler(timezone=settings.zone),
    )
    trigger = str(sched.get_job("send_daily_report").trigger)
    assert "hour='23', minute='45'" in trigger and str(sched.timezone) == "Europe/Berlin"


def test_an_unknown_zone_stops_start_up_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('timezone = "Europe/Berln"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"timezone = 'Europe/Berln' is not a time zone"):
        load_settings(config)
    assert cli.main(["--config", str(config), "serve"]) == 2
    assert scheduler_main.main(["--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert err.count("timezone = 'Europe/Berln'") == 2 and "Asia/Shanghai" in err
    config.write_text('timezone = "Europe/Berlin"\n', encoding="utf-8")
    assert load_settings(config).zone == BERLIN
