"""The campaign feature through the real route table with in-memory fakes (no database):
开团, 接龙 reposts becoming orders, 确认 / 拒绝, 截单 and a late line, 到货 with slots and codes,
取货, and a resident refused a worker's command. Each test asserts what people see: replies and
the notices queued to them. The last test runs one scenario through the fakes and through
SQLite and checks the same orders come out, which keeps the fake faithful."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from handlers import texts
from handlers.campaign.repo import OrderView
from models.campaigns_repo import SqlCampaignRepo
from tests.campaign_support import T0, Chat_, Person, new_factory, seed
from tests.fakes_campaign_chat import FakeChat, seed_fake

G1 = "g1"
OPEN = "开团 鸡蛋团购\n商品：鸡蛋 15元/盒 限2；牛奶 60元/箱\n截单：今晚8点\n到货：明天下午3点"
HEADER = "#接龙\n鸡蛋团购\n鸡蛋 15元/盒\n\n"
PEOPLE = [
    Person("u1", "王", "3", "2", "201"),
    Person("u2", "李", "5", "1", "302"),
    Person("u3", "赵", "9", "1", "101"),
]
CUTOFF = T0.replace(hour=20, minute=0)


def post(*lines: str) -> str:
    return HEADER + "\n".join(f"{i}. {line}" for i, line in enumerate(lines, 1))


@pytest.fixture
def chat() -> FakeChat:
    fake = FakeChat()
    seed_fake(fake.repo, PEOPLE, [G1])
    return fake


def opened(chat: FakeChat) -> str:
    return chat.send(G1, "w1", OPEN)


def test_worker_opens_a_campaign_announced_in_the_group(chat: FakeChat) -> None:
    reply = opened(chat)
    assert "已开团" in reply and "鸡蛋团购" in reply and "4月11日 20:00" in reply
    announced = chat.repo.notices(G1, kind="announce")
    assert len(announced) == 1 and announced[0].text.startswith("#接龙\n鸡蛋团购")
    assert opened(chat) == texts.OPEN_DUPLICATE.format(title="鸡蛋团购", id=1, status="接龙中")
    assert len(chat.repo.notices(G1, kind="announce")) == 1  # a second 开团 announces nothing


def test_reposts_become_orders_with_a_limit_note(chat: FakeChat) -> None:
    opened(chat)
    assert "每户限" not in chat.send(G1, "u1", post("3-2-201 王 鸡蛋2盒"))
    out = chat.send(G1, "u2", post("3-2-201 王 鸡蛋2盒", "5-1-302 李 鸡蛋3盒"))
    assert "每户限2盒" in out and "已按2盒记录" in out
    out = chat.send(G1, "u2", "查询")
    assert "鸡蛋×2盒" in out and "2 号" in out


def test_confirm_and_reject_tell_the_worker_and_the_resident(chat: FakeChat) -> None:
    opened(chat)
    chat.send(G1, "u1", post("3-2-201 王 鸡蛋2盒"))
    chat.send(G1, "u2", post("3-2-201 王 鸡蛋2盒", "5-1-302 李 鸡蛋1盒"))
    assert chat.send(G1, "w1", "确认 1").startswith("已确认 1 号：3-2-201 王 鸡蛋×2盒")
    assert "未改动" in chat.send(G1, "w1", "确认 1")
    out = chat.send(G1, "w1", "拒绝 2 不在配送范围")
    assert out.startswith("已拒绝 2 号") and "不在配送范围" in out
    told = chat.repo.notices(kind="order")
    assert [n.target for n in told] == [G1]  # 李 ordered in the group: told there
    assert "未通过" in told[0].text and "不在配送范围" in told[0].text and "5-1-302" in told[0].text


def test_cutoff_then_a_late_line_is_marked_late(chat: FakeChat) -> None:
    opened(chat)
    chat.send(G1, "u1", post("3-2-201 王 鸡蛋2盒"))
    out = chat.send(G1, "w1", "截单")
    assert out.startswith("已截单：1单待确认，0单迟到")
    closing = chat.repo.notices(G1, kind="cutoff")
    assert len(closing) == 1 and "已截单，共1单" in closing[0].text
    out = chat.send(G1, "u3", post("3-2-201 王 鸡蛋2盒", "9-1-101 赵 鸡蛋1盒"))
    assert "迟到" in out and "2 号" in out
    out = chat.send(G1, "w1", "确认全部")
    assert "已确认1单" in out and "迟到1单（2）" in out


def test_arrival_gives_slots_and_codes_and_pickup_by_code(chat: FakeChat) -> None:
    opened(chat)
    chat.send(G1, "u1", post("3-2-201 王 鸡蛋2盒"))
    chat.send(G1, "u2", post("3-2-201 王 鸡蛋2盒", "5-1-302 李 牛奶1箱"))
    chat.send(G1, "w1", "截单")
    chat.send(G1, "w1", "确认全部")
    out = chat.send(G1, "w1", "到货 明天下午3点")
    assert out.startswith("已安排2户到1个时段") and "15:00" in out
    arrival = chat.repo.notices(G1, kind="arrival")
    assert len(arrival) == 1 and "15:00" in arrival[0].text
    mine = chat.send(G1, "u1", "查询")
    code = mine.split("取货码")[1].strip(" ：:")[:4]
    assert code.isdigit()
    out = chat.send(G1, "w1", f"取货 {code}")
    assert out.startswith("已核销 1 号") and code in out
    assert chat.send(G1, "w1", f"取货 {code}").startswith("1 号已在 09:")  # never twice


def test_a_resident_sending_cutoff_is_refused(chat: FakeChat) -> None:
    opened(chat)
    chat.send(G1, "u1", post("3-2-201 王 鸡蛋2盒"))
    assert chat.send(G1, "u1", "截单") == texts.WORKER_ONLY.format(word="截单")
    assert chat.repo.notices(kind="cutoff") == []
    assert chat.send(G1, "w1", "截单").startswith("已截单")


# --- the contract: the fake and SQLite make the same orders --------------------------------
Send = Callable[..., str]


def scenario(send: Send) -> None:
    """开团, reposts (one over the limit, one with an unknown product and no address, one with
    no address from a registered resident), an edit, a withdrawal, 确认, 拒绝, 截单, a late
    line."""
    send(G1, "w1", OPEN)
    wang, li, zhao = "3-2-201 王 鸡蛋3盒", "5-1-302 李 鸡蛋1盒 酸奶2瓶", "赵 牛奶1箱"
    stranger, qian = "陌生人 鸡蛋1盒 酸奶2瓶", "7-1-101 钱 鸡蛋2盒 牛奶1箱"
    send(G1, "u1", post(wang))
    send(G1, "u2", post(wang, li))
    send(G1, "u3", post(wang, li, zhao))
    send(G1, "u9", post(wang, li, zhao, stranger))
    send(G1, "x7", post(wang, li, zhao, stranger, qian))
    send(G1, "u2", post(wang, "5-1-302 李 鸡蛋2盒", zhao, stranger, qian))  # an edit
    send(G1, "x7", post(wang, "5-1-302 李 鸡蛋2盒", zhao, stranger))  # withdrawn
    send(G1, "w1", "确认 1")
    send(G1, "w1", "拒绝 3 缺货")
    send(G1, "w1", "截单")
    late = post(wang, "5-1-302 李 鸡蛋2盒", zhao, stranger, "8-1-808 孙 鸡蛋1盒")
    send(G1, "u4", late, at=CUTOFF + timedelta(minutes=5))


def shape(orders: list[OrderView]) -> list[tuple[object, ...]]:
    """What must agree: numbers, statuses, flags, households, lines."""
    return [
        (
            o.no,
            o.status,
            o.flags,
            o.reason,
            o.seq,
            o.household.label() if o.household else None,
            tuple((ln.name, ln.product, ln.qty, ln.requested_qty) for ln in o.lines),
        )
        for o in orders
    ]


def test_the_fake_makes_the_orders_sqlite_makes(tmp_path: Path) -> None:
    factory = new_factory(tmp_path)
    seed(factory, PEOPLE, [G1])
    real = Chat_(factory)
    scenario(real.send)
    with factory() as s:
        repo = SqlCampaignRepo(s)
        sql_orders = repo.list_orders(repo.list_campaigns()[0].id)
        sql_audit = sorted(a.action for a in repo.audit_log("order"))

    fake = FakeChat()
    seed_fake(fake.repo, PEOPLE, [G1])
    scenario(fake.send)
    fake_orders = fake.repo.list_orders(1)

    assert len(sql_orders) == 6
    assert shape(fake_orders) == shape(sql_orders)
    assert sorted(a.action for a in fake.repo.audit_log("order")) == sql_audit
    assert [n.target for n in fake.repo.notices(kind="order")] == [
        n.target for n in real.notices(kind="order")
    ]
