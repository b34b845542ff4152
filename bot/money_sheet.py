"""The 收款表 of a campaign (issue 17): every order's money, the refund lines, and the totals.

Amounts are numbers in 元 with two decimals (a spreadsheet can sum them); the figures come from
`handlers.money.balance`, the same functions the chat and the worker page use.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.sheets import write_table
from handlers import texts
from handlers.campaign.format import address, items_text
from handlers.campaign.repo import CampaignView
from handlers.money.balance import MoneySummary, OrderMoney, summarize

ORDER_HEADERS = (
    "编号",
    "门牌",
    "姓名",
    "物品",
    "订单状态",
    "应付（元）",
    "已付（元）",
    "已退（元）",
    "待退（元）",
    "未付（元）",
    "付款状态",
    "付款方式",
    "付款时间",
)
REFUND_HEADERS = ("编号", "门牌", "姓名", "金额（元）", "原因", "状态", "记录时间", "退回时间")
SUMMARY_HEADERS = ("项目", "金额（元）")
SUMMARY_ROWS = ("应收合计", "已收", "未收", "应付供应商", "已退款", "待退款")
AMOUNT_FORMAT = "0.00"


def yuan_value(fen: int) -> float:
    """A number for a spreadsheet cell: 7600 → 76.0."""
    return round(fen / 100, 2)


def money_workbook(c: CampaignView, monies: Sequence[OrderMoney], tz: tzinfo) -> Workbook:
    """收款明细, 退款, 汇总 — in that order; times in `tz`."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "收款明细"
    write_table(ws, ORDER_HEADERS, [_order_row(m, tz) for m in monies])
    _amount_columns(ws, (6, 7, 8, 9, 10))
    refunds = wb.create_sheet("退款")
    write_table(refunds, REFUND_HEADERS, _refund_rows(monies, tz))
    _amount_columns(refunds, (4,))
    totals = wb.create_sheet("汇总")
    write_table(totals, SUMMARY_HEADERS, _summary_rows(summarize(monies)))
    _amount_columns(totals, (2,))
    return wb


def _order_row(m: OrderMoney, tz: tzinfo) -> tuple[object, ...]:
    o = m.order
    payments = [p for p in m.rows if p.kind == "payment"]
    methods = "、".join(
        dict.fromkeys(texts.PAYMENT_METHODS.get(p.method, p.method) for p in payments)
    )
    return (
        o.no,
        address(o.household),
        (o.household.name if o.household else None) or "",
        items_text(o.lines, final=True),
        texts.ORDER_STATUS.get(o.status, o.status),
        yuan_value(m.owed),
        yuan_value(m.paid),
        yuan_value(m.refunded),
        yuan_value(m.waiting),
        yuan_value(m.outstanding),
        texts.PAYMENT_STATES[m.state],
        methods,
        local_text(payments[-1].at, tz) if payments else "",
    )


def _refund_rows(monies: Sequence[OrderMoney], tz: tzinfo) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for m in monies:
        for p in m.rows:
            if p.kind != "refund":
                continue
            rows.append(
                (
                    m.order.no,
                    address(m.order.household),
                    (m.order.household.name if m.order.household else None) or "",
                    yuan_value(p.amount),
                    p.note,
                    texts.REFUND_STATES[p.waiting],
                    local_text(p.at, tz),
                    local_text(p.done_at, tz) if p.done_at else "",
                )
            )
    return rows


def _summary_rows(s: MoneySummary) -> list[tuple[object, ...]]:
    values = (s.owed, s.paid, s.outstanding, s.supplier, s.refunded, s.waiting)
    rows: list[tuple[object, ...]] = [
        (label, yuan_value(v)) for label, v in zip(SUMMARY_ROWS, values, strict=True)
    ]
    rows.append((texts.MONEY_UNPAID_HOUSEHOLDS, s.unpaid_orders))
    return rows


def _amount_columns(ws: Worksheet, columns: Sequence[int]) -> None:
    for col in columns:
        for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            if isinstance(cell.value, float):
                cell.number_format = AMOUNT_FORMAT


def local_text(at: datetime, tz: tzinfo) -> str:
    """2022-04-11 10:05 in `tz`."""
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
