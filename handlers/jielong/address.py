"""Household addresses as residents type them: 3号楼2单元201, 3-2-201, 5#1102, A座1203, …

Works on the half-width view of a line. Returns the span so the caller can cut the same
span from the resident's own text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.jielong.normalize import is_decorative, small_int_text
from handlers.jielong.quantity import UNIT_RE

_CN = "[一二三四五六七八九十]"
_DASH = r"[-－—–~～]"
_DASH3 = r"[-－—–~～/]"  # 3/2/201 too, only in the three-part form
_BSUF = r"(?:号楼|號樓|号樓|號楼|好楼|号搂|号栋|栋|棟|幢|座|号|號|#|楼|樓)"
_USUF = r"(?:单元|單元|单远|单圆|单原|单园|门(?!口))"
_ROOM = r"\d{3,4}(?:[A-Za-z](?![A-Za-z]))?"  # 1201A: a letter after the number
_ROOM_END = rf"(?!\d|\.\d|(?:{UNIT_RE}|元|块|人|位|岁|点|弄|路|期|年|号楼|栋|幢|单元))"

_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "dash3",
        re.compile(
            rf"(?<![\dA-Za-z.])(?P<b>\d{{1,3}}|[A-Za-z]\d{{0,2}})\s*{_DASH3}\s*(?P<u>\d{{1,2}})\s*"
            rf"{_DASH3}\s*(?P<r>{_ROOM}){_ROOM_END}\s*(?:室|房)?"
        ),
    ),
    (
        "suffix",
        re.compile(
            rf"(?<![\dA-Za-z.])(?P<b>\d{{1,3}}|[A-Za-z]|{_CN}{{1,3}})\s*(?P<bs>{_BSUF})"
            rf"(?:\s*{_DASH}?\s*(?P<u>\d{{1,2}}|{_CN}{{1,2}})\s*(?:{_USUF}|{_DASH}))?"
            rf"(?:\s*{_DASH}?\s*(?P<r>{_ROOM}){_ROOM_END}\s*(?:室|房|号|號)?)?"
        ),
    ),
    (
        "unit",
        re.compile(
            rf"(?<![\d.])(?P<u>\d{{1,2}}|{_CN}{{1,2}})\s*{_USUF}\s*{_DASH}?\s*"
            rf"(?P<r>{_ROOM}){_ROOM_END}\s*(?:室|房)?"
        ),
    ),
    (
        "room_count",
        re.compile(rf"(?<![\d.\-])(?P<r>\d{{3,4}})\s*{_DASH}+\s*(?P<c>\d{{1,2}})(?![\d\-])"),
    ),
    (
        "dash2",
        re.compile(
            rf"(?<![\dA-Za-z.])(?P<b>\d{{1,3}}|[A-Za-z]\d{{0,2}})\s*{_DASH}\s*(?P<r>{_ROOM}){_ROOM_END}"
            rf"\s*(?:室|房)?"
        ),
    ),
    # a bare room leads its line (only emoji may come before it: see _only_decoration)
    (
        "room",
        re.compile(rf"(?<![\dA-Za-z.])(?P<r>{_ROOM}){_ROOM_END}\s*(?:室|房)?(?=\s|$|[^\x00-\x7f])"),
    ),
)
_LANE = re.compile(r"(?:[^\s\d]{1,8}路)?\d{1,5}\s*弄\s*$")
_HOUSE_OK_BEFORE = re.compile(r"(?:^|弄|\s)\s*$")


@dataclass(frozen=True, slots=True)
class Address:
    """A household address found in a line, with its span and any count glued to the room."""

    building: str | None
    unit: str | None
    room: str | None
    start: int
    end: int
    count: int | None = None  # 2205-2: a count written after the room

    @property
    def is_household(self) -> bool:
        """True when it names a home (a room, or a building and unit), not only a building."""
        return self.room is not None or (self.building is not None and self.unit is not None)


def find_address(text: str, *, at_start: bool = False) -> Address | None:
    """The leftmost address in `text` (half-width); with at_start, only one at position 0."""
    best: Address | None = None
    for kind, pattern in _FORMS:
        for m in pattern.finditer(text):
            if best is not None and m.start() >= best.start:
                break
            found = _accept(kind, m, text)
            if found is not None:
                best = found
                break
            if kind == "room":
                break  # a later bare room has more before it: it cannot lead the line either
    if best is not None and at_start and text[: best.start].strip():
        return None
    return best


def _accept(kind: str, m: re.Match[str], text: str) -> Address | None:
    groups = m.groupdict()
    building = groups.get("b")
    unit = groups.get("u")
    room = groups.get("r")
    if kind == "suffix" and not _suffix_ok(m, text):
        return None
    if kind == "room" and not _only_decoration(text[: m.start()]):
        return None
    count = int(groups["c"]) if groups.get("c") else None
    end = m.end()
    while end > m.start() and text[end - 1].isspace():
        end -= 1
    return Address(
        building=small_int_text(building) if building else None,
        unit=small_int_text(unit) if unit else None,
        room=room,
        start=m.start(),
        end=end,
        count=count,
    )


def _only_decoration(prefix: str) -> bool:
    """Nothing before a bare room but spaces and emoji ('🐾 1405 魏 2包'): it still leads."""
    rest = prefix.strip()
    return not rest or is_decorative(rest)


def _suffix_ok(m: re.Match[str], text: str) -> bool:
    """Plain 号 / 楼 without a room are a house number only at the line's start or after 弄."""
    suffix = m["bs"]
    if m["r"] or m["u"]:
        return not (suffix in ("楼", "樓") and m["b"] and not m["b"].isdigit())
    if suffix in ("号", "號"):
        return _HOUSE_OK_BEFORE.search(text[: m.start()]) is not None
    return suffix not in ("楼", "樓", "#")


def lane_before(text: str, start: int) -> int | None:
    """Where a Shanghai lane (`安顺路1355弄`) right before `start` begins, if there is one."""
    m = _LANE.search(text[:start])
    return m.start() if m else None


def household(building: str | None, unit: str | None, room: str | None) -> str | None:
    """A comparable household label ('3-2-201'), or None when nothing is known."""
    if building is None and room is None:
        return None
    return f"{building or ''}-{unit or ''}-{room or ''}"
