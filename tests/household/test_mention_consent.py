"""@-mention only where the resident agreed (issue 20): `同意@提醒` / `取消@提醒` in chat, the
consent box on the 住户 page, and what the robot then pushes into a group.

Through the real path: signed, encrypted robot and 公众号 callbacks, the worker page, the
scheduler's own jobs, and the fake Tencent's record of every robot push. A resident who ordered
in a robot group and has no open 公众号 window gets the pickup reminder in their group; it
@-mentions their phone (`mentioned_mobile_list`) only while their household agrees.
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

from bot.config import Settings
from models.audit import AuditLog
from models.community import Household
from tests.fake_tencent import FakeTencent, serve_fake_tencent
from tests.reach_support import (
    GROUPS,
    OPEN,
    ROBOT_KEY,
    ROSTER,
    T0,
    WORKER,
    Clock,
    Street,
    build_street,
    label,
    login_worker,
    street_settings,
)

# who orders in which robot group: (address, building, WeCom userid, name); none on the 公众号
# except 赵红, who registered there more than 48 h before her reminder
GROUP_ORDERS = (
    ("5-1-302", "5", "u-li", "李建国"),
    ("3-1-101", "3", "u-wang", "王阿姨"),
    ("4-1-101", "3", "u-zhang", "张奶奶"),
    ("6-2-201", "6", "u-zhao", "赵红"),
)
CONSENT = "household.mention_consent"


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
    return build_street(app, client, session_factory, fake[1], settings, clock)


def _phone(address: str) -> str:
    return ROSTER[address][1]


def _open_and_order(street: Street) -> None:
    """The worker opens the campaign from the app; each household reposts in its group."""
    assert "接龙已发到3个群" in street.app_says(OPEN)
    street.push()
    template = street.robot_posts(GROUPS["5"])[0]
    for address, building, user, name in GROUP_ORDERS:
        street.clock.at(street.clock.now + timedelta(minutes=5))
        street.group(building, user, name, f"{template}\n\n1. {address} {name} 蔬菜套餐1份")


def _remind(street: Street) -> None:
    """截单 by the scheduler, 确认全部 and 到货 from the app, then the reminders fall due."""
    clock = street.clock
    clock.at(T0.replace(hour=20, minute=0, second=5))
    street.jobs()
    assert "已确认4单" in street.app_says("确认全部")
    clock.at(T0 + timedelta(days=2, hours=2))
    assert "已安排" in street.app_says("到货")
    street.drain()
    clock.at(T0 + timedelta(days=2, hours=5, minutes=31))
    street.jobs()
    street.drain()


def _reminder_mentions(street: Street) -> dict[str, list[list[str]]]:
    """Per household: the mentioned_mobile_list of each robot push carrying its reminder."""
    found: dict[str, list[list[str]]] = {}
    for body in street.fake.robot:
        content = body[body["msgtype"]]["content"]
        mentioned = body.get("text", {}).get("mentioned_mobile_list", [])
        for address in ROSTER:
            if "取货提醒" in content and label(address) in content:
                found.setdefault(address, []).append(mentioned)
    return found


def _consent_audit(street: Street) -> list[tuple[str, str, bool, bool]]:
    """(actor, address, before, after) of every consent change in the 台账."""
    with street.factory() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.action == CONSENT).order_by(AuditLog.id))
        out = []
        for r in rows:
            home = s.get_one(Household, int(r.record_id))
            address = f"{home.building}-{home.unit}-{home.room}"
            before, after = r.before or {}, r.after or {}
            out.append((r.actor, address, before["mention_consent"], after["mention_consent"]))
        return out


def test_residents_agree_and_withdraw_in_chat(street: Street) -> None:
    # 赵红 registers on the 公众号 and agrees there (1:1: her masked phone is shown)
    assert "6-2-201" in street.mp("o-zhao", "登记 6-2-201 赵红")
    agreed = street.mp("o-zhao", "同意@提醒")
    assert agreed.startswith("好的，6-2-201 同意@提醒") and "138****0201" in agreed
    assert "群里提醒时@您" in street.mp("o-zhao", "查询")
    # someone no one knows yet is told to register first; nothing is stored
    unknown = street.group("6", "u-new", "新邻居", "同意@提醒")
    assert "还不知道您家的门牌号" in unknown and "登记 3-2-201" in unknown

    _open_and_order(street)
    # known through their orders only: they agree (and one withdraws) in their group
    in_group = street.group("5", "u-li", "李建国", "同意@提醒")
    assert in_group.startswith("好的，5-1-302 同意@提醒") and "取消@提醒" in in_group
    assert "0302" not in in_group  # no phone, not even masked, in a group
    assert street.group("3", "u-wang", "王阿姨", "同意＠提醒").startswith("好的，3-1-101 同意")
    withdrawn = street.group("3", "u-wang", "王阿姨", "取消@提醒")
    assert withdrawn.startswith("好的，3-1-101 已取消@提醒") and "不再@您" in withdrawn

    _remind(street)
    assert _reminder_mentions(street) == {
        "5-1-302": [[_phone("5-1-302")]],  # agreed in the group
        "6-2-201": [[_phone("6-2-201")]],  # agreed 1:1; her 公众号 window closed since
        "3-1-101": [[]],  # agreed, then withdrew
        "4-1-101": [[]],  # never agreed
    }
    mentioned = [b for b in street.fake.robot if b.get("text", {}).get("mentioned_mobile_list")]
    assert all(b["msgtype"] == "text" and len(b["delivered_to"]) == 1 for b in mentioned)
    assert _consent_audit(street) == [
        ("o-zhao", "6-2-201", False, True),
        ("u-li", "5-1-302", False, True),
        ("u-wang", "3-1-101", False, True),
        ("u-wang", "3-1-101", True, False),
    ]


def _household_id(street: Street, address: str) -> int:
    building, unit, room = address.split("-")
    with street.factory() as s:
        return s.scalars(
            select(Household.id).where(
                Household.building == building, Household.unit == unit, Household.room == room
            )
        ).one()


def _save(
    street: Street, address: str, csrf: str, mention: bool, flags: tuple[str, ...] = ()
) -> str:
    """Tick the boxes of one household's form on the 住户 page, as the page shows them."""
    hid = _household_id(street, address)
    page = street.client.get("/admin/households").get_data(as_text=True)
    was = re.search(r'name="mention_was" value="([01])"', _row(page, street, address))
    assert was is not None
    data = {"csrf_token": csrf, "building": "", "flag": list(flags), "mention_was": was[1]}
    if mention:
        data["mention"] = "1"
    saved = street.client.post(f"/admin/households/{hid}/flags", data=data, follow_redirects=True)
    assert saved.status_code == 200 and "已保存住户标记" in saved.text
    return saved.get_data(as_text=True)


