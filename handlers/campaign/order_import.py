"""Plan the import of a 快团团 / 群接龙 export into a campaign (issue 17). Pure; stores nothing.

Every data row ends in exactly one of four places, so none is lost:
- placed: a new order for a household the campaign had no order from;
- merged: added to the household's order (from the 接龙, or an earlier row of this file);
- unplaced (待核实): no address the 接龙 reader can place, or a product the campaign does not
  sell; stored with the 待核实 flags for a worker to check;
- skipped: cancelled in the export, or already imported from an earlier file.
Bad rows (a quantity that is not a number, an amount that differs from price × quantity) stop
the whole import: the plan carries the problems and the caller stores nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from handlers import texts
from handlers.campaign.import_columns import map_columns, missing_columns, source_of
from handlers.campaign.import_rows import (
    RowGroup,
    SheetTable,
    group_amount,
    group_rows,
    read_rows,
    rows_text,
)
from handlers.campaign.repo import (
    FLAG_NO_ADDRESS,
    FLAG_UNKNOWN_PRODUCT,
    CampaignView,
    OrderView,
    ProductSpec,
)
from handlers.campaign.rules import match_product, qty_text
from handlers.campaign.values import (
    ExistingOrder,
    ImportPlan,
    Outcome,
    PlannedLine,
    PlannedOrder,
)
from handlers.household.repo import Address
from handlers.money.balance import amount_of, order_money, prices, yuan
from handlers.money.payment_parse import orders_at
from handlers.money.repo import METHOD_IMPORT, PaymentDraft, PaymentKind, PaymentView
from handlers.statuses import LIVE_STATUSES

MAX_PROBLEMS_SHOWN = 20


def plan_import(
    table: SheetTable, c: CampaignView, existing: Sequence[ExistingOrder]
) -> ImportPlan:
    """What importing this sheet into the campaign would do (nothing is stored here)."""
    fields = map_columns(table.header)
    source = source_of(table.header)
    missing = missing_columns(fields, len(c.products) == 1)
    if missing:
        problem = texts.IMPORT_MISSING_COLUMNS.format(sheet=table.sheet, columns="、".join(missing))
        return ImportPlan(source, table.sheet, (), (problem,), table.filled)
    rows, problems = read_rows(table, fields)
    if not rows and not problems:
        problems.append(texts.IMPORT_EMPTY.format(sheet=table.sheet))
    planner = _Planner(c, existing, texts.IMPORT_SOURCES[source])
    orders = [planner.plan(group) for group in group_rows(rows)]
    problems.extend(planner.problems)
    return ImportPlan(source, table.sheet, tuple(orders), tuple(problems), table.filled)


class _Planner:
    """Decides each group in turn, remembering the households this file has placed."""

    def __init__(self, c: CampaignView, existing: Sequence[ExistingOrder], source: str) -> None:
        self.c = c
        self.price = prices(c)
        self.live = [e.order for e in existing if e.order.status in LIVE_STATUSES]
        self.refs = {ref for e in existing for ref in e.refs}
        self.source = source
        self.placed: dict[Address, tuple[int, int]] = {}  # household → (index, first row)
        self.count = 0
        self.problems: list[str] = []

    def plan(self, group: RowGroup) -> PlannedOrder:
        index, self.count = self.count, self.count + 1
        base = self._base(group)
        if group.rows[0].status == "cancelled":
            return _with(base, "skipped", why=texts.IMPORT_REASON_CANCELLED)
        if base.ref is not None and base.ref in self.refs:
            return _with(base, "skipped", why=texts.IMPORT_REASON_DONE_BEFORE)
        self._check_amount(group, base)
        unknown = [ln.name for ln in base.lines if ln.product is None]
        flags = ((FLAG_NO_ADDRESS,) if base.address is None else ()) + (
            (FLAG_UNKNOWN_PRODUCT,) if unknown else ()
        )
        why = _unplaced_reason(base.address, unknown)
        if base.address is None:
            return _with(base, "unplaced", why=why, flags=flags)
        return self._place(index, base, flags, why)

    def _place(
        self, index: int, base: PlannedOrder, flags: tuple[str, ...], why: str
    ) -> PlannedOrder:
        assert base.address is not None
        at_home = orders_at(self.live, base.address)
        if at_home:
            into = min(at_home, key=lambda o: o.no)
            reason = why or texts.IMPORT_MERGE_INTO.format(no=into.no)
            outcome: Outcome = "unplaced" if flags else "merged"
            return _with(base, outcome, merge_into=into.id, why=reason, flags=flags)
        if base.address in self.placed:
            first, row = self.placed[base.address]
            reason = why or texts.IMPORT_MERGE_ROW.format(row=row)
            outcome = "unplaced" if flags else "merged"
            return _with(base, outcome, merge_with=first, why=reason, flags=flags)
        self.placed[base.address] = (index, base.rows[0])
        return _with(base, "unplaced" if flags else "placed", why=why, flags=flags)

    def _base(self, group: RowGroup) -> PlannedOrder:
        amount = group_amount(group)
        if isinstance(amount, str):
            self.problems.append(amount)
            amount = None
        first = group.rows[0]
        keyed = bool(first.key)
        return PlannedOrder(
            rows=group.numbers,
            key=first.key or rows_text(group.numbers),
            ref=f"{self.source}:{first.key}" if keyed else None,
            address=next((r.address for r in group.rows if r.address), None),
            name=group.first("name"),
            phone=next((r.phone for r in group.rows if r.phone), None),
            where=group.first("where"),
            note=group.first("note"),
            lines=tuple(self._line(r.item, r.spec, r.qty) for r in group.rows),
            amount=amount,
            refund=next((r.refund for r in group.rows if r.refund), 0),
            paid=first.status == "paid",
            outcome="placed",
        )

    def _line(self, item: str, spec: str, qty: float) -> PlannedLine:
        product = _match(item, spec, self.c.products)
        if product is None:
            return PlannedLine(" ".join(p for p in (item, spec) if p), None, qty, None)
        return PlannedLine(product.name, product.name, qty, product.unit)

    def _check_amount(self, group: RowGroup, base: PlannedOrder) -> None:
        """An amount must be what the campaign's prices say (checked when every line is priced)."""
        if base.amount is None or not all(ln.product in self.price for ln in base.lines):
            return
        expected = sum(amount_of(self.price[ln.product], ln.qty) for ln in base.lines if ln.product)
        if base.amount != expected:
            items = "、".join(
                f"{ln.name}{yuan(self.price[ln.product])}元×{qty_text(ln.qty)}"
                for ln in base.lines
                if ln.product
            )
            self.problems.append(
                texts.IMPORT_AMOUNT_MISMATCH.format(
                    rows=rows_text(group.numbers),
                    key=base.key,
                    amount=yuan(base.amount),
                    expected=yuan(expected),
                    items=items,
                )
            )


