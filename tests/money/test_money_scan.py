"""扫码收款 on the 收款 page (issue 17), through the real page with a worker's one-time-link
session: at the pickup table a resident shows the pickup code 查询 gave them; the treasurer
scans it (a scanner types it and presses Enter), sees who and how much, and confirms once.
An order number or an address works the same; an amount that differs, an order already paid,
a code from nowhere are each one clear sentence, and nothing is recorded."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.demo import DEMO_GROUPS, DEMO_RESIDENTS, DEMO_WORKER, seed_demo
from models.audit import AuditLog
from models.payment import Payment
from tests.admin_support import create_tables, login, member_id, runtime_of

GROUP = DEMO_GROUPS[1][0]
WORKER = DEMO_WORKER[0]
OPEN = (
    "开团：硕诚蔬菜套餐\n商品：蔬菜套餐 38元/份；鸡蛋 15元/盒\n"
    "截单：明天晚上8点\n取货：社区活动中心"
)
BASE = "/admin/campaigns/1/money"


def say(client: FlaskClient, sender: str, text: str, chat: str = GROUP) -> str:
    response = client.post("/sim/api/send", json={"chat": chat, "sender": sender, "text": text})
    assert response.status_code == 200, response.text
    reply: str | None = response.get_json()["reply"]
    return reply or ""


@pytest.fixture
def desk(app: Flask, client: FlaskClient, session_factory: sessionmaker[Session]) -> str:
    """Three households 接龙'd, the batch arrived (pickup codes given); the worker's CSRF token."""
    seed_demo(session_factory)
    create_tables(runtime_of(app).engine)
    csrf = login(client, member_id(session_factory, WORKER))
    say(client, WORKER, OPEN)
    lines = [
        "1. 3-2-502 李建国 蔬菜套餐2份 鸡蛋1盒",
        "2. 3-1-301 王丽 蔬菜套餐2份",
        "3. 5-1-1102 刘洋 蔬菜套餐1份",
    ]
    body = "\n".join(lines)
    say(client, DEMO_RESIDENTS[3].external_id, f"#接龙\n硕诚蔬菜套餐\n蔬菜套餐 38元/份\n\n{body}")
    assert "已截单" in say(client, WORKER, "截单")
    assert "已确认3单" in say(client, WORKER, "确认全部")
    assert "已安排" in say(client, WORKER, "到货")
    return csrf


def pickup_code(client: FlaskClient, resident: int) -> str:
    """The code the resident is told when asking 查询 (1:1, as the 公众号 would answer)."""
    ext = DEMO_RESIDENTS[resident].external_id
    reply = say(client, ext, "查询", chat=ext)
    found = re.search(r"取货码 (\w+)", reply)
    assert found, reply
    return found.group(1)


def payments(factory: sessionmaker[Session]) -> list[tuple[int, str, str]]:
    with factory() as s:
        rows = s.execute(select(Payment.amount, Payment.method, Payment.note).order_by(Payment.id))
        return [tuple(r) for r in rows]  # type: ignore[misc]


def seen(html: str) -> str:
    """The page's text as a person reads it (tags dropped, spaces collapsed)."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace(" （", "（")


def scan(client: FlaskClient, csrf: str, code: str) -> str:
    """What a scanner does: type into the box and press Enter (the form posts)."""
    response = client.post(f"{BASE}/scan", data={"csrf_token": csrf, "code": code})
    if response.status_code == 302:
        assert response.headers["Location"].endswith("/money")
        response = client.get(BASE)
    assert response.status_code == 200
    return response.text


def confirm(client: FlaskClient, csrf: str, page: str) -> str:
    """Press 确认收款 on the confirmation page (its hidden fields, as the browser sends them)."""
    form = page.split('id="confirm-pay"')[1]
    orders = re.findall(r'name="order" value="(\d+)"', form)
    note = re.search(r'name="note" value="([^"]*)"', form)
    data = {"csrf_token": csrf, "method": "page", "note": note.group(1) if note else ""}
    response = client.post(f"{BASE}/paid", data={**data, "order": orders}, follow_redirects=True)
    assert response.status_code == 200
    return response.text


