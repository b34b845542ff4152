"""Household addresses as residents type them: 3号楼2单元201, 3-2-201, 5#1102, 3栋2梯801, …

Works on the half-width view of a line. Returns the span so the caller can cut the same
span from the resident's own text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from handlers.jielong.address_forms import FORMS, SURNAME_UNITS
from handlers.jielong.normalize import is_decorative, room_text, small_int_text

_LANE = re.compile(r"(?:[^\s\d]{1,8}路)?\d{1,5}\s*弄\s*$")
_HOUSE_OK_BEFORE = re.compile(r"(?:^|弄|\s|区|苑|园|村|院|里|庄|墅)\s*$")
_PARTS = ("b", "u", "r", "c", "fl", "side", "rw")
# After a unit a 3–4 digit number is the room even with a surname that is also a measure word
# glued to it (包, 张): '2单元301包' is 包 in room 301, not 301 packs.
_ROOM_BEFORE_SURNAME = re.compile(rf"\s*(?P<r>\d{{3,4}})(?=[{SURNAME_UNITS}])")


@dataclass(frozen=True, slots=True)
class Address:
    """A household address found in a line, with its span and any count glued to the room."""

    building: str | None
    unit: str | None
    room: str | None
    start: int
    end: int
    count: int | None = None  # 2205-2: a count written after the room
    count_unit: str | None = None  # 2104-2盒: its measure word

    @property
    def is_household(self) -> bool:
        """True when it names a home (a room, or a building and unit), not only a building."""
        return self.room is not None or (self.building is not None and self.unit is not None)


@lru_cache(maxsize=8192)  # a line is looked at by the layout, the entry and the merge
def find_address(text: str, *, at_start: bool = False) -> Address | None:
    """The best address in `text` (half-width); with at_start, only one at position 0.

    Every form offers its first acceptable match; the one that starts first wins, and where
    several start together, the one that names more parts of a home (then the longer one).
    """
    best: tuple[tuple[int, int, int], Address] | None = None
    for kind, pattern in FORMS:
        for m in pattern.finditer(text):
            if best is not None and m.start() > best[1].start:
                break
            found = _accept(kind, m, text)
            if found is not None:
                score = (m.start(), -sum(1 for p in _PARTS if m.groupdict().get(p)), -len(m[0]))
                if best is None or score < best[0]:
                    best = (score, found)
                break
            if kind == "room":
                break  # a later bare room has more before it: it cannot lead the line either
    if best is None or (at_start and text[: best[1].start].strip()):
        return None
    return best[1]


def _accept(kind: str, m: re.Match[str], text: str) -> Address | None:
    groups = m.groupdict()
    building = groups.get("b")
    unit = groups.get("u") or groups.get("side")
    if kind == "suffix" and not _suffix_ok(m, text):
        return None
    if kind == "room" and not _only_decoration(text[: m.start()]):
        return None
    room = _room(groups, kind)
    if room == "":
        return None
    count = int(groups["c"]) if groups.get("c") else None
    end = m.end()
    if room is None and groups.get("u") and kind in ("suffix", "unit"):
        glued = _ROOM_BEFORE_SURNAME.match(text, end)  # 1单元602包: room 602, surname 包
        if glued is not None:
            room, end = glued["r"], glued.end("r")
    while end > m.start() and text[end - 1].isspace():
        end -= 1
    return Address(
        building=small_int_text(building) if building else None,
        unit=small_int_text(unit) if unit else None,
        room=room,
        start=m.start(),
        end=end,
        count=count,
        count_unit=groups.get("cu"),
    )


def _room(groups: dict[str, str | None], kind: str) -> str | None:
    """The room as digits (or a Beijing house as written); '' when it is not a real room."""
    if groups.get("rw"):
        return groups["rw"]
    if groups.get("fl") and groups.get("door"):
        floor, door = room_text(groups["fl"] or ""), room_text(groups["door"] or "")
        floor = floor if floor and floor.isdigit() else small_int_text(groups["fl"] or "")
        door = door if door and door.isdigit() else small_int_text(groups["door"] or "")
        if floor.isdigit() and door.isascii() and door.isalpha():
            return f"{int(floor)}{door.upper()}"  # 8樓B室 → 8B
        return f"{int(floor)}{int(door):02d}" if floor.isdigit() and door.isdigit() else ""
    raw = groups.get("r")
    if raw is None:
        return None
    room = room_text(raw)
    if room is None:
        return ""
    if kind == "village":
        return str(int(room))
    return room if 3 <= len(room) <= 5 else ""


def _only_decoration(prefix: str) -> bool:
    """Nothing before a bare room but spaces and emoji ('🐾 1405 魏 2包'): it still leads."""
    rest = prefix.strip()
    return not rest or is_decorative(rest)


def _suffix_ok(m: re.Match[str], text: str) -> bool:
    """Plain 号 / 楼 without a room are a house number only at the line's start or after 弄;
    a typed 动 (for 栋) is a building only with a unit or room after it."""
    suffix = m["bs"]
    if m["r"] or m["u"] or m["fl"] or m["side"]:
        return not (suffix in ("楼", "樓") and m["b"] and not m["b"].isdigit())
    if suffix in ("号", "號"):
        return _HOUSE_OK_BEFORE.search(text[: m.start()]) is not None
    return suffix not in ("楼", "樓", "#", "动", "洞")


def lane_before(text: str, start: int) -> int | None:
    """Where a Shanghai lane (`安顺路1355弄`) right before `start` begins, if there is one."""
    m = _LANE.search(text[:start])
    return m.start() if m else None


def household(building: str | None, unit: str | None, room: str | None) -> str | None:
    """A comparable household label ('3-2-201'), or None when nothing is known."""
    if building is None and room is None:
        return None
    return f"{building or ''}-{unit or ''}-{room or ''}"
