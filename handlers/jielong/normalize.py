"""Text normalisation for 接龙 lines: invisible characters, half-width forms, line keys.

Two views of a line are kept side by side and always have the same length, so a span found
in one can be cut from the other: `clean` (the resident's own characters, invisibles gone)
and `halfwidth(clean)` (ASCII digits, letters and spaces, for the regular expressions).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import pairwise

import cn2an

# Zero-width and formatting characters that carry no text (removed everywhere).
_INVISIBLE = dict.fromkeys(
    [
        *(0x00AD, 0x034F, 0x061C, 0x180E, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0xFEFF),
        *range(0x202A, 0x202F),
        *range(0x2060, 0x2070),
    ]
)
# Spaces that look like a space: become an ordinary space (U+3000 stays in `clean`).
_SPACES = {c: " " for c in [0x00A0, 0x1680, 0x202F, 0x205F, *range(0x2000, 0x200B)]}
_CLEAN_TABLE: dict[int, str | None] = {**_INVISIBLE, **_SPACES, 0x0D: "\n"}

_NEEDS_CLEAN = re.compile("[" + "".join(chr(c) for c in _CLEAN_TABLE) + "]")

_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_HALF_TABLE: dict[int, int] = {**_FULLWIDTH, 0x3000: 0x20}

_ZERO_AMONG_DIGITS = re.compile("(?<=[0-9])〇+|〇+(?=[0-9])")
_KEYCAP = re.compile("([0-9#*])\ufe0f?\u20e3")
_KEY_DROP = dict.fromkeys([0xFE0F, 0x20E3])

_CN_DIGITS = "零〇一二两兩俩倆三四五六七八九十百千壹贰貳叁參肆伍陆陸柒捌玖拾佰廿"
_CN_VARIANTS = str.maketrans("俩倆兩〇貳參陸", "两两两零贰叁陆")
_CN_ONLY = re.compile(f"[{_CN_DIGITS}]+")


def clean(text: str) -> str:
    """Remove invisible characters, turn odd spaces into spaces and keycap emoji into digits."""
    text = text.replace("\r\n", "\n")
    if _NEEDS_CLEAN.search(text) is not None:  # translate() is slow on long pastes: skip it
        text = text.translate(_CLEAN_TABLE)
    if "\u20e3" in text or "\U0001f51f" in text:
        text = _KEYCAP.sub(r"\1", text.replace("\U0001f51f", "10"))
    return text


def halfwidth(text: str) -> str:
    """Full-width ASCII and ideographic spaces to half-width, and 〇 typed among digits to 0
    ('5〇2' → '502'; '一〇二' stays); same length as the input."""
    text = text.translate(_HALF_TABLE)
    if "〇" in text:
        text = _ZERO_AMONG_DIGITS.sub(lambda m: "0" * len(m[0]), text)
    return text


def nfkc(text: str) -> str:
    """Compatibility form used for keys and header detection (１．→1., ＃→#, ①→1)."""
    return unicodedata.normalize("NFKC", text)


def compact(text: str) -> str:
    """Case-folded text without whitespace, variation selectors or keycap marks."""
    if "\ufe0f" in text or "\u20e3" in text:
        text = text.translate(_KEY_DROP)
    return "".join(text.split()).casefold()


def line_key(text: str) -> str:
    """Identity of an entry's text across reposts (numbering already removed)."""
    return "\n".join(k for k in (compact(nfkc(part)) for part in text.split("\n")) if k)


_SPACED_TOKENS_MIN = 4


def unspace(text: str) -> str:
    """'3 号 楼 2 0 1 王 阿 姨 2 份' → '3 号楼 201 王阿姨 2 份': a line typed one character at a
    time with a space after each (some older residents do) gets its words back. Digits join
    digits and other characters join theirs; the space stays where digits meet words."""
    tokens = text.split()
    single = sum(1 for t in tokens if len(t) == 1)
    if len(tokens) < _SPACED_TOKENS_MIN or single < 0.8 * len(tokens):
        return text
    out = tokens[0]
    for prev, token in pairwise(tokens):
        out += token if prev[-1].isdigit() == token[0].isdigit() else " " + token
    return out


# The leading cells of a row pasted from a WPS or Excel sheet (tabs, an empty cell between two)
# or typed like one with runs of spaces: building, unit and room, as in '3-1-502'.
_CELL_SEP = r"(?:\t+| {2,})"
_LEADING_CELLS = re.compile(
    rf"^\d{{1,3}}(?P<s1>{_CELL_SEP})(?:\d{{1,2}}(?P<s2>{_CELL_SEP}))?\d{{3,4}}(?=\t| {{2}}|$)"
)


def table_cells(text: str) -> str:
    """'3<TAB>1<TAB>502<TAB>程桂兰' → '3-1-502<TAB>程桂兰', '11<TAB><TAB>1203' → '11 -1203',
    '4  2  1101  陶' → '4 -2 -1101  陶': a sheet's address columns read as the dashed address
    they mean. Same length as the input, so spans found in one view cut the other."""
    if "\t" not in text and "  " not in text and "\u3000" not in text:
        return text
    m = _LEADING_CELLS.match(halfwidth(text))
    if m is None:
        return text
    out = list(text)
    for group in ("s1", "s2"):
        if m[group]:
            start, end = m.span(group)
            out[start:end] = " " * (end - start - 1) + "-"
    return "".join(out)


def squash(text: str) -> str:
    """Text without any whitespace (for product-name comparisons)."""
    return "".join(text.split())


@lru_cache(maxsize=512)
def cn_number(text: str) -> float | None:
    """'2' → 2, '两' → 2, '壹' → 1, '十五' → 15, '半' → 0.5; None when it is not a number."""
    text = text.strip()
    if not text:
        return None
    if text[0].isascii():
        try:
            return float(text)
        except ValueError:
            return None
    if text == "半":
        return 0.5
    if not _CN_ONLY.fullmatch(text):
        return None
    try:
        value = cn2an.cn2an(text.translate(_CN_VARIANTS), "smart")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return float(value)


_DIGIT_BY_DIGIT = str.maketrans("零〇洞幺一二两三四五六七八九", "00011223456789")


def room_text(text: str) -> str | None:
    """A room as digits: '602' stays, '六零二' → '602', '六百零三' → '603', '一千零二' → '1002'."""
    if text.isascii():
        return text
    if "百" in text or "千" in text or "十" in text:
        value = cn_number(text)
        return str(int(value)) if value is not None and value.is_integer() else None
    digits = text.translate(_DIGIT_BY_DIGIT)
    return digits if digits.isdigit() else None


def small_int_text(text: str) -> str:
    """A building or unit written in Chinese numerals as digits ('三' → '3'); else unchanged."""
    if text.isascii():
        return text.upper() if text.isalpha() else str(int(text)) if text.isdigit() else text
    value = cn_number(text)
    if value is None and "幺" in text:  # 幺幺 said digit by digit: 11
        digits = text.translate(_DIGIT_BY_DIGIT)
        return str(int(digits)) if digits.isdigit() else text
    return str(int(value)) if value is not None and value.is_integer() else text


def is_decorative(text: str) -> bool:
    """True for emoji, stickers and symbols with no letters or digits (🙏, 👍👍, ❤️)."""
    has_symbol = False
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] in "LN":
            return False
        if cat in ("So", "Sk", "Cs", "Co") or ord(ch) >= 0x1F000:
            has_symbol = True
    return has_symbol


def is_punctuation_only(text: str) -> bool:
    """True when the text has no letters, digits or symbols (',', '~', '……')."""
    return all(unicodedata.category(ch)[0] in "PZ" or ch in "=+*/\\|^_`" for ch in text)


_PAIRS = {"(": ")", "[": "]", "【": "】", "「": "」", "『": "』", "〔": "〕"}


def strip_enclosing(text: str) -> str:
    """'（独居，麻烦送上门）' → '独居，麻烦送上门' when one bracket pair encloses it all."""
    h = halfwidth(text)
    if len(h) < 2 or h[0] not in _PAIRS or h[-1] != _PAIRS[h[0]]:
        return text
    depth = 0
    for i, ch in enumerate(h):
        depth += ch == h[0]
        depth -= ch == _PAIRS[h[0]]
        if depth == 0 and i < len(h) - 1:
            return text
    return text[1:-1].strip()
