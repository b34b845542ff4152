"""Cutting what is left of an entry line into segments: runs between separators, brackets whole.

Works on the half-width view of the line and a mask of the characters already read.
"""

from __future__ import annotations

from handlers.jielong.normalize import cn_number, is_decorative
from handlers.jielong.quantity import UNIT_START
from handlers.jielong.spec import CONTENT_BEFORE_COUNT

SEPARATORS = frozenset(" \t\n，,；;、。")
_DASHES = frozenset("-—–_~～")  # separators too beside a letter: '3-2-201-王-2', '1801 _3'

OPEN = "（(【[「『〔"
CLOSE = {"（": "）", "(": ")", "【": "】", "[": "]", "「": "」", "『": "』", "〔": "〕"}


def segments(h: str, used: bytearray) -> list[tuple[int, int]]:
    """Maximal runs of unused text between separators; a bracket group is one segment."""
    out: list[tuple[int, int]] = []
    i, n = 0, len(h)
    while i < n:
        ch = h[i]
        if used[i] or _is_separator(h, used, i):
            i += 1
            continue
        if ch in OPEN:
            close = h.find(CLOSE[ch], i + 1)
            if close != -1 and not any(used[i : close + 1]):
                out.append((i, close + 1))
                i = close + 1
                continue
        j = i + 1
        while j < n and not used[j] and not _is_separator(h, used, j) and h[j] not in OPEN:
            j += 1
        out.append((i, j))
        i = j
    return _join_split_counts(h, out)


def _is_separator(h: str, used: bytearray, i: int) -> bool:
    ch = h[i]
    if ch in SEPARATORS:
        return True
    if ch == ":":  # '赵：1个', never inside a time ('7:30')
        return not (0 < i < len(h) - 1 and h[i - 1].isdigit() and h[i + 1].isdigit())
    if ch not in _DASHES:
        return False
    before = h[i - 1] if i > 0 and not used[i - 1] else " "
    after = h[i + 1] if i + 1 < len(h) and not used[i + 1] else " "
    if not (before.isalnum() or after.isalnum()):
        return False  # '=_=': part of a kaomoji
    both_ascii = before.isascii() and after.isascii()
    return not (before.isdigit() and after.isdigit()) and not (both_ascii and before.isalpha())


def _join_split_counts(h: str, found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """'1 份' and 'x 2' are one quantity even with a space inside."""
    out: list[tuple[int, int]] = []
    for start, end in found:
        if out and _split_count(h[out[-1][0] : out[-1][1]], h[start:end], h[out[-1][1] : start]):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _split_count(left: str, right: str, gap: str) -> bool:
    if gap.strip():
        return False
    if right.startswith("各"):
        return True  # '红和黄 各一斤': the names and their shared count
    if CONTENT_BEFORE_COUNT.search(f"{left} {right}") and UNIT_START.search(right):
        return _ends_with_content(left)  # '酒精500ml 2瓶': the pack's content and its count
    if left in ("x", "X", "×", "*") and right.isdigit():
        return True
    return cn_number(left) is not None and UNIT_START.match(right) is not None


def _ends_with_content(left: str) -> bool:
    m = CONTENT_BEFORE_COUNT.search(left + " 1瓶")
    return m is not None and m.end() == len(left)


def trim_decoration(h: str, start: int, end: int) -> tuple[int, int]:
    """The segment without emoji at its ends (🌸8-1-301, 1袋🙏); a note keeps them (放门口😊)."""
    s, e = start, end
    while s < e and (is_decorative(h[s]) or h[s] == "\ufe0f"):
        s += 1
    while e > s and (is_decorative(h[e - 1]) or h[e - 1] == "\ufe0f"):
        e -= 1
    return s, e
