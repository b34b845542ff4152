"""Mobile numbers with their labels: 电话：139…, 手机 138-1234-5678, tel:186 0000 1111, +86…"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LABEL = (
    r"(?:(?:联系|聯繫|聯絡)?(?:电话|電話)(?:号码|號碼)?|(?:手机|手機)(?:号码?|號碼?)?|联系方式|聯絡方式"
    r"|tel|phone|mobile|☎️?|📞|📱)\s*[:：]*\s*"
)
_PHONE = re.compile(
    rf"(?:{_LABEL})?(?<![\d+])(?:\+\s?86[\s-]*|0?086[\s-]*)?(?P<num>1[3-9]\d(?:[\s-]*\d){{8}})(?!\d)",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Phone:
    """An 11-digit mobile number and the span it (and its label) took in the line."""

    number: str
    start: int
    end: int


def find_phone(text: str) -> Phone | None:
    """The first mobile number in the half-width text, with separators and +86 removed."""
    m = _PHONE.search(text)
    if m is None:
        return None
    digits = "".join(ch for ch in m["num"] if ch.isdigit())
    return Phone(number=digits, start=m.start(), end=m.end())
