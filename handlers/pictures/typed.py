"""Undo what OCR typically does to a resident's typed line, so the reader gets a paste.

Small and specific: a full-width 4． read as 4。, a number whose thin 一 of 一、 was not seen,
a hyphen read as a dash between digits, 一 read as a dash before a measure word (崔—份), 土
read as ± (±豆), and a full-width bracket closed by an ASCII one.
"""

from __future__ import annotations

import re

_MEASURES = "份袋箱瓶斤个盒包只串块桶支罐听板颗"
_TYPED = (
    (re.compile(r"^(\s*\d{1,3})\s*[。．]\s*"), r"\1. "),  # a full-width 4． read as 4。
    (re.compile(r"^\s*[、.．]\s*(?=\S)"), ""),  # 一、 whose thin 一 was not seen
    (re.compile(r"(?<=\d)\s*[—–－-]\s*(?=\d)"), "-"),  # 3—1 - 102: a hyphen read as a dash
    (re.compile(rf"(?<=[\u4e00-\u9fff\s])[—–-](?=[{_MEASURES}])"), "一"),  # 崔—份: 一 read as —
    (re.compile(r"±(?=[\u4e00-\u9fff])"), "土"),  # ±豆: 土 read as ±
)


def as_typed(text: str) -> str:
    """Undo what OCR typically does to a resident's line (list number, dashes, brackets)."""
    for pattern, repl in _TYPED:
        text = pattern.sub(repl, text)
    if "（" in text and text.endswith(")") and "(" not in text:
        text = text[:-1] + "）"
    return text
