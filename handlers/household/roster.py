"""Reading a community's household roster (住户名单) from the rows of its spreadsheet.

Pure: the sheet reader in bot/ hands over cell texts; this module finds the columns by their
header names (楼号/栋, 单元, 房号/门牌, 姓名/户主, 电话/手机, 备注/标记), reads each row's address
with the 接龙 address reader, and the vulnerability flags from the notes column. A row it cannot
place is kept for review (待核实) with the reason, never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from handlers.household.repo import Field, ReviewRow, RosterRead, RosterRow
from handlers.jielong.address import find_address
from handlers.jielong.phone import find_phone

FIELD_LABELS: dict[Field, str] = {
    "building": "楼号",
    "unit": "单元",
    "room": "房号",
    "address": "地址",
    "name": "姓名",
    "phone": "电话",
    "note": "备注",
}
# Most specific first: a header is the first field one of whose words it contains.
_HEADER_WORDS: tuple[tuple[Field, tuple[str, ...]], ...] = (
    ("phone", ("电话", "手机", "联系方式")),
    ("name", ("姓名", "户主", "联系人", "住户", "名字")),
    ("note", ("备注", "标记", "特殊", "说明", "人群", "类别")),
    ("unit", ("单元",)),
    ("room", ("房号", "门牌", "房间", "室号", "户号")),
    ("address", ("地址", "住址")),
    ("building", ("楼号", "楼栋", "栋", "幢", "楼")),
)
_NOT_HEADER = ("楼层",)
HEADER_SEARCH_ROWS = 10
# Words in the notes → the household flags workers use (the worker page's names).
FLAG_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("独居老人", ("独居", "空巢", "孤寡", "孤老")),
    ("行动不便", ("行动不便", "轮椅", "卧床", "瘫痪", "行走不便")),
    ("孕妇", ("孕产妇", "孕妇", "产妇", "怀孕")),
    ("残疾", ("残疾", "残障")),
    ("慢性病", ("慢性病", "透析", "慢病")),
    ("居家隔离", ("居家隔离", "隔离")),
)
_BUILDING_SUFFIX = re.compile(r"(?:号楼|栋|棟|幢|座|号|#|楼|区|期)$")
_UNIT_SUFFIX = re.compile(r"(?:单元|门|梯)$")
_ROOM_TAIL = " 室房号"


def _fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def header_field(text: str) -> Field | None:
    """The field a header cell names ('楼 号' → building, '联系电话' → phone), or None."""
    folded = _fold(text)
    if not folded or len(folded) > 12 or any(w in folded for w in _NOT_HEADER):
        return None
    for name, words in _HEADER_WORDS:
        if any(w in folded for w in words):
            return name
    return None


def map_columns(cells: Sequence[str]) -> dict[Field, int]:
    """Column index of each field in a header row (the first column naming it wins)."""
    found: dict[Field, int] = {}
    for index, cell in enumerate(cells):
        name = header_field(cell)
        if name is not None and name not in found:
            found[name] = index
    return found


def find_header(rows: Sequence[tuple[int, Sequence[str]]]) -> tuple[int, dict[Field, int]] | None:
    """The header among the first rows: the first that names a room or an address column."""
    for line, cells in rows[:HEADER_SEARCH_ROWS]:
        columns = map_columns(cells)
        if "room" in columns or "address" in columns:
            return line, columns
    return None


def read_flags(note: str) -> tuple[str, ...]:
    """Flags named in a note: '独居 行动不便' → (独居老人, 行动不便)."""
    folded = _fold(note)
    return tuple(flag for flag, words in FLAG_WORDS if any(w in folded for w in words))


def compose_address(building: str, unit: str, room: str) -> str:
    """Cells → one address as residents write it: ('3', '2', '201') → 3号楼2单元201."""
    parts = []
    if building:
        parts.append(building if _BUILDING_SUFFIX.search(building) else f"{building}号楼")
    if unit:
        parts.append(unit if _UNIT_SUFFIX.search(unit) else f"{unit}单元")
    parts.append(room)
    return "".join(parts)


def read_address(text: str) -> tuple[str | None, str | None, str | None] | None:
    """The whole text as one household address, or None when any of it is left unread."""
    folded = unicodedata.normalize("NFKC", text).strip()
    found = find_address(folded, at_start=True)
    if found is None or not found.is_household or found.count is not None:
        return None
    if folded[found.end :].strip(_ROOM_TAIL):
        return None
    return found.building, found.unit, found.room


def read_phone(text: str) -> str | None:
    """An 11-digit mobile, else the number as written (landlines), else None."""
    folded = unicodedata.normalize("NFKC", text)
    found = find_phone(folded)
    if found is not None:
        return found.number
    digits = "".join(ch for ch in folded if ch.isdigit() or ch == "-").strip("-")
    return digits[:20] if sum(ch.isdigit() for ch in digits) >= 7 else None


def _cell(cells: Sequence[str], columns: dict[Field, int], name: Field) -> str:
    index = columns.get(name)
    if index is None or index >= len(cells):
        return ""
    return unicodedata.normalize("NFKC", cells[index]).strip()


def read_row(line: int, cells: Sequence[str], columns: dict[Field, int]) -> RosterRow | ReviewRow:
    """One data row → a household, or a row to review with the reason."""
    value = {name: _cell(cells, columns, name) for name in FIELD_LABELS}
    text = " ".join(c.strip() for c in cells if c.strip())
    if value["address"]:
        address = read_address(value["address"])
    elif value["room"]:
        address = read_address(compose_address(value["building"], value["unit"], value["room"]))
    else:
        return ReviewRow(line, text, "没有房号")
    if address is None:
        return ReviewRow(line, text, "地址读不懂")
    note = (
        cells[columns["note"]].strip() if "note" in columns and columns["note"] < len(cells) else ""
    )
    return RosterRow(
        line,
        *address,
        name=value["name"][:100] or None,
        phone=read_phone(value["phone"]),
        flags=read_flags(note),
        note=note[:500] or None,
    )


def read_roster(rows: Sequence[tuple[int, Sequence[str]]]) -> RosterRead | None:
    """Rows of (sheet row number, cell texts) → what the roster says; None without a header."""
    header = find_header(rows)
    if header is None:
        return None
    header_line, columns = header
    placed: dict[tuple[str | None, str | None, str | None], RosterRow] = {}
    review: list[ReviewRow] = []
    blank = 0
    for line, cells in rows:
        if line <= header_line:
            continue
        if not any(c.strip() for c in cells):
            blank += 1
            continue
        read = read_row(line, cells, columns)
        if isinstance(read, RosterRow) and read.key in placed:
            first = placed[read.key].line
            read = ReviewRow(line, " ".join(c for c in cells if c.strip()), f"与第{first}行同一户")
        if isinstance(read, ReviewRow):
            review.append(read)
        else:
            placed[read.key] = read
    found = {name: rows_header(rows, header_line)[i] for name, i in columns.items()}
    counts: dict[str, int] = {}
    for row in placed.values():
        for flag in row.flags:
            counts[flag] = counts.get(flag, 0) + 1
    return RosterRead(header_line, found, tuple(placed.values()), tuple(review), blank, counts)


def rows_header(rows: Sequence[tuple[int, Sequence[str]]], line: int) -> Sequence[str]:
    """The cells of the header row."""
    return next(cells for number, cells in rows if number == line)
