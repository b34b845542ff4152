"""The roster spreadsheet (.xlsx) → rows of cell texts, with openpyxl; refusals in plain words.

A file is refused whole, before anything is stored, when it is not an xlsx workbook, has no
sheet with a 房号/门牌 column, has more rows than one import takes, or holds formulas in the
columns read (their values are not in the file until Excel computes them). Merged cells
(a 楼号 merged down a building's rows) give their value to every cell they cover.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from handlers.household.repo import Field
from handlers.household.roster import FIELD_LABELS, HEADER_SEARCH_ROWS, find_header

log = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000  # households in one import: a large 社区 has a few thousand
Rows = list[tuple[int, list[str]]]


class RosterFileError(ValueError):
    """The file cannot be imported; the message tells the worker what to do."""


@dataclass(frozen=True, slots=True)
class Sheet:
    """The sheet that holds the roster, as (row number, cell texts)."""

    name: str
    rows: Rows


def cell_text(value: Any) -> str:
    """A cell's value as text: 201.0 → '201', dates as ISO, None → ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def read_sheet(data: bytes, sheet_name: str = "") -> Sheet:
    """The roster sheet of an xlsx file (the first with a header, or the one named)."""
    if len(data) > MAX_BYTES:
        raise RosterFileError(
            f"文件超过 {MAX_BYTES // (1024 * 1024)} MB，请按楼拆成几个文件再导入。"
        )
    name, header_cells = _choose_sheet(data, sheet_name)
    workbook = _open(data, read_only=False)
    try:
        ws = workbook[name]
        rows = _rows_with_merges(ws)
    finally:
        workbook.close()
    _refuse_size(name, len(rows), header_cells[0])  # a file whose dimension tag said less
    _refuse_formulas(name, rows, header_cells)
    return Sheet(name, [(line, [cell_text(v) for v in cells]) for line, cells in rows])


def _open(data: bytes, read_only: bool) -> Any:
    try:
        return load_workbook(io.BytesIO(data), read_only=read_only, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        log.info("roster file refused: %s", exc)
        raise RosterFileError(
            "这不是 Excel 的 .xlsx 文件。请在 Excel 或 WPS 里“另存为 .xlsx”再导入。"
        ) from exc


def _choose_sheet(data: bytes, wanted: str) -> tuple[str, tuple[int, dict[Field, int]]]:
    """(sheet name, header) of the roster sheet; refuses a file without one or too long."""
    workbook = _open(data, read_only=True)
    try:
        names = list(workbook.sheetnames)
        if wanted and wanted not in names:
            raise RosterFileError(f"没有叫“{wanted}”的工作表。这个文件的工作表：{'、'.join(names)}")
        for name in [wanted] if wanted else names:
            ws = workbook[name]
            top = [(i, [cell_text(v) for v in row]) for i, row in _numbered(ws, HEADER_SEARCH_ROWS)]
            header = find_header(top)
            if header is None:
                continue
            _refuse_size(name, ws.max_row or 0, header[0])
            return name, header
    finally:
        workbook.close()
    raise RosterFileError(
        f"在工作表 {'、'.join(names)} 里都没找到住户名单：需要一行表头，含“房号”或“门牌”"
        "（也可以是“地址”）列，以及“楼号”“单元”“姓名”“电话”“备注”等列。"
    )


def _numbered(ws: Any, limit: int) -> Iterable[tuple[int, Sequence[Any]]]:
    return enumerate(ws.iter_rows(max_row=limit, values_only=True), start=1)


def _refuse_size(name: str, max_row: int, header_line: int) -> None:
    if max_row - header_line > MAX_ROWS:
        raise RosterFileError(
            f"工作表“{name}”有 {max_row - header_line:,} 行，超过一次导入的上限 {MAX_ROWS:,} 行。"
            "请按楼拆成几个文件分别导入。"
        )


def _rows_with_merges(ws: Any) -> list[tuple[int, list[Any]]]:
    """Every row's values; a merged range's value fills each cell it covers."""
    rows = [(index, list(row)) for index, row in enumerate(ws.iter_rows(values_only=True), start=1)]
    for rng in ws.merged_cells.ranges:
        value = ws.cell(rng.min_row, rng.min_col).value
        for r in range(rng.min_row, min(rng.max_row, len(rows)) + 1):
            cells = rows[r - 1][1]
            cells.extend([None] * (rng.max_col - len(cells)))
            for c in range(rng.min_col, rng.max_col + 1):
                cells[c - 1] = value
    return rows


def _refuse_formulas(
    name: str, rows: list[tuple[int, list[Any]]], header: tuple[int, dict[Field, int]]
) -> None:
    """Formulas in the columns read: their values are not in the file, so nothing is guessed."""
    header_line, columns = header
    found = [
        f"{get_column_letter(col + 1)}{line}（{FIELD_LABELS[field]}）"
        for line, cells in rows
        if line > header_line
        for field, col in columns.items()
        if col < len(cells) and isinstance(cells[col], str) and cells[col].startswith("=")
    ]
    if found:
        shown = "、".join(found[:3]) + ("等" if len(found) > 3 else "")
        raise RosterFileError(
            f"工作表“{name}”的 {shown} {len(found)} 个单元格是公式，文件里没有它们的结果。"
            "请在 Excel 或 WPS 里选中这些列，复制后“选择性粘贴→数值”，保存后再导入。"
        )