def test_scanned_pickup_code_is_paid_after_one_confirmation(
    client: FlaskClient, session_factory: sessionmaker[Session], desk: str
) -> None:
    page = client.get(BASE).text
    assert 'id="scan-code"' in page and "未收 205 元（3 户）" in seen(page)
    code = pickup_code(client, 1)  # 李建国

    shown = scan(client, desk, f"{code}\r\n")  # a scanner's Enter may come as CR LF
    assert "确认收款" in shown and f"扫码：{code}" in shown
    assert "3-2-502" in shown and "李建国" in shown and 'id="confirm-total">91<' in shown
    assert payments(session_factory) == []  # nothing before the confirmation

    done = confirm(client, desk, shown)
    assert "已记为已付：1 号 3-2-502 李建国 91 元" in done
    assert "未收 114 元（2 户）" in seen(done) and "已收 91 元" in seen(done)
    assert payments(session_factory) == [(9100, "page", f"扫码 {code}")]
    with session_factory() as s:
        audit = s.scalars(select(AuditLog.action).where(AuditLog.action == "payment.payment"))
        assert list(audit) == ["payment.payment"]

    again = scan(client, desk, code)
    assert f"取货码 {code}（3-2-502 李建国）已经付过 91 元，没有再记账。" in again
    assert len(payments(session_factory)) == 1


@pytest.mark.parametrize(
    ("typed", "who", "total"),
    [
        ("2", "3-1-301 王丽", "76"),  # the order number
        ("#2", "3-1-301 王丽", "76"),
        ("2号", "3-1-301 王丽", "76"),
        ("5号楼1单元1102", "5-1-1102 刘洋", "38"),  # the household's address
        ("５－１－１１０２", "5-1-1102 刘洋", "38"),  # full width, as a phone keyboard may type
    ],
)
def test_order_number_or_address_works_like_a_code(
    client: FlaskClient, desk: str, typed: str, who: str, total: str
) -> None:
    shown = scan(client, desk, typed)
    address, name = who.split()
    assert address in shown and name in shown and f'id="confirm-total">{total}<' in shown


def test_the_code_written_as_on_the_reminder_and_with_an_amount(
    client: FlaskClient, session_factory: sessionmaker[Session], desk: str
) -> None:
    code = pickup_code(client, 2)  # 王丽, owes 76
    wrong = scan(client, desk, f"取货码：{code} ¥70")
    assert f"金额不符，没有记账：取货码 {code}（3-1-301 王丽）应付 76 元，收到 70 元。" in wrong
    right = scan(client, desk, f"取货码：{code} 76元")
    assert 'id="confirm-total">76<' in right
    assert payments(session_factory) == []


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("9", "本团没有取货码、编号或门牌为“9”的订单，没有记账。"),
        ("7-2-401", "本团没有取货码、编号或门牌为“7-2-401”的订单，没有记账。"),
        ("老地方", "“老地方”不是取货码、订单编号或门牌号，没有记账。"),
        ("  ", "请扫码，或输入取货码、订单编号或门牌号。"),
    ],
)
def test_what_names_no_order_is_a_sentence_and_records_nothing(
    client: FlaskClient, session_factory: sessionmaker[Session], desk: str, typed: str, answer: str
) -> None:
    assert answer in scan(client, desk, typed)
    assert payments(session_factory) == []


def test_another_communitys_worker_cannot_scan_here(
    client: FlaskClient, session_factory: sessionmaker[Session], desk: str
) -> None:
    from models.community import Community, Member

    code = pickup_code(client, 1)
    with session_factory.begin() as s:
        other = Community(name="别的社区")
        s.add(other)
        s.flush()
        s.add(Member(community_id=other.id, channel="sim", external_id="w-x", role="worker"))
    csrf = login(client, member_id(session_factory, "w-x"))
    response = client.post(f"{BASE}/scan", data={"csrf_token": csrf, "code": code})
    assert response.status_code == 404
    assert payments(session_factory) == []
