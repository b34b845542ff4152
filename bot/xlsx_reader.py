"""Read an order export (.xlsx) from 快团团 / 群接龙 into a SheetTable, or say why not (issue 17).

Untrusted input: the file size, the unpacked size (a zip bomb), the number of rows and every
cell are checked before anything is planned. The order sheet is the one whose header names the
export's columns, wherever it sits in the workbook. Cells merged down one column (快团团 merges an
order's own cells over its product rows) are read as that value on every row; merged across
columns, formulas, too many rows, or no order sheet at all give a clear refusal.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from io import BytesIO
from itertools import islice
from typing import Any

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from handlers import texts
from handlers.campaign.import_columns import HEADER_SCAN_ROWS, find_header
from handlers.campaign.import_rows import SheetTable

log = logging.getLogger(__name__)

MAX_IMPORT_BYTES = 2 * 1024 * 1024  # a batch of 2,000 orders is ~150 KB
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_IMPORT_ROWS = 2000
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls
NEEDED = "数量、商品、详细地址"


def size_text(n: int) -> str:
    """2 MB / 350 KB"""
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


def read_export(data: bytes) -> SheetTable | str:
    """The order sheet of an .xlsx export, or the reason it cannot be read (a worker's answer)."""
    refusal = _container_problem(data)
    if refusal:
        return refusal
    try:
        heads = _sheet_heads(data)
    except Exception:  # openpyxl raises many kinds on a damaged or foreign file
        log.info("import: unreadable workbook", exc_info=True)
        return texts.IMPORT_NOT_XLSX
    found = next((head for head in heads if find_header(head.top) is not None), None)
    if found is None:
        sheets = "、".join(f"「{head.name}」" for head in heads) or "表格"
        return texts.IMPORT_NO_SHEET.format(sheets=sheets, needed=NEEDED)
    header_at = find_header(found.top)
    assert header_at is not None
    data_rows = found.filled_rows - sum(1 for r in found.top[: header_at + 1] if any(r))
    if data_rows > MAX_IMPORT_ROWS:  # counting stopped past the limit: the sheet says how many
        rows = max(data_rows, (found.declared or 0) - header_at - 1)
        return texts.IMPORT_TOO_MANY_ROWS.format(sheet=found.name, rows=rows, limit=MAX_IMPORT_ROWS)
    return _full_sheet(data, found.name, header_at)


def _container_problem(data: bytes) -> str:
    """Size, the old .xls format, not a zip, or a zip that unpacks far too big."""
    if len(data) > MAX_IMPORT_BYTES:
        return texts.IMPORT_TOO_BIG.format(
            size=size_text(len(data)), limit=size_text(MAX_IMPORT_BYTES)
        )
    if data.startswith(_OLE):
        return texts.IMPORT_OLD_XLS
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile:
        return texts.IMPORT_NOT_XLSX
    if "xl/workbook.xml" not in {i.filename for i in infos}:
        return texts.IMPORT_NOT_XLSX
    if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
        return texts.IMPORT_TOO_BIG.format(
            size=size_text(sum(i.file_size for i in infos)), limit=size_text(MAX_UNPACKED_BYTES)
        )
    return ""


@dataclass(frozen=True, slots=True)
class _Head:
    """A sheet's name, its first rows (where the header is), how many rows hold anything
    (counted up to just past the limit) and how many its dimension declares."""

    name: str
    top: list[list[str]]
    filled_rows: int
    declared: int | None


def _sheet_heads(data: bytes) -> list[_Head]:
    """Each sheet streamed (and left just past the row limit, so a huge one costs little):
    its first rows and its row count."""
    wb = load_workbook(BytesIO(data), read_only=True, data_only=False)
    try:
        return [_head(ws.title, ws.iter_rows(values_only=True), ws.max_row) for ws in wb.worksheets]
    finally:
        wb.close()


def _head(name: str, rows: Iterator[Sequence[Any]], declared: int | None) -> _Head:
    top = [_texts(r) for r in islice(rows, HEADER_SCAN_ROWS)]
    filled = (r for r in rows if any(v is not None and str(v).strip() for v in r))
    rest = sum(1 for _ in islice(filled, MAX_IMPORT_ROWS + 1))
    return _Head(name, top, sum(1 for r in top if any(r)) + rest, declared)


def _full_sheet(data: bytes, name: str, header_at: int) -> SheetTable | str:
    """The sheet with merged ranges and formulas checked, vertical merges filled down."""
    wb = load_workbook(BytesIO(data), data_only=False)
    ws = wb[name]
    first_data = header_at + 2  # 1-based sheet row of the first data row
    formula = _first_formula(ws, first_data)
    if formula:
        return formula
    grid = [[c.value for c in row] for row in ws.iter_rows(min_row=1)]
    filled: list[str] = []
    for merged in ws.merged_cells.ranges:
        if merged.max_row < first_data:
            continue  # a title or header cell merged across: not data
        if merged.min_col != merged.max_col:
            return texts.IMPORT_MERGED.format(sheet=name, cells=merged.coord)
        top = grid[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row, merged.max_row + 1):
            grid[r - 1][merged.min_col - 1] = top
        filled.append(merged.coord)
    header = tuple(_texts(grid[header_at]))
    rows = tuple(
        (number, tuple(_texts(values)))
        for number, values in enumerate(grid[header_at + 1 :], start=first_data)
    )
    return SheetTable(name, header, rows, tuple(sorted(filled, key=_cell_order)))


def _first_formula(ws: Worksheet, first_data: int) -> str:
    for row in ws.iter_rows(min_row=first_data):
        for c in row:
            if c.data_type == "f":
                shown = str(getattr(c.value, "text", c.value))[:40]
                return texts.IMPORT_FORMULA.format(sheet=ws.title, cell=c.coordinate, formula=shown)
    return ""


def _cell_order(coord: str) -> tuple[int, str]:
    digits = "".join(ch for ch in coord.split(":")[0] if ch.isdigit())
    return int(digits or 0), coord


def _texts(values: Iterable[Any]) -> list[str]:
    return [cell_text(v) for v in values]


def cell_text(value: Any) -> str:
    """A cell as the text a worker sees: 13800130201 not 1.38e10, 38 not 38.0, dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def columns_of(table: SheetTable) -> Sequence[str]:
    """The header cells that are not empty (for the preview)."""
    return [h for h in table.header if h]