def _row(html: str, street: Street, address: str) -> str:
    """The HTML of one household's row."""
    start = html.index(f'id="household-{_household_id(street, address)}"')
    end = html.find('id="household-', start + 1)
    return html[start : end if end > 0 else len(html)]


def test_the_worker_records_consent_on_the_households_page(street: Street) -> None:
    csrf = login_worker(street)
    _save(street, "5-1-302", csrf, mention=True)
    _save(street, "3-1-101", csrf, mention=True)
    _save(street, "3-1-101", csrf, mention=False)
    html = _save(street, "7-1-101", csrf, mention=True, flags=("独居老人",))

    li = _row(html, street, "5-1-302")
    assert 'class="a-tag a-tag-consent"' in li and "a-tag-urgent" not in li
    assert re.search(r'name="mention" value="1"\s+checked', li)
    sun = _row(html, street, "7-1-101")
    assert 'a-tag-urgent">独居老人<' in sun and "a-tag-consent" in sun
    assert 'a-tag-urgent">同意@提醒' not in html
    key_households = street.client.get("/admin/households?flagged=1").get_data(as_text=True)
    assert "7-1-101" in key_households and "5-1-302" not in key_households
    assert "3-1-101" not in key_households  # consent only (then withdrawn): no 重点户
    log = street.client.get(f"/admin/audit?type=household&actor={WORKER}").get_data(as_text=True)
    assert log.count(CONSENT) >= 4 and "household.flags" in log

    _open_and_order(street)
    _remind(street)
    mentions = _reminder_mentions(street)
    assert mentions["5-1-302"] == [[_phone("5-1-302")]]
    assert mentions["3-1-101"] == [[]] and mentions["4-1-101"] == [[]]
    assert mentions["6-2-201"] == [[]]
    assert _consent_audit(street) == [
        (WORKER, "5-1-302", False, True),
        (WORKER, "3-1-101", False, True),
        (WORKER, "3-1-101", True, False),
        (WORKER, "7-1-101", False, True),
    ]


def test_consent_alone_makes_no_vulnerable_household(street: Street) -> None:
    """A need from a household that only agreed to @-mentions is no 重点户's need."""
    assert "6-2-201" in street.mp("o-zhao", "登记 6-2-201 赵红")
    assert "同意@提醒" in street.mp("o-zhao", "同意@提醒")
    street.mp("o-zhao", "家里米吃完了，谁能帮忙代买一袋大米？")
    login_worker(street)
    board = street.client.get("/admin/needs").get_data(as_text=True)
    assert "代买一袋大米" in board and "同意@提醒" not in board
