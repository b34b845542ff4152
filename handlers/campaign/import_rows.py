"""Rows of an order export read into plain values, and grouped into orders (issue 17). Pure.

The xlsx reader (bot/imports.py) hands over every cell as text. A 快团团 order with several
products has one row per product under the same 跟团号; the order's own cells (收货人, 订单金额…)
repeat on each row or were merged and filled down, so a group takes them from its first row
that has them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from handlers import texts
from handlers.household.repo import Address
from handlers.money.balance import to_fen
from handlers.money.payment_parse import read_address

PayStatus = Literal["paid", "unpaid", "cancelled"]
MAX_QTY = 1000.0
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")
_CANCELLED = ("取消", "关闭", "已退款", "全额退款", "全部退款")
_UNPAID = ("待支付", "未支付", "待付款", "未付款", "未付")


@dataclass(frozen=True, slots=True)
class SheetTable:
    """One sheet of the export: its name, header and data rows (sheet row number, cells)."""

    sheet: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    filled: tuple[str, ...] = ()  # merged ranges the reader filled down (A3:A4 …)


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One data row as values."""

    row: int
    key: str  # 跟团号 / 接龙号, or empty
    name: str
    phone: str | None
    where: str  # the address as written
    address: Address | None
    item: str
    spec: str
    qty: float
    order_amount: int | None  # fen
    line_amount: int | None
    refund: int
    note: str
    status: PayStatus


def cell(cells: Sequence[str], fields: Mapping[str, int], field: str) -> str:
    """The row's text in a field's column ('' when the column is absent)."""
    index = fields.get(field)
    if index is None or index >= len(cells):
        return ""
    return unicodedata.normalize("NFKC", cells[index]).strip()


def amount(text: str) -> int | str | None:
    """'¥38.00' → 3800; '' → None; anything else → the text back (a problem to report)."""
    cleaned = text.replace("¥", "").replace("元", "").replace(",", "").strip()
    if not cleaned:
        return None
    return to_fen(cleaned) if _NUMBER.fullmatch(cleaned) else text


def quantity(text: str) -> float | None:
    """'2' / '2份' / '2.0' → 2.0; None unless a positive number up to MAX_QTY."""
    m = _NUMBER.match(text.replace("x", "").replace("×", "").strip())
    if m is None or not text.strip():
        return None
    value = float(m[0])
    return value if 0 < value <= MAX_QTY else None


def phone(text: str) -> str | None:
    """The 11-digit number without separators or +86; None when there is none."""
    digits = re.sub(r"\D", "", text)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits if len(digits) == 11 else None


def pay_status(text: str, has_column: bool) -> PayStatus:
    """已取消 / 已退款 → cancelled; 待支付 → unpaid; any other status → paid. Without a
    status column the money is only what is owed (unpaid)."""
    if any(word in text for word in _CANCELLED):
        return "cancelled"
    if any(word in text for word in _UNPAID) or not has_column or not text:
        return "unpaid"
    return "paid"


def where_of(cells: Sequence[str], fields: Mapping[str, int]) -> str:
    """The address as written: 详细地址, or 楼号-单元-房号 from separate columns."""
    room = cell(cells, fields, "room")
    if room:
        parts = [cell(cells, fields, "building"), cell(cells, fields, "unit"), room]
        return "-".join(re.sub(r"[号楼栋幢单元室\s]", "", p) for p in parts if p)
    return cell(cells, fields, "address")


def read_row(number: int, cells: Sequence[str], fields: Mapping[str, int]) -> ImportRow | list[str]:
    """One row as values, or the problems that stop it (quantity, amounts)."""
    problems: list[str] = []
    qty = quantity(cell(cells, fields, "qty"))
    if qty is None:
        problems.append(texts.IMPORT_BAD_QTY.format(row=number, value=cell(cells, fields, "qty")))
    sums: dict[str, int | None] = {}
    for field in ("order_amount", "line_amount", "refund"):
        value = amount(cell(cells, fields, field))
        if isinstance(value, str):
            problems.append(texts.IMPORT_BAD_AMOUNT.format(row=number, value=value))
            value = None
        sums[field] = value
    if problems or qty is None:
        return problems
    where = where_of(cells, fields)
    return ImportRow(
        row=number,
        key=cell(cells, fields, "key"),
        name=cell(cells, fields, "name") or cell(cells, fields, "buyer"),
        phone=phone(cell(cells, fields, "phone")),
        where=where,
        address=read_address(where) if where else None,
        item=cell(cells, fields, "item"),
        spec=cell(cells, fields, "spec"),
        qty=qty,
        order_amount=sums["order_amount"],
        line_amount=sums["line_amount"],
        refund=sums["refund"] or 0,
        note=cell(cells, fields, "note"),
        status=pay_status(cell(cells, fields, "status"), "status" in fields),
    )


def read_rows(table: SheetTable, fields: Mapping[str, int]) -> tuple[list[ImportRow], list[str]]:
    """Every non-empty data row as values, and the problems found."""
    rows: list[ImportRow] = []
    problems: list[str] = []
    for number, cells in table.rows:
        if not any(c.strip() for c in cells):
            continue
        found = read_row(number, cells, fields)
        if isinstance(found, list):
            problems.extend(found)
        else:
            rows.append(found)
    return rows, problems


@dataclass(frozen=True, slots=True)
class RowGroup:
    """The rows of one order (one 跟团号, or one row when the export has no number)."""

    key: str
    rows: tuple[ImportRow, ...]

    def first(self, attr: str) -> str:
        """The first non-empty text of an attribute over the group's rows."""
        return next((str(v) for r in self.rows if (v := getattr(r, attr))), "")

    @property
    def numbers(self) -> tuple[int, ...]:
        """The sheet row numbers."""
        return tuple(r.row for r in self.rows)


def group_rows(rows: Sequence[ImportRow]) -> list[RowGroup]:
    """Rows with the same order number together, in first-row order."""
    groups: dict[str, list[ImportRow]] = {}
    for r in rows:
        groups.setdefault(r.key or f"#{r.row}", []).append(r)
    return [RowGroup(key, tuple(members)) for key, members in groups.items()]


def group_amount(group: RowGroup) -> int | str | None:
    """What the order cost: its 订单金额 (the same on each row, or a problem), else the sum of
    its rows' 金额, else None."""
    totals = {r.order_amount for r in group.rows if r.order_amount is not None}
    if len(totals) > 1:
        return texts.IMPORT_AMOUNT_CONFLICT.format(rows=rows_text(group.numbers), key=group.key)
    if totals:
        return totals.pop()
    lines = [r.line_amount for r in group.rows if r.line_amount is not None]
    return sum(lines) if lines else None


def rows_text(numbers: Sequence[int]) -> str:
    """3 / 3、4 — sheet row numbers as a worker reads them."""
    return "、".join(str(n) for n in numbers)
