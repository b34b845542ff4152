"""A 公众号 connected to receive only (no AppSecret: no customer-service messages) still lets
every resident hear their pickup reminder.

End to end with the senders the scheduler process builds from the settings
(`channels_from_settings`), not a hand-made set with a sender for every channel: the resident
registered on the 公众号 and ordered in her robot group; her window is open, but Linli cannot
send 1:1, so the reminder must reach her group — not wait for a sender that does not exist.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from bot.channels import channels_from_settings
from bot.config import Settings
from tests.fake_tencent import FakeTencent, serve_fake_tencent
from tests.reach_support import (
    GROUPS,
    OPEN,
    ROBOT_KEY,
    T0,
    Clock,
    Street,
    build_street,
    label,
    street_settings,
)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> Iterator[tuple[str, FakeTencent]]:
    with serve_fake_tencent(FakeTencent(clock=clock.epoch)) as (base, state):
        state.robot_chats[ROBOT_KEY] = set(GROUPS.values())
        yield base, state


@pytest.fixture
def settings(tmp_path: Path, fake: tuple[str, FakeTencent]) -> Settings:
    full = street_settings(tmp_path, fake[0])
    return dataclasses.replace(full, wechat=dataclasses.replace(full.wechat, app_secret=""))


@pytest.fixture
def street(
    app: Flask,
    client: FlaskClient,
    session_factory: sessionmaker[Session],
    fake: tuple[str, FakeTencent],
    settings: Settings,
    clock: Clock,
) -> Street:
    street = build_street(app, client, session_factory, fake[1], settings, clock)
    street.senders = dict(channels_from_settings(settings, session_factory))
    return street


def test_a_reminder_reaches_the_group_when_the_account_cannot_send(street: Street) -> None:
    clock = street.clock
    street.app_says(OPEN)
    street.drain()
    template = street.robot_posts(GROUPS["3"])[0]
    clock.at(clock.now + timedelta(minutes=5))
    assert "3-1-101" in street.mp("o-wang", "登记 3-1-101 王阿姨")
    street.group("3", "u-wang", "王阿姨", f"{template}\n\n1. 3-1-101 王阿姨 蔬菜套餐2份")
    clock.at(T0.replace(hour=20, minute=0, second=5))
    street.jobs()
    clock.at(clock.now + timedelta(minutes=10))
    assert "已确认1单" in street.app_says("确认全部")
    clock.at(T0 + timedelta(days=2, hours=1))
    assert "您在【硕诚蔬菜套餐】的订单" in street.mp("o-wang", "查询")  # her window is open
    clock.at(clock.now + timedelta(hours=1))
    assert "已安排" in street.app_says("到货")
    street.drain()
    clock.at(T0 + timedelta(days=2, hours=5, minutes=31))  # the 15:00 reminder is due
    street.jobs()
    street.drain()

    reminders = [p for p in street.robot_posts(GROUPS["3"]) if "取货提醒" in p]
    assert len(reminders) == 1 and label("3-1-101") in reminders[0]
    assert street.fake.mp_sent == [] and "stable" not in street.fake.token_calls
    assert not street.notices(status="pending")
