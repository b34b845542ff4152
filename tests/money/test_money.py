"""The pure decisions of issue 17, table by table: money in fen, payment states, refund lines,
what a worker types or pastes, the 成团 minimum in 开团, ready-made texts, export columns."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import DEFAULT_ZONE
from handlers import texts
from handlers.campaign.goal import progress_text, take_goal
from handlers.campaign.import_columns import find_header, header_key, map_columns, source_of
from handlers.campaign.import_rows import amount, pay_status, phone, quantity
from handlers.campaign.parse import parse_campaign
from handlers.campaign.ready_texts import announcement, ready_texts, unpaid_reminder
from handlers.campaign.repo import CampaignDraft, CampaignView, LineView, OrderView, ProductSpec
from handlers.household.repo import Household
from handlers.money.balance import (
    OrderMoney,
    amount_of,
    order_money,
    refund_drafts,
    split_amount,
    state_of,
    summarize,
    to_fen,
    yuan,
)
from handlers.money.ops import plan_paid, refund_reason
from handlers.money.payment_parse import parse_pay_target, parse_transfer
from handlers.money.repo import PaymentKind, PaymentView
from handlers.statuses import OrderStatus
from tests.campaign_support import T0, Chat_, Person, new_factory, seed

AT = datetime(2022, 4, 11, 2, 0, tzinfo=UTC)
VEG = ProductSpec("蔬菜套餐", 38, "份", 2, 10)
EGGS = ProductSpec("鸡蛋", 15, "盒")
CAMPAIGN = CampaignView(
    1, "g1", "sim", "硕诚蔬菜套餐", "open", (VEG, EGGS), AT, None, "活动中心", 30, 20,
    "first_come", "w1", AT, 8,
)  # fmt: skip


def _order(
    no: int,
    veg: float,
    eggs: float = 0,
    given: float | None = None,
    status: OrderStatus = "pending",
) -> OrderView:
    lines = [LineView(no * 10, "蔬菜套餐", veg, "份", "蔬菜套餐", veg, given)]
    if eggs:
        lines.append(LineView(no * 10 + 1, "鸡蛋", eggs, "盒", "鸡蛋", eggs))
    home = Household("3", "2", f"{no}01", f"住户{'甲乙丙丁'[no % 4]}")
    return OrderView(no, 1, no, status, home, tuple(lines), "g1", "u", no, AT)


def _paid(order_id: int, fen: int, kind: PaymentKind = "payment", done: bool = True) -> PaymentView:
    return PaymentView(
        order_id,
        order_id,
        kind,
        fen,
        "chat",
        "",
        "w1",
        AT,
        AT if done else None,
    )


@pytest.mark.parametrize(
    ("yuan_in", "fen"), [(38, 3800), ("116.00", 11600), (0.1 + 0.2, 30), ("19.995", 2000)]
)
def test_money_is_whole_fen(yuan_in: float | str, fen: int) -> None:
    assert to_fen(yuan_in) == fen


def test_amounts_read_as_people_write_them() -> None:
    assert [yuan(3800), yuan(7550), yuan(5), yuan(-3800)] == ["38", "75.50", "0.05", "-38"]
    assert amount_of(1980, 0.5) == 990 and amount_of(3800, 3) == 11400


@pytest.mark.parametrize(
    ("owed", "paid", "refunded", "waiting", "state"),
    [
        (7600, 0, 0, 0, "unpaid"),
        (7600, 3800, 0, 0, "unpaid"),  # part paid: still 未付
        (7600, 7600, 0, 0, "paid"),
        (3800, 7600, 0, 3800, "paid"),  # short delivery: refund line waiting
        (3800, 7600, 3800, 0, "paid"),  # the difference sent back: still 已付
        (0, 7600, 0, 7600, "paid"),  # cancelled, money not back yet
        (0, 7600, 7600, 0, "refunded"),  # 已退
    ],
)
def test_payment_state(owed: int, paid: int, refunded: int, waiting: int, state: str) -> None:
    assert state_of(owed, paid, refunded, waiting) == state


def test_order_money_owes_the_allocation_and_nothing_once_cancelled() -> None:
    orders = [
        _order(1, 2, eggs=1),
        _order(2, 2, given=1),
        _order(3, 1, status="cancelled"),
    ]
    monies = order_money(CAMPAIGN, orders, [_paid(2, 7600), _paid(3, 3800)])
    assert [m.owed for m in monies] == [9100, 3800, 0]
    assert [m.over for m in monies] == [0, 3800, 3800]
    drafts = refund_drafts(monies, {2: "缺货", 3: "取消"})
    assert [(d.order_id, d.amount, d.done, d.before, d.after) for d in drafts] == [
        (2, 3800, False, "paid", "paid"),
        (3, 3800, False, "paid", "paid"),
    ]
    settled = [m.plus("refund", 3800) for m in monies[1:]]
    assert [m.state for m in settled] == ["paid", "refunded"]
    s = summarize(monies)
    assert (s.owed, s.paid, s.outstanding, s.unpaid_orders, s.supplier) == (
        12900,
        11400,
        9100,
        1,
        0,
    )
    assert refund_reason(monies[1].order) == "缺货少分：蔬菜套餐2→1份"
    assert refund_reason(replace(monies[2].order, reason="未成团")) == "订单已取消：未成团"


def test_plan_paid_checks_a_transfer_and_records_what_a_worker_says() -> None:
    monies = order_money(CAMPAIGN, [_order(1, 2), _order(2, 1)], [])
    exact = plan_paid(monies, 10000, "transfer", "", exact=True, label="x")
    assert isinstance(exact, str) and "应付 114 元，转账 100 元" in exact
    forced = plan_paid(monies, 10000, "chat", "", exact=False, label="x")
    assert not isinstance(forced, str)
    assert [d.amount for d in forced.drafts] == [7600, 2400]
    assert [d.after for d in forced.drafts] == ["paid", "unpaid"]
    assert split_amount(monies, 12000) == [7600, 4400]  # an overpayment sits on the last
    settled = [OrderMoney(m.order, m.owed, m.owed) for m in monies]
    assert "没有要付的钱" in str(plan_paid(settled, None, "chat", "", exact=False, label="x"))


@pytest.mark.parametrize(
    ("text", "nos", "address", "fen"),
    [
        ("3-2-201", (), ("3", "2", "201"), None),
        ("12 15 18", (12, 15, 18), None, None),
        ("12、15号", (12, 15), None, None),
        ("３号楼２单元２０１ １１６元", (), ("3", "2", "201"), 11600),
        ("5#1102 ¥38", (), ("5", None, "1102"), 3800),
        ("明天再说", None, None, None),
    ],
)
def test_what_follows_yifu(
    text: str, nos: tuple[int, ...] | None, address: tuple[str, ...] | None, fen: int | None
) -> None:
    target = parse_pay_target(text)
    if nos is None:
        assert target is None
        return
    assert target is not None
    assert (target.nos, target.address, target.amount) == (nos, address, fen)


@pytest.mark.parametrize(
    ("text", "address", "fen"),
    [
        ("微信转账 ¥116.00 3-2-201王", ("3", "2", "201"), 11600),
        ("[转账]\n￥76\n7-2-401 赵德明", ("7", "2", "401"), 7600),
        ("微信转账 ¥38.00", None, 3800),
        ("转账了吗？", "none", None),
        ("3-2-201 已转账 76元", "none", None),  # not a transfer record: a resident's sentence
    ],
)
def test_transfer_notes(text: str, address: object, fen: int | None) -> None:
    note = parse_transfer(text)
    if address == "none":
        assert note is None
        return
    assert note is not None and (note.address, note.amount) == (address, fen)


@pytest.mark.parametrize(
    ("text", "goal"),
    [
        ("满30份成团", 30.0),
        ("成团：30份", 30.0),
        ("30份起订", 30.0),
        ("最低 20 份", 20.0),
        ("满 50 单发车", 50.0),
        ("每户限2份", None),
    ],
)
def test_goal_in_kaituan(text: str, goal: float | None) -> None:
    assert take_goal(text)[0] == goal


def test_kaituan_with_a_goal_keeps_its_products() -> None:
    draft = parse_campaign(
        "开团：蔬菜团\n蔬菜套餐 38元/份\n满30份发车\n截单：今晚8点", AT, DEFAULT_ZONE
    )
    assert isinstance(draft, CampaignDraft)
    assert draft.min_total == 30 and [p.name for p in draft.products] == ["蔬菜套餐"]


def test_progress_counts_the_goals_unit_only() -> None:
    orders = [_order(1, 2, eggs=3), _order(2, 1), _order(3, 2, status="withdrawn")]
    assert progress_text(CAMPAIGN, orders) == "已接龙 3 份，还差 5 份成团"
    assert progress_text(replace(CAMPAIGN, min_total=3), orders) == "已接龙 3 份，已成团"
    assert progress_text(replace(CAMPAIGN, min_total=None), orders) == "已接龙 3 份"


def test_ready_texts() -> None:
    text = announcement(CAMPAIGN, DEFAULT_ZONE)
    assert text.startswith("【开团】硕诚蔬菜套餐") and "满8份成团" in text
    assert "\n\n#接龙\n硕诚蔬菜套餐" in text  # the blank 接龙 to copy follows
    monies = order_money(CAMPAIGN, [_order(1, 2), _order(2, 1)], [_paid(1, 7600)])
    assert unpaid_reminder(CAMPAIGN, monies).endswith("\n3-2-201 住户丙 38 元")
    keys = [t.key for t in ready_texts(CAMPAIGN, [], monies, [], AT, DEFAULT_ZONE)]
    assert keys == ["open", "cutoff", "arrival", "not_reached", "unpaid"]
    no_goal = replace(CAMPAIGN, min_total=None)
    assert "not_reached" not in [
        t.key for t in ready_texts(no_goal, [], monies, [], AT, DEFAULT_ZONE)
    ]


def test_export_columns() -> None:
    assert header_key(" 数量（份） ") == "数量" and header_key("金额(元)") == "金额"
    rows = [["快团团订单导出 2022-04-10"], [], ["跟团号", "收货人", "商品", "数量", "详细地址"]]
    assert find_header(rows) == 2
    assert map_columns(rows[2]) == {"key": 0, "name": 1, "item": 2, "qty": 3, "address": 4}
    assert source_of(rows[2]) == "ktt" and source_of(["接龙号", "数量"]) == "jielong"
    assert find_header([["商品", "数量合计", "金额"]]) is None


def test_export_cells() -> None:
    assert phone("+86 139-0015-1102") == "13900151102" and phone("12345") is None
    assert amount("¥1,038.50") == 103850 and amount("") is None and amount("免费") == "免费"
    assert quantity("2份") == 2 and quantity("两份") is None and quantity("0") is None
    assert [pay_status(s, True) for s in ("已支付", "待核销", "待支付", "已取消", "已退款")] == [
        "paid",
        "paid",
        "unpaid",
        "cancelled",
        "cancelled",
    ]
    assert pay_status("", False) == "unpaid"  # no status column: owed, not paid


def test_resident_saying_yifu_is_thanked_and_workers_asked(tmp_path: Path) -> None:
    factory = new_factory(tmp_path)
    seed(factory, [Person("u1", "王芳", "3", "2", "201")], ["g1"])
    chat = Chat_(factory)
    chat.send("g1", "w1", "开团：蔬菜团\n商品：蔬菜套餐 38元/份\n截单：今晚8点")
    template = chat.notices("g1")[-1].text
    chat.send("g1", "u1", f"{template}\n\n1. 3-2-201 王芳 蔬菜套餐2份")
    assert chat.send("g1", "u1", "已付，谢谢团长") == texts.PAY_CLAIM
    [notice] = chat.notices("w1")
    assert "3-2-201 王芳 说已付款" in notice.text and "已付 3-2-201" in notice.text
    assert "1 号 3-2-201 王芳 76 元" in chat.send("g1", "w1", "已付 3-2-201")
    assert chat.send("g1", "u2", "已付") != texts.PAY_CLAIM  # no order, no claim


def test_cutoff_reminder_once_and_never_after_the_cutoff(tmp_path: Path) -> None:
    from handlers.campaign.goal_ops import remind_due
    from models.campaigns_repo import SqlCampaignRepo

    factory = new_factory(tmp_path)
    seed(factory, [], ["g1"])
    chat = Chat_(factory)
    chat.send("g1", "w1", "开团：蔬菜团\n商品：蔬菜套餐 38元/份\n满30份成团\n截单：今晚8点")
    cutoff = T0.replace(hour=20)
    for at in (cutoff - timedelta(hours=2), cutoff + timedelta(minutes=1)):
        with factory.begin() as s:
            assert remind_due(SqlCampaignRepo(s), at, DEFAULT_ZONE) == []
    with factory.begin() as s:
        assert remind_due(SqlCampaignRepo(s), cutoff - timedelta(minutes=59), DEFAULT_ZONE) == [1]
    with factory.begin() as s:
        assert remind_due(SqlCampaignRepo(s), cutoff - timedelta(minutes=30), DEFAULT_ZONE) == []
    [reminder] = chat.notices("g1", kind="cutoff_reminder")
    assert "已接龙 0 份，还差 30 份成团" in reminder.text


def test_an_order_with_an_unknown_product_gets_no_refund_line_until_placed() -> None:
    unknown = replace(_order(4, 1), lines=(LineView(40, "农家土鸡", 1, None, None, 1),))
    [m] = order_money(CAMPAIGN, [unknown], [_paid(4, 4500)])
    assert (m.owed, m.over, refund_drafts([m], {})) == (0, 0, [])
