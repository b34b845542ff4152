"""What each household owes, has paid and gets back (issue 17). Pure: chat, page, scheduler
and the money sheet all decide with these functions.

Owed is price × the quantity the household gets (the allocation once made), for orders that
still want goods; a rejected, cancelled or withdrawn order owes nothing. Money a household
paid beyond what it owes becomes a refund line (待退) until a worker sends it back (已退).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from handlers.campaign.repo import CampaignView, LineView, OrderView
from handlers.money.repo import PaymentDraft, PaymentKind, PaymentState, PaymentView
from handlers.statuses import LIVE_STATUSES, SHIPPED_STATUSES


def to_fen(yuan: float | str | Decimal) -> int:
    """38 → 3800, '116.00' → 11600, 0.1 + 0.2 stays 30 (decimal, half up)."""
    return int((Decimal(str(yuan)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def yuan(fen: int) -> str:
    """3800 → '38', 7550 → '75.50' (as people write money)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}" if cents == 0 else f"{sign}{whole}.{cents:02d}"


def prices(c: CampaignView) -> dict[str, int]:
    """Price in fen per product name (products without a price are left out)."""
    return {p.name: to_fen(p.price) for p in c.products if p.price is not None}


def amount_of(price: int, qty: float) -> int:
    """Price (fen) × quantity, to the nearest fen: 1980 × 0.5 斤 → 990."""
    return int((price * Decimal(str(qty))).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def line_amount(line: LineView, price: Mapping[str, int], final: bool = True) -> int:
    """Price × quantity of one line; 0 when its product or price is unknown."""
    if line.product is None or line.product not in price:
        return 0
    return amount_of(price[line.product], line.final_qty if final else line.qty)


def is_priced(order: OrderView, price: Mapping[str, int]) -> bool:
    """Every line names a product with a price (its amount can be checked)."""
    return bool(order.lines) and all(ln.product in price for ln in order.lines)


def order_owed(order: OrderView, price: Mapping[str, int]) -> int:
    """What the household owes for this order (0 once it no longer wants goods)."""
    if order.status not in LIVE_STATUSES:
        return 0
    return sum(line_amount(ln, price) for ln in order.lines)


@dataclass(frozen=True, slots=True)
class OrderMoney:
    """One order's money: owed, paid, refunds sent back and refunds waiting."""

    order: OrderView
    owed: int
    paid: int = 0
    refunded: int = 0
    waiting: int = 0
    rows: tuple[PaymentView, ...] = field(default=())
    priced: bool = True  # every line has a known price (else what it owes is not known yet)

    @property
    def credit(self) -> int:
        """What the household has paid and keeps paid (refund lines already subtracted)."""
        return self.paid - self.refunded - self.waiting

    @property
    def outstanding(self) -> int:
        """Still to pay (未付)."""
        return max(0, self.owed - self.credit)

    @property
    def over(self) -> int:
        """Paid beyond what is owed, with no refund line for it yet (none while a line of the
        order names no known product: a worker must place it first, 待核实)."""
        return max(0, self.credit - self.owed) if self.priced else 0

    @property
    def state(self) -> PaymentState:
        """未付 → 已付 → 已退."""
        return state_of(self.owed, self.paid, self.refunded, self.waiting)

    def plus(self, kind: PaymentKind, amount: int, done: bool = True) -> OrderMoney:
        """The same order with one more row (to know the state a write leads to)."""
        if kind == "payment":
            return _replace(self, paid=self.paid + amount)
        if done:
            return _replace(self, refunded=self.refunded + amount)
        return _replace(self, waiting=self.waiting + amount)


def _replace(m: OrderMoney, **changes: int) -> OrderMoney:
    values = {"paid": m.paid, "refunded": m.refunded, "waiting": m.waiting, **changes}
    return OrderMoney(m.order, m.owed, rows=m.rows, priced=m.priced, **values)


def state_of(owed: int, paid: int, refunded: int, waiting: int) -> PaymentState:
    """未付 until paid in full; 已退 once everything paid has been sent back."""
    if paid <= 0:
        return "unpaid"
    credit = paid - refunded - waiting
    if credit <= 0 and waiting == 0 and owed == 0:
        return "refunded"
    return "unpaid" if credit < owed else "paid"


def order_money(
    c: CampaignView, orders: Iterable[OrderView], payments: Iterable[PaymentView]
) -> list[OrderMoney]:
    """Every order's money, in the given order."""
    price = prices(c)
    rows: dict[int, list[PaymentView]] = {}
    for p in payments:
        rows.setdefault(p.order_id, []).append(p)
    return [_money(o, price, rows.get(o.id, [])) for o in orders]


def _money(order: OrderView, price: Mapping[str, int], rows: list[PaymentView]) -> OrderMoney:
    paid = sum(p.amount for p in rows if p.kind == "payment")
    refunded = sum(p.amount for p in rows if p.kind == "refund" and not p.waiting)
    waiting = sum(p.amount for p in rows if p.waiting)
    priced = order.status not in LIVE_STATUSES or is_priced(order, price)
    return OrderMoney(order, order_owed(order, price), paid, refunded, waiting, tuple(rows), priced)


@dataclass(frozen=True, slots=True)
class MoneySummary:
    """A campaign's money: owed, paid, outstanding, to the supplier, refunds."""

    owed: int
    paid: int
    outstanding: int
    supplier: int
    refunded: int
    waiting: int
    unpaid_orders: int


def summarize(monies: Sequence[OrderMoney]) -> MoneySummary:
    """Totals over the orders' money."""
    return MoneySummary(
        owed=sum(m.owed for m in monies),
        paid=sum(m.paid for m in monies),
        outstanding=sum(m.outstanding for m in monies),
        supplier=sum(m.owed for m in monies if m.order.status in SHIPPED_STATUSES),
        refunded=sum(m.refunded for m in monies),
        waiting=sum(m.waiting for m in monies),
        unpaid_orders=sum(m.outstanding > 0 for m in monies),
    )


def unpaid(monies: Sequence[OrderMoney]) -> list[OrderMoney]:
    """Orders with money still to pay, in number order."""
    return [m for m in monies if m.outstanding > 0]


def by_building(monies: Sequence[OrderMoney]) -> dict[str, tuple[int, int]]:
    """(paid, unpaid) of what is owed, per building ('未知' without an address)."""
    out: dict[str, tuple[int, int]] = {}
    for m in monies:
        if m.owed <= 0:
            continue
        h = m.order.household
        key = (h.building if h else None) or "未知"
        paid, due = out.get(key, (0, 0))
        out[key] = (paid + m.owed - m.outstanding, due + m.outstanding)
    return out


def payment_drafts(
    due: Sequence[OrderMoney], amounts: Sequence[int], method: str, note: str
) -> tuple[PaymentDraft, ...]:
    """One payment row per order and amount, with the state before and after."""
    return tuple(
        PaymentDraft(
            m.order.id, "payment", a, method, note, True, m.state, m.plus("payment", a).state
        )
        for m, a in zip(due, amounts, strict=True)
        if a > 0
    )


def split_amount(due: Sequence[OrderMoney], amount: int) -> list[int]:
    """A sum spread over orders in turn, each up to what it owes; any excess on the last."""
    parts = []
    left = amount
    for m in due:
        part = min(m.outstanding, left)
        parts.append(part)
        left -= part
    if parts and left > 0:
        parts[-1] += left
    return parts


def refund_drafts(monies: Sequence[OrderMoney], reasons: Mapping[int, str]) -> list[PaymentDraft]:
    """A waiting refund line for every order paid beyond what it owes (short delivery, a
    rejected or cancelled order, a batch that did not reach 成团)."""
    return [
        PaymentDraft(
            m.order.id,
            "refund",
            m.over,
            "auto",
            reasons.get(m.order.id, ""),
            False,
            m.state,
            m.plus("refund", m.over, done=False).state,
        )
        for m in monies
        if m.over > 0
    ]
