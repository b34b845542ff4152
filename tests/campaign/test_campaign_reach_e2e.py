"""A campaign reaches its whole community, however it is opened (issue 20).

End to end through signed, encrypted callbacks (robot groups, the 企业微信 app, the 公众号 in
safe mode) and the worker page, the scheduler's own jobs, and a fake Tencent that answers as
the platform documents (chatid routing, the 48 h window, tokens, 45009). One community: three
groups on one robot, an ordinary WeChat group, four households ordering three ways — in a
group, in a group and registered on the 公众号, and 1:1 on the 公众号 only (no group at all).

For each way of opening: every group gets the announcement and the arrival notice exactly
once; every resident gets one pickup reminder naming their address, 1:1 inside the window or
in their own group; nothing about one resident reaches anyone else; the worker's own chat
gets nothing but worker summaries. With faults — one resident silent for more than 48 h, every
token expiring mid-run, bursts of 45009 — nothing is lost and nothing is sent twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import SchedulerSettings, Settings
from models.campaign import Order
from scheduler import jobs
from tests.admin_support import form_csrf
from tests.fake_tencent import FakeTencent, serve_fake_tencent
from tests.reach_support import (
    GROUPS,
    OPEN,
    ROBOT_KEY,
    T0,
    WORKER,
    Clock,
    Street,
    build_street,
    label,
    login_worker,
    street_community,
    street_settings,
)

# who orders how: (address, 公众号 openid or "", group building or "", WeCom userid, name)
RESIDENTS = (
    ("3-1-101", "o-wang", "3", "u-wang", "王阿姨"),  # in group 3, also on the 公众号
    ("5-1-302", "", "5", "u-li", "李建国"),  # in group 5 only
    ("6-2-201", "o-zhao", "6", "u-zhao", "赵红"),  # in group 6, on the 公众号
    ("4-1-101", "o-zhang", "", "", "张奶奶"),  # in no group: orders 1:1 on the 公众号
)
SILENT = "6-2-201"  # with faults: last wrote to the 公众号 more than 48 h before her reminder


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> Iterator[tuple[str, FakeTencent]]:
    with serve_fake_tencent(FakeTencent(clock=clock.epoch)) as (base, state):
        state.robot_chats[ROBOT_KEY] = set(GROUPS.values())  # one robot in three groups
        yield base, state


@pytest.fixture
def settings(tmp_path: Path, fake: tuple[str, FakeTencent]) -> Settings:
    return street_settings(tmp_path, fake[0])


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
    csrf = login_worker(street)
    cid = street_community(street)
    added = client.post(
        f"/admin/community/{cid}/groups", data={"csrf_token": csrf, "title": "7号楼群"}
    )
    assert added.status_code == 302
    return street


def _open(street: Street, mode: str) -> str:
    """开团 in group 3, in the 企业微信 app, or on the worker page (all groups ticked)."""
    if mode == "group":
        return street.group("3", WORKER, "王士梅", OPEN)
    if mode == "app":
        return street.app_says(OPEN)
    form = street.client.get("/admin/campaigns/new").get_data(as_text=True)
    data = {
        "csrf_token": form_csrf(form),
        "text": OPEN,
        "community_id": str(street_community(street)),
        "chat": re.findall(r'name="chat" value="([^"]+)"', form),
    }
    page = street.client.post("/admin/campaigns/new", data=data, follow_redirects=True)
    assert page.status_code == 200
    return page.get_data(as_text=True)


def _worker(street: Street, mode: str, text: str) -> str:
    """A worker command on the channel the campaign was opened on (the page: the app)."""
    return street.group("3", WORKER, "王士梅", text) if mode == "group" else street.app_says(text)


def _order(street: Street, template: str) -> None:
    """Each household orders as it would: reposting in its group, or 1:1 on the 公众号."""
    for address, openid, building, user, name in RESIDENTS:
        street.clock.at(street.clock.now + timedelta(minutes=5))
        if openid and building:
            assert address in street.mp(openid, f"登记 {address} {name}")
        if building:
            qty = 2 if building == "3" else 1
            street.group(building, user, name, f"{template}\n\n1. {address} {name} 蔬菜套餐{qty}份")
        else:
            assert "已记入【硕诚蔬菜套餐】" in street.mp(openid, f"{address} 蔬菜套餐1份")


@pytest.mark.parametrize("faults", [False, True], ids=["calm", "faults"])
@pytest.mark.parametrize("mode", ["group", "app", "page"])
def test_a_campaign_reaches_every_group_and_every_resident(
    street: Street, mode: str, faults: bool
) -> None:
    clock, fake = street.clock, street.fake
    reply = _open(street, mode)
    assert "接龙已发到3个群" in reply and "7号楼群" in reply  # the ordinary group: to forward
    if mode == "group":  # group 3 gets the 接龙 from the robot; the reply does not repeat it
        assert "#接龙" not in reply and "请把本群收到的接龙转发过去" in reply
    else:  # the worker forwards it to the ordinary group
        assert "#接龙\n硕诚蔬菜套餐" in reply
    street.push()
    template = street.robot_posts(GROUPS["5"])[0]
    assert template.startswith("#接龙\n硕诚蔬菜套餐")

    _order(street, template)
    clock.at(T0.replace(hour=20, minute=0, second=5))
    street.jobs()  # 截单 by the scheduler: each group gets its own list
    clock.at(clock.now + timedelta(minutes=10))
    assert "已确认4单" in _worker(street, mode, "确认全部")

    clock.at(T0 + timedelta(days=2, hours=1))  # Wednesday 10:00: residents ask for their code
    for address, openid, _b, _u, _n in RESIDENTS:
        if openid and not (faults and address == SILENT):
            assert "您在【硕诚蔬菜套餐】的订单" in street.mp(openid, "查询")
    clock.at(clock.now + timedelta(hours=1))
    assert "已安排" in _worker(street, mode, "到货")
    if faults:
        fake.fail_next = [45009, 45009, 45009]  # someone else used the robot's quota
    street.drain()

    clock.at(T0 + timedelta(days=2, hours=5, minutes=31))  # 14:31: reminders for 15:00 are due
    if faults:
        fake.expire_after = 1  # every access token dies right after the first reminder
        fake.fail_next = [45009, 45009]
    street.jobs()
    street.drain()
    clock.at(T0.replace(hour=20, minute=1) + timedelta(days=2))
    jobs.send_daily_report(street.factory, clock.now, SchedulerSettings(), street.settings.zone)
    street.drain()

    _announced_and_arrived_once(street)
    _each_resident_reminded_once(street, faults)
    _nothing_about_one_resident_elsewhere(street)
    _worker_chat_only_summaries(street)
    assert {n.status for n in street.notices()} <= {"sent"}, "nothing left behind or dead"
    if faults:
        assert 42001 in fake.mp_rejected  # the token expired mid-run and was refreshed
        assert 45009 in fake.robot_rejected + fake.mp_rejected + fake.app_rejected


def _announced_and_arrived_once(street: Street) -> None:
    for chat in GROUPS.values():
        posts = street.robot_posts(chat)
        assert sum(p.startswith("#接龙\n硕诚蔬菜套餐") for p in posts) == 1, chat
        assert sum(p.startswith("各位居民朋友") for p in posts) == 1, chat
        assert sum("已截单，共4单" in p for p in posts) == 1, chat


def _each_resident_reminded_once(street: Street, faults: bool) -> None:
    for address, openid, building, _user, _name in RESIDENTS:
        name = label(address)
        personal = [t for t in street.mp_texts(openid) if t.startswith("【取货提醒】")]
        in_group = [
            p
            for p in street.robot_posts(GROUPS.get(building, "-"))
            if "取货提醒" in p and name in p
        ]
        if openid and not (faults and address == SILENT):
            assert len(personal) == 1 and name in personal[0], (address, personal)
            assert "取货码" in personal[0] and not in_group
        else:  # no window: in the group the order came from, without the pickup code
            assert personal == [] and len(in_group) == 1, (address, in_group)
    with street.factory() as s:
        orders = s.scalars(select(Order)).all()
    assert len(orders) == 4 and all("需人工通知" not in o.flags for o in orders)
    reminders = street.notices(kind="reminder")
    assert len(reminders) == 4 and all(n.status == "sent" for n in reminders)


def _nothing_about_one_resident_elsewhere(street: Street) -> None:
    own = {address: (openid, GROUPS.get(building)) for address, openid, building, *_ in RESIDENTS}
    for address, (openid, group) in own.items():
        marks = (address, label(address))
        for chat in GROUPS.values():
            if chat != group:
                assert not any(m in p for p in street.robot_posts(chat) for m in marks), (
                    address,
                    chat,
                )
        for other, _ in own.values():
            if other and other != openid:
                assert not any(m in t for t in street.mp_texts(other) for m in marks), (
                    address,
                    other,
                )
        assert not any(m in t for t in street.app_texts() for m in marks), address


def _worker_chat_only_summaries(street: Street) -> None:
    kinds = {n.kind for n in street.notices(target=WORKER)}
    assert kinds <= {"text", "report", "summary"}, kinds
    for text in street.app_texts():
        assert not text.startswith(("#接龙", "【取货提醒】", "各位居民朋友", "【硕诚蔬菜套餐】"))
    assert any(t.startswith("【每日报告】") for t in street.app_texts())


def test_a_resident_who_unfollowed_is_left_to_the_workers_and_they_are_told(
    street: Street,
) -> None:
    """张奶奶 orders 1:1 on the 公众号 (she is in no group), writes again the morning her goods
    arrive, then unfollows. Her window looks open to Linli, but WeChat answers 45015: no group
    reaches her, so the workers must hear she needs a call — the same summary they get when
    her window is known to be shut when the reminder is queued."""
    clock, fake = street.clock, street.fake
    street.app_says(OPEN)
    street.drain()
    clock.at(clock.now + timedelta(minutes=5))
    assert "已记入【硕诚蔬菜套餐】" in street.mp("o-zhang", "4-1-101 蔬菜套餐1份")
    clock.at(T0.replace(hour=20, minute=0, second=5))
    street.jobs()
    clock.at(clock.now + timedelta(minutes=10))
    assert "已确认1单" in street.app_says("确认全部")
    clock.at(T0 + timedelta(days=2, hours=1))
    assert "您在【硕诚蔬菜套餐】的订单" in street.mp("o-zhang", "查询")
    fake.resident_unfollows(street.wechat, "o-zhang")
    clock.at(clock.now + timedelta(hours=1))
    assert "已安排" in street.app_says("到货")
    street.drain()
    clock.at(T0 + timedelta(days=2, hours=5, minutes=31))  # the 15:00 reminder is due
    street.jobs()
    street.drain()

    personal = [t for t in street.mp_texts("o-zhang") if t.startswith("【取货提醒】")]
    assert personal == [] and fake.mp_rejected == [45015]
    [reminder] = street.notices(kind="reminder")
    assert reminder.needs_manual and reminder.status == "manual"
    told = [t for t in street.app_texts() if t.startswith("【需人工通知】")]
    assert len(told) == 1 and "4-1-101" in told[0] and "取货提醒" in told[0], street.app_texts()
