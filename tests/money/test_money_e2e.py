"""Money and 成团 end to end through the simulator (issue 17), as a 团长 lives it.

The demo community's worker opens a batch with a minimum in the 团购 group; six households
接龙 (cumulative reposts through /sim/api/send); the scheduler's job posts the 截单 reminder
with how far the 接龙 has got, the group hears 成团啦 once, then 截单. Payments are marked three
ways: in chat (by address and by order numbers), from a pasted transfer note (a wrong amount is
refused first) and on the worker page (tick, then confirm). One 催款 reminder goes to the group.
Stock runs short at 到货, so one household that paid for two gets one and an automatic refund
line; the 收款表 is then read back cell by cell with openpyxl, before and after 已退.
A second batch below its minimum is cancelled at 截单 with one notice to the group.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import BytesIO
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import DEFAULT_ZONE
from bot.demo import DEMO_GROUPS, DEMO_RESIDENTS, DEMO_WORKER, seed_demo
from handlers.campaign.parse import parse_when
from models.audit import AuditLog
from models.messaging import Notice
from models.payment import Payment
from scheduler.jobs import close_due_campaigns
from tests.admin_support import create_tables, login, member_id, runtime_of

GROUP = DEMO_GROUPS[1][0]  # 和平里团购群
WORKER = DEMO_WORKER[0]
OPEN = (
    "开团：硕诚蔬菜套餐\n"
    "商品：蔬菜套餐 38元/份 每户限2份 库存10；鸡蛋 15元/盒\n"
    "满8份成团\n"
    "截单：明天晚上8点\n"
    "取货：社区活动中心"
)
# (resident, 蔬菜套餐 份, 鸡蛋 盒): 11 份 against a stock of 10
ORDERS = ((0, 2, 0), (1, 2, 1), (2, 2, 0), (3, 1, 0), (4, 2, 0), (5, 2, 0))


@pytest.fixture
def sim(app: Flask, client: FlaskClient, session_factory: sessionmaker[Session]) -> FlaskClient:
    seed_demo(session_factory)
    create_tables(runtime_of(app).engine)
    login(client, member_id(session_factory, DEMO_WORKER[0]))  # staff in the simulator log in
    return client


def say(client: FlaskClient, sender: str, text: str, chat: str = GROUP) -> str:
    response = client.post("/sim/api/send", json={"chat": chat, "sender": sender, "text": text})
    assert response.status_code == 200, response.text
    reply: str | None = response.get_json()["reply"]
    return reply or ""


def notices(factory: sessionmaker[Session], kind: str | None = None) -> list[str]:
    with factory() as s:
        stmt = select(Notice.text).where(Notice.target == GROUP).order_by(Notice.id)
        if kind:
            stmt = stmt.where(Notice.kind == kind)
        return list(s.scalars(stmt))


def line(i: int, veg: int, eggs: int) -> str:
    r = DEMO_RESIDENTS[i]
    return f"{r.building}-{r.unit}-{r.room} {r.name} 蔬菜套餐{veg}份" + (
        f" 鸡蛋{eggs}盒" if eggs else ""
    )


def repost(client: FlaskClient, template: str, n: int) -> None:
    """The n-th household reposts the 接龙 with the first n lines (its own added last)."""
    body = "\n".join(f"{k + 1}. {line(*ORDERS[k])}" for k in range(n))
    say(client, DEMO_RESIDENTS[ORDERS[n - 1][0]].external_id, f"{template}\n\n{body}")


def money_sheet(client: FlaskClient, campaign_id: int) -> dict[str, list[tuple[Any, ...]]]:
    response = client.get(f"/admin/campaigns/{campaign_id}/export/money.xlsx")
    assert response.status_code == 200
    assert (response.mimetype or "").endswith("spreadsheetml.sheet")
    wb = load_workbook(BytesIO(response.data))
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()] for ws in wb}


def test_batch_money_from_open_to_refund(
    sim: FlaskClient, session_factory: sessionmaker[Session]
) -> None:
    opened = say(sim, WORKER, OPEN)
    assert "满8份成团" in opened
    template = notices(session_factory)[-1]
    assert template.startswith("#接龙") and "满8份成团" in template
    cutoff = parse_when("明天晚上8点", datetime.now(UTC), DEFAULT_ZONE, 20)
    assert cutoff is not None

    # three households join; an hour before 截单 the group hears how far it has got
    for n in range(1, 4):
        repost(sim, template, n)
    close_due_campaigns(session_factory, cutoff - timedelta(minutes=50), DEFAULT_ZONE)
    [reminder] = notices(session_factory, "cutoff_reminder")
    assert "截单提醒" in reminder and "已接龙 6 份，还差 2 份成团" in reminder
    assert notices(session_factory, "goal") == []

    # the other three join; reaching 8 份 is told once
    for n in range(4, 7):
        repost(sim, template, n)
    [reached] = notices(session_factory, "goal")
    assert "成团啦" in reached
    assert "应收 433 元，已收 0 元，未收 433 元（6 户）" in say(sim, WORKER, "账目")

    # payments in chat: by address, then by order numbers
    assert "1 号 3-2-201 张秀英 76 元" in say(sim, WORKER, "已付 3-2-201")
    out = say(sim, WORKER, "已付 2 3")
    assert "2 号 3-2-502 李建国 91 元" in out and "3 号 3-1-301 王丽 76 元" in out
    assert "未付 3 户共 190 元" in out

    # one 催款 reminder to the group, naming who has not paid and how much
    assert "已在群里提醒 3 户付款（共 190 元）" in say(sim, WORKER, "催款")
    [unpaid] = notices(session_factory, "unpaid")
    assert "5-1-1102 刘洋 38 元" in unpaid and "7-2-401 赵德明 76 元" in unpaid
    assert "3-2-201" not in unpaid

    # a pasted transfer note: a wrong amount is refused and stores nothing, the right one counts
    out = say(sim, WORKER, "微信转账 ¥70.00 7-2-401赵")
    assert "金额不符，没有记账：7-2-401 应付 76 元，转账 70 元" in out
    out = say(sim, WORKER, "微信转账\n¥76.00\n7-2-401赵")
    assert "6 号 7-2-401 赵德明 76 元" in out

    # the worker page: tick two orders, check, confirm
    csrf = login(sim, member_id(session_factory, WORKER))
    page = sim.get(f"/admin/campaigns/{campaign_id(session_factory)}/money").text
    assert "未收" in page and "各楼已付/未付（元）" in page
    ids = order_ids(session_factory, (4, 5))
    check = sim.post(
        f"/admin/campaigns/{campaign_id(session_factory)}/money/check",
        data={"csrf_token": csrf, "order": [str(i) for i in ids]},
    )
    assert check.status_code == 200 and 'id="confirm-total">114<' in check.text
    assert paid_rows(session_factory) == 4  # nothing stored before the confirmation
    done = sim.post(
        f"/admin/campaigns/{campaign_id(session_factory)}/money/paid",
        data={"csrf_token": csrf, "order": [str(i) for i in ids]},
        follow_redirects=True,
    )
    assert "4 号 5-1-1102 刘洋 38 元" in done.text and "5 号 5-3-602 陈静 76 元" in done.text
    assert "未付 0 户共 0 元" in done.text
    assert "没有要付的钱" in say(sim, WORKER, "已付 3-2-201")  # never twice

    # 截单 by the scheduler: reached, so the batch goes ahead
    assert close_due_campaigns(session_factory, cutoff + timedelta(seconds=5), DEFAULT_ZONE)
    [closed] = notices(session_factory, "cutoff")
    assert "已截单，共6单" in closed and "已接龙 11 份，已成团" in closed
    assert "已确认6单" in say(sim, WORKER, "确认全部")

    # 到货: 10 份 for 11, first come; 赵德明 (paid for 2) gets 1 and a refund line
    assert "已安排" in say(sim, WORKER, "到货")
    refund_notice = [t for t in notices(session_factory, "order") if "会退还给您" in t]
    assert refund_notice == [
        "7-2-401：您在「硕诚蔬菜套餐」多付的 38 元（缺货少分：蔬菜套餐2→1份）会退还给您，"
        "请留意团长的转账。"
    ]

    cid = campaign_id(session_factory)
    sheets = money_sheet(sim, cid)
    assert list(sheets) == ["收款明细", "退款", "汇总"]
    rows = sheets["收款明细"]
    assert rows[0] == (
        "编号", "门牌", "姓名", "物品", "订单状态", "应付（元）", "已付（元）", "已退（元）",
        "待退（元）", "未付（元）", "付款状态", "付款方式", "付款时间",
    )  # fmt: skip
    who = [
        (1, "3-2-201", "张秀英", "蔬菜套餐×2份"),
        (2, "3-2-502", "李建国", "蔬菜套餐×2份、鸡蛋×1盒"),
        (3, "3-1-301", "王丽", "蔬菜套餐×2份"),
        (4, "5-1-1102", "刘洋", "蔬菜套餐×1份"),
        (5, "5-3-602", "陈静", "蔬菜套餐×2份"),
        (6, "7-2-401", "赵德明", "蔬菜套餐×1份"),  # 2 份 asked, 1 given
    ]
    # 应付, 已付, 已退, 待退, 未付, 付款状态, 付款方式
    money = [
        (76.0, 76.0, 0.0, 0.0, 0.0, "已付", "聊天记账"),
        (91.0, 91.0, 0.0, 0.0, 0.0, "已付", "聊天记账"),
        (76.0, 76.0, 0.0, 0.0, 0.0, "已付", "聊天记账"),
        (38.0, 38.0, 0.0, 0.0, 0.0, "已付", "工作台"),
        (76.0, 76.0, 0.0, 0.0, 0.0, "已付", "工作台"),
        (38.0, 76.0, 0.0, 38.0, 0.0, "已付", "转账记录"),
    ]
    assert [r[:4] for r in rows[1:]] == who
    assert [r[5:12] for r in rows[1:]] == money
    assert all(r[4] == "待取货" for r in rows[1:])
    assert all(isinstance(r[12], str) and r[12].startswith("20") for r in rows[1:])
    [refund] = sheets["退款"][1:]
    assert refund[:6] == (6, "7-2-401", "赵德明", 38.0, "缺货少分：蔬菜套餐2→1份", "待退")
    assert refund[7] is None  # not sent back yet
    assert sheets["汇总"] == [
        ("项目", "金额（元）"),
        ("应收合计", 395.0),
        ("已收", 433.0),
        ("未收", 0.0),
        ("应付供应商", 395.0),
        ("已退款", 0.0),
        ("待退款", 38.0),
        ("未付款订单数", 0),
    ]

    # the refund is sent back: 已退 in chat; the sheet follows
    assert "已标记退回：6 号 7-2-401 38 元" in say(sim, WORKER, "已退 6")
    after = money_sheet(sim, cid)
    assert after["退款"][1][5] == "已退" and after["退款"][1][7]
    assert ("已退款", 38.0) in after["汇总"] and ("待退款", 0.0) in after["汇总"]
    assert after["收款明细"][6][7:10] == (38.0, 0.0, 0.0)

    # every change is in the 台账
    with session_factory() as s:
        actions = [a for a in s.scalars(select(AuditLog.action)) if a.startswith("payment.")]
    assert sorted(actions) == sorted(
        ["payment.payment"] * 6 + ["payment.refund_due", "payment.refund"]
    )
    audit = sim.get("/admin/audit?type=order").text
    assert "payment.refund" in audit


def test_batch_below_its_minimum_is_cancelled_with_one_notice(
    sim: FlaskClient, session_factory: sessionmaker[Session]
) -> None:
    say(sim, WORKER, OPEN.replace("满8份成团", "成团：30份"))
    template = notices(session_factory)[-1]
    for n in range(1, 3):
        repost(sim, template, n)
    say(sim, WORKER, "已付 3-2-201")
    cutoff = parse_when("明天晚上8点", datetime.now(UTC), DEFAULT_ZONE, 20)
    assert cutoff is not None
    close_due_campaigns(session_factory, cutoff + timedelta(seconds=5), DEFAULT_ZONE)

    group = notices(session_factory)
    [cancelled] = [t for t in group if "未成团" in t]
    assert "截单时已接龙 4 份，还差 26 份成团，这次团购取消了" in cancelled
    assert not [t for t in group if "已截单" in t]  # no order list for a batch that is off
    with session_factory() as s:
        personal = s.scalars(select(Notice).where(Notice.kind == "order")).all()
        assert personal == []  # one notice to everyone, not one each
        [refund] = s.scalars(select(Payment).where(Payment.kind == "refund")).all()
        assert (refund.amount, refund.done_at) == (7600, None)
    assert say(sim, WORKER, "账目") == "现在没有进行中的团购。"  # a cancelled batch is over
    csrf = login(sim, member_id(session_factory, WORKER))
    cid = campaign_id(session_factory)
    page = sim.get(f"/admin/campaigns/{cid}").text
    assert "已取消" in page and "未成团" in page
    money = sim.get(f"/admin/campaigns/{cid}/money").text
    assert "待退 76 元" in money
    [refund_id] = waiting_refunds(session_factory)
    sim.post(f"/admin/campaigns/{cid}/money/refunds/{refund_id}", data={"csrf_token": csrf})
    assert waiting_refunds(session_factory) == []
    sheet = money_sheet(sim, cid)
    assert sheet["收款明细"][1][4:11] == ("已取消", 0.0, 76.0, 76.0, 0.0, 0.0, "已退")


def campaign_id(factory: sessionmaker[Session]) -> int:
    from models.campaign import Campaign

    with factory() as s:
        return s.scalars(select(Campaign.id).order_by(Campaign.id.desc())).first() or 0


def order_ids(factory: sessionmaker[Session], nos: tuple[int, ...]) -> list[int]:
    from models.campaign import Order

    with factory() as s:
        return list(s.scalars(select(Order.id).where(Order.no.in_(nos)).order_by(Order.no)))


def waiting_refunds(factory: sessionmaker[Session]) -> list[int]:
    with factory() as s:
        return list(
            s.scalars(select(Payment.id).where(Payment.kind == "refund", Payment.done_at.is_(None)))
        )


def paid_rows(factory: sessionmaker[Session]) -> int:
    with factory() as s:
        return len(s.scalars(select(Payment).where(Payment.kind == "payment")).all())


def test_page_transfer_note_and_goal(
    sim: FlaskClient, session_factory: sessionmaker[Session]
) -> None:
    say(sim, WORKER, OPEN)
    template = notices(session_factory)[-1]
    repost(sim, template, 2)
    csrf = login(sim, member_id(session_factory, WORKER))
    cid = campaign_id(session_factory)
    base = f"/admin/campaigns/{cid}"

    wrong = sim.post(
        f"{base}/money/check",
        data={"csrf_token": csrf, "transfer": "微信转账 ¥90.00 3-2-502李"},
        follow_redirects=True,
    )
    assert "金额不符，没有记账：3-2-502 应付 91 元，转账 90 元" in wrong.text
    right = sim.post(
        f"{base}/money/check", data={"csrf_token": csrf, "transfer": "微信转账 ¥91.00 3-2-502李"}
    )
    assert (
        'id="confirm-total">91<' in right.text
        and "转账记录：微信转账 ¥91.00 3-2-502李" in right.text
    )
    assert paid_rows(session_factory) == 0
    [order] = order_ids(session_factory, (2,))
    done = sim.post(
        f"{base}/money/paid",
        data={
            "csrf_token": csrf,
            "order": str(order),
            "method": "transfer",
            "amount": "9100",
            "note": "微信转账 ¥91.00 3-2-502李",
        },
        follow_redirects=True,
    )
    assert "2 号 3-2-502 李建国 91 元" in done.text
    with session_factory() as s:
        [row] = s.scalars(select(Payment)).all()
        assert (row.method, row.amount, row.note) == ("transfer", 9100, "微信转账 ¥91.00 3-2-502李")

    assert (
        sim.post(f"{base}/goal", data={"csrf_token": csrf, "min_total": "abc"}).status_code == 400
    )
    page = sim.post(
        f"{base}/goal", data={"csrf_token": csrf, "min_total": "20"}, follow_redirects=True
    )
    assert "已设置成团数量：满20份成团。已接龙 4 份，还差 16 份成团" in page.text
    page = sim.post(
        f"{base}/goal", data={"csrf_token": csrf, "min_total": ""}, follow_redirects=True
    )
    assert "已取消成团数量" in page.text
    with session_factory() as s:
        changes = s.scalars(select(AuditLog.after).where(AuditLog.action == "campaign.min_total"))
        assert [a["min_total"] for a in changes] == [20.0, None]
