"""Surface rewrites of a message that, by shared/REPLAY.md, change no compared output field.

Each rewrite is a pure function of one message's text and of the case's `Scope` (which
numbered lines are entries, which label strings stay verbatim: names, notes, item names),
applied line by line, so every repost of a chain is rewritten the same way and reposts still
match each other. Entry rewrites touch only entry lines; need rewrites only a need's own
message (the test picks those). Where REPLAY would let a rewrite legitimately change a field,
the line or character is left alone: the rules are strict on purpose, each skip says why.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Scope:
    """What a rewrite may touch in one case: the entries (bodies of numbered lines, found over
    all its messages) and the label strings REPLAY keeps as the resident wrote them."""

    entries: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()
    notes: frozenset[str] = frozenset()
    items: frozenset[str] = frozenset()

    @property
    def verbatim(self) -> frozenset[str]:
        return self.names | self.notes | self.items


Rewrite = Callable[[str, Scope], str]

# A numbered line as residents and the WeChat client write it: `12. body`, `3、body`,
# `4)body`. Lists already numbered otherwise (①, （1）, 一、) are left alone. `1.5斤` (a dot
# followed by a digit) may be a decimal, not a numbering: not an entry line here.
_NUMBERED = re.compile(
    r"^(?P<lead>[ \t]*)(?P<num>\d{1,3})(?P<mark>[.、)])(?P<gap>[ \t]*)(?P<body>.*?)(?P<end>\s*)$"
)
# A price in a numbered line makes the run a product list (`1. 大米 50元/袋`), not entries. An
# entry with a price on it (`2瓶 =16元`) loses its list to the rewrite too: strict, not clever.
_PRICE = re.compile(r"\d\s*(?:元|块)|[¥￥$]\s*\d")
# A quote-reply's closing 」 ends a numbered line it quotes: that line is the quote's, not an
# entry (a rewrite after the 」 would break the quote).
_QUOTE_MARK = re.compile("[「」『』]")
_INVISIBLES = "\u200b\u200c\u200d\u2060\ufeff\u00a0"


def _numbered(line: str) -> re.Match[str] | None:
    m = _NUMBERED.match(line)
    if m is None or (m["mark"] == "." and not m["gap"] and m["body"][:1].isdigit()):
        return None
    return m


def _runs(lines: list[str]) -> tuple[set[str], set[str]]:
    """(bodies in the message's entry list, bodies of its other numbered lines). The entry list
    is the last run of lines numbered 1, 2, 3, … (unnumbered lines may sit between); an earlier
    run is a header's numbered rules or products, a run with a price a product list, and a
    count that skips or repeats ends a run."""
    runs: list[list[str]] = []
    expected = 0
    numbered: set[str] = set()
    for line in lines:
        m = _numbered(line)
        if m is None:
            continue
        num = int(m["num"])
        numbered.add(m["body"])
        if num == 1:
            runs.append([m["body"]])
        elif runs and num == expected:
            runs[-1].append(m["body"])
        else:
            runs.append([])
        expected = num + 1
    last = runs[-1] if runs else []
    entries = set() if any(_PRICE.search(b) for b in last) else set(last)
    entries = {b for b in entries if not _QUOTE_MARK.search(b)}
    return entries, numbered - entries


def entry_bodies(texts: Iterable[str]) -> frozenset[str]:
    """The bodies that are entries in every message showing them numbered: a rewrite then
    treats a line alike in every repost, so reposts still match each other."""
    entries: set[str] = set()
    others: set[str] = set()
    for text in texts:
        found, other = _runs(text.split("\n"))
        entries |= found
        others |= other
    return frozenset(entries - others - {""})


def _entries(lines: list[str], scope: Scope) -> dict[int, re.Match[str]]:
    found = {i: _numbered(line) for i, line in enumerate(lines)}
    return {i: m for i, m in found.items() if m is not None and m["body"] in scope.entries}


def on_bodies(text: str, scope: Scope, change: Callable[[str], str]) -> str:
    """`text` with the body of each entry line (numbering and trailing space aside) changed."""
    lines = text.split("\n")
    for i, m in _entries(lines, scope).items():
        lines[i] = lines[i][: m.start("body")] + change(m["body"]) + m["end"]
    return "\n".join(lines)


def _visible(text: str) -> str:
    return "".join(ch for ch in text if ch not in _INVISIBLES)


def kept_mask(line: str, kept: frozenset[str]) -> list[bool]:
    """Per character of `line`: True inside an occurrence of a kept string (invisible characters
    between its characters allowed: a label has none)."""
    mask = [False] * len(line)
    gap = f"[{_INVISIBLES}]*"
    for k in kept:
        if not k:
            continue
        for m in re.finditer(gap.join(map(re.escape, k)), line):
            mask[m.start() : m.end()] = [True] * (m.end() - m.start())
    return mask


# 1. Numbering styles ---------------------------------------------------------------------------

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_CN = "零一二三四五六七八九"
_WIDE_DIGITS = {c: c + 0xFEE0 for c in range(0x30, 0x3A)}


def _chinese(n: int) -> str | None:
    """1–99 as a list writes them (`十二、`, `二十、`, `三十五、`)."""
    if not 0 < n < 100:
        return None
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CN[tens] + "十")
    return head + (_CN[ones] if ones else "") + "、"


NUMBERINGS: dict[str, Callable[[int], str | None]] = {
    "1、": lambda n: f"{n}、",
    "1)": lambda n: f"{n})",
    "(1)": lambda n: f"({n})",
    "１．": lambda n: f"{n}．".translate(_WIDE_DIGITS),
    "①": lambda n: _CIRCLED[n - 1] if 0 < n <= len(_CIRCLED) else None,
    "一、": _chinese,
}


def renumber(style: str) -> Rewrite:
    """Entry lines numbered in `style` (only the number that starts the line). A message keeps
    its numbering when one of its entries has no such form (① stops at 20): no mixed list."""
    form = NUMBERINGS[style]

    def rewrite(text: str, scope: Scope) -> str:
        lines = text.split("\n")
        found = _entries(lines, scope)
        marks = {i: form(int(m["num"])) for i, m in found.items()}
        if any(mark is None for mark in marks.values()):
            return text
        for i, m in found.items():
            lines[i] = f"{m['lead']}{marks[i]}{m['gap']}{m['body']}{m['end']}"
        return "\n".join(lines)

    return rewrite


# 2. Windows line endings and trailing spaces ----------------------------------------------------


def crlf_trailing_space(text: str, scope: Scope) -> str:
    """Every line of the message ends in a space and CR LF (REPLAY trims every field)."""
    return "\r\n".join(line + " " for line in text.split("\n"))


# 3. Invisible characters ------------------------------------------------------------------------

# Where digits meet other text: `3-2-201|王阿姨|2份`, `5号楼|1|单元`.
_TRANSITION = re.compile(r"(?<=\d)(?=[^\d\s.\-/])|(?<=[^\d\s.\-/])(?=\d)")


def invisible(char: str) -> Rewrite:
    """`char` (U+200B, U+FEFF) after the numbering, after every space of an entry and where
    digits meet other text: REPLAY removes these from every field, so no place is unfair."""

    def change(body: str) -> str:
        return char + _TRANSITION.sub(char, body).replace(" ", " " + char)

    return lambda text, scope: on_bodies(text, scope, change)


def no_break_spaces(text: str, scope: Scope) -> str:
    """The spaces between an entry's fields typed as no-break spaces. Only existing spaces: one
    where there was none could split a name REPLAY would keep whole."""
    return on_bodies(text, scope, lambda body: body.replace(" ", "\u00a0"))


# 4. A decorative emoji or sticker code at the end of an entry line -------------------------------


def append_emoji(emoji: str) -> Rewrite:
    """`emoji` appended to each entry line. Skipped where REPLAY could read it as part of a
    field: a line holding a note (the emoji could belong to it), a line ending in a name or an
    item name (`Lily🌸` keeps its emoji)."""

    def rewrite(text: str, scope: Scope) -> str:
        def change(body: str) -> str:
            seen = _visible(body)
            if any(n in seen for n in scope.notes):
                return body
            if any(seen.endswith(k) for k in scope.names | scope.items):
                return body
            return body + emoji

        return on_bodies(text, scope, change)

    return rewrite


# 5. Full-width digits in the address and the quantity -------------------------------------------

_KEYCAP = ("\ufe0f", "\u20e3")  # `2️⃣` is an emoji; a keycap has no full-width digit
_PHONE_RUN = re.compile(r"\+?\d[\d\s-]{6,}\d")


def _between_digits(body: str, i: int) -> bool:
    return 0 < i < len(body) - 1 and body[i - 1].isdigit() and body[i + 1].isdigit()


def fullwidth_digits(text: str, scope: Scope) -> str:
    """ASCII digits of an entry as full-width digits (a decimal point between two as `．`).
    Not inside a name, note or item name (REPLAY keeps those verbatim: `6个装`, `90元`) nor in
    a phone number (REPLAY names half-width digits for the address only: strict)."""

    def change(body: str) -> str:
        mask = kept_mask(body, scope.verbatim)
        for p in _PHONE_RUN.finditer(body):
            mask[p.start() : p.end()] = [True] * (p.end() - p.start())
        out = list(body)
        for i, ch in enumerate(body):
            if mask[i]:
                continue
            if ch.isascii() and ch.isdigit() and body[i + 1 : i + 2] not in _KEYCAP:
                out[i] = chr(ord(ch) + 0xFEE0)
            elif ch == "." and _between_digits(body, i):
                out[i] = "．"
        return "".join(out)

    return on_bodies(text, scope, change)


# 6. Full-width punctuation between fields, voice-input commas in the address --------------------

_WIDE_PUNCT = {",": "，", ":": "：", ";": "；"}


def fullwidth_punctuation(text: str, scope: Scope) -> str:
    """`,` `:` `;` between an entry's fields as `，` `：` `；`. Not inside a name, note or item
    name (kept verbatim), nor a colon between digits (a time, whatever field holds it)."""

    def change(body: str) -> str:
        mask = kept_mask(body, scope.verbatim)
        return "".join(
            _WIDE_PUNCT[ch]
            if ch in _WIDE_PUNCT and not mask[i] and not (ch == ":" and _between_digits(body, i))
            else ch
            for i, ch in enumerate(body)
        )

    return on_bodies(text, scope, change)


_ADDRESS_PART = re.compile(r"(?:号楼|栋|幢|单元)(?=[0-9一二三四五六七八九])")


def voice_commas(text: str, scope: Scope) -> str:
    """`3号楼，2单元，201` as iPhone voice input writes it: a `，` after a building or unit word
    followed by the next part's number. Not inside a kept string."""

    def change(body: str) -> str:
        mask = kept_mask(body, scope.verbatim)
        ends = [a.end() for a in _ADDRESS_PART.finditer(body) if not mask[a.start()]]
        for end in reversed(ends):
            body = body[:end] + "，" + body[end:]
        return body

    return on_bodies(text, scope, change)


# 7. Needs: a closing 🙏 or sticker, spaces around punctuation ------------------------------------


def need_ends_with(tail: str) -> Rewrite:
    """A need's message with `tail` (🙏, [抱拳]) at its end."""
    return lambda text, scope: text.rstrip() + tail


# Punctuation that separates clauses; `.` `:` before a digit (38.9度, 8:30) is part of a number.
_CLAUSE_PUNCT = r"[，。！？、；：…~～,!?;]|[.:](?!\d)"
_SPACED_PUNCT = re.compile(rf"[ \t]*({_CLAUSE_PUNCT})[ \t]*")


def need_punctuation_unspaced(text: str, scope: Scope) -> str:
    """No spaces around a need's punctuation (`好 ， 请问` → `好，请问`)."""
    return _SPACED_PUNCT.sub(r"\1", text)


def need_punctuation_spaced(text: str, scope: Scope) -> str:
    """A space on both sides of a need's punctuation (`好，请问` → `好 ， 请问`)."""
    return _SPACED_PUNCT.sub(r" \1 ", text).strip(" ")