def _match(item: str, spec: str, products: Sequence[ProductSpec]) -> ProductSpec | None:
    """The campaign product an export line names (the spec helps when the name alone does not)."""
    if not item and len(products) == 1:
        return products[0]
    return match_product(item, products) or (match_product(item + spec, products) if spec else None)


def _unplaced_reason(address: Address | None, unknown: Sequence[str]) -> str:
    reasons = [texts.IMPORT_REASON_NO_ADDRESS] if address is None else []
    reasons += [texts.IMPORT_REASON_UNKNOWN_ITEM.format(name=name) for name in unknown]
    return "；".join(reasons)


def _with(base: PlannedOrder, outcome: Outcome, **changes: object) -> PlannedOrder:
    return replace(base, outcome=outcome, **changes)  # type: ignore[arg-type]


def shown_problems(problems: Sequence[str]) -> str:
    """The problems one per line, the first MAX_PROBLEMS_SHOWN of them."""
    lines = list(problems[:MAX_PROBLEMS_SHOWN])
    if len(problems) > MAX_PROBLEMS_SHOWN:
        lines.append(texts.IMPORT_MORE_PROBLEMS.format(count=len(problems) - MAX_PROBLEMS_SHOWN))
    return "\n".join(lines)


def import_payments(
    c: CampaignView,
    orders: Sequence[OrderView],
    payments: Sequence[PaymentView],
    written: Sequence[tuple[int, PlannedOrder]],
) -> list[PaymentDraft]:
    """What the export says was paid (and refunded) for the orders just written (order id and
    what it came from, in writing order; a merged order comes more than once): one row each
    above zero, with the payment state before and after it."""
    paid = {i for i, p in written if p.paid and (p.amount or p.refund)}
    monies = {m.order.id: m for m in order_money(c, [o for o in orders if o.id in paid], payments)}
    drafts: list[PaymentDraft] = []
    for order_id, planned in written:
        m = monies.get(order_id)
        if m is None or not planned.paid:
            continue
        for kind, amount in _money_rows(planned):
            after = m.plus(kind, amount)
            note = planned.ref or planned.key
            drafts.append(
                PaymentDraft(
                    order_id, kind, amount, METHOD_IMPORT, note, True, m.state, after.state
                )
            )
            m = after
        monies[order_id] = m
    return drafts


def _money_rows(planned: PlannedOrder) -> list[tuple[PaymentKind, int]]:
    """The export's payment and refund of one order, those above zero."""
    rows: list[tuple[PaymentKind, int]] = [
        ("payment", planned.amount or 0),
        ("refund", planned.refund),
    ]
    return [(kind, amount) for kind, amount in rows if amount > 0]
