"""From OCR boxes to the lines of a 接龙, as a resident's paste would have them.

OCR returns one box per run of text. A chat screenshot also holds the chat's chrome (title,
nicknames, times, avatars, the input bar, the app's buttons) and a bubble wraps long lines.
The boxes are grouped into visual rows (vertical overlap, horizontal proximity), rows into
blocks (same left edge, same text height, same background, small gaps: one bubble or one
sheet of paper), and the block that carries the 接龙 header is the list. A row whose text
reached the container's right edge, followed by one that starts neither with a list number
nor an address, is a wrapped line and is joined back.

Pure: the OCR adapter (`bot.pictures.ocr`) measures the pixels; this module only sees boxes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from handlers.pictures.repo import PictureLine
from handlers.pictures.typed import as_typed

Rgb = tuple[int, int, int]

ROW_OVERLAP = 0.5  # a box joins a row when it overlaps this share of the smaller height
ROW_MAX_GAP = 8.0  # ...and is at most this many text heights away (avatars are farther)
WORD_GAP = 0.3  # two boxes of one row further apart than this (× height) have a space
BLOCK_LEFT = 3.0  # rows of one block start within this (× height) of its leftmost row
BLOCK_GAP = 0.9  # ...and are at most this far apart vertically (× height): else a blank line
BLOCK_BLANK_GAP = 3.3  # ...or, following the row just above, up to two blank lines apart
BLOCK_HEIGHT = 1.6  # ...and have text heights within this ratio (short boxes come out taller)
BLOCK_COLOUR = 14  # ...and backgrounds within this distance per channel
WRAP_WIDTH = 0.6  # a bubble wraps once it is this share of the screen wide (WeChat's ~65 %)
BUBBLE_PADDING = 1.0  # a chat bubble's inner padding is under one text height; paper's is more

_HEADER = re.compile(
    r"^\s*(?:[#＃]?\s*接龙(?![助【\[】\]])|[【\[]\s*接龙\s*[】\]]|接龙(?:$|[\s:：])|[#＃]\s*group\s*note)"
    r"|[#＃]\s*接龙\s*[#＃]?\s*$",
    re.IGNORECASE,
)
_BARE_HEADER = re.compile(r"^\s*接龙")  # 接龙 with no # or 【】 before it
_HEADER_WORD = re.compile(r"^\s*接龙(?:$|[\s:：])")  # the bare 接龙 header the reader knows
_NUMBERED = re.compile(
    r"^\s*(?:\d{1,3}\s*[.．。、,，)）]|[(（]\s*\d{1,3}\s*[)）]|[①-⑳]|[一二三四五六七八九十]{1,3}\s*[、.．])"
)
_ADDRESS = re.compile(r"^\s*\d{1,4}\s*(?:[-－—#栋幢号座]|单元)\s*\d")
_NO_LINE_START = re.compile(r"[，。、！？；：）」』】》〉,.!?;:)\]/%‰℃]*")
_EXAMPLE = re.compile(r"^\s*例\s*[:：]?")
_FIRST_WORD = re.compile(r"^[!-~]+")  # a run of ASCII: the browser wraps it whole


@dataclass(frozen=True, slots=True)
class TextBox:
    """One OCR box, in deskewed picture coordinates, with what the pixels around it say."""

    text: str
    confidence: float  # the lowest character confidence in the box
    x0: float
    y0: float
    x1: float
    y1: float
    room_left: float = 0.0  # free space from the box to its container's left edge (px)
    room_right: float = 0.0  # free space from the box to its container's right edge (px)
    background: Rgb = (255, 255, 255)
    crop: tuple[int, int, int, int] = (0, 0, 0, 0)  # the box in the original picture

    @property
    def height(self) -> float:
        """The box's height (a line of text)."""
        return max(1.0, self.y1 - self.y0)


@dataclass(slots=True)
class _Row:
    boxes: list[TextBox] = field(default_factory=list)

    @property
    def top(self) -> float:
        return min(b.y0 for b in self.boxes)

    @property
    def bottom(self) -> float:
        return max(b.y1 for b in self.boxes)

    @property
    def left(self) -> float:
        return min(b.x0 for b in self.boxes)

    @property
    def height(self) -> float:
        return sorted(b.height for b in self.boxes)[len(self.boxes) // 2]

    @property
    def last(self) -> TextBox:
        return max(self.boxes, key=lambda b: b.x1)

    @property
    def first(self) -> TextBox:
        return min(self.boxes, key=lambda b: b.x0)

    def text(self) -> str:
        ordered = sorted(self.boxes, key=lambda b: b.x0)
        out = ordered[0].text.strip()
        for prev, box in pairwise(ordered):
            gap = box.x0 - prev.x1
            out += (" " if gap > WORD_GAP * self.height else "") + box.text.strip()
        return out.strip()


@dataclass(frozen=True, slots=True)
class PictureText:
    """The list read from a picture: its lines, and whether the 接龙 header was among them."""

    lines: tuple[PictureLine, ...]
    has_header: bool


def read_picture_lines(boxes: Sequence[TextBox], width: float = 0.0) -> PictureText:
    """The 接龙 in the picture: the header's block (else the block richest in entries)."""
    blocks = _blocks(_rows([b for b in boxes if b.text.strip()]))
    if not blocks:
        return PictureText((), False)
    headed = [(b, i) for b in blocks if (i := _header_at(b)) is not None and _listed(b[i + 1 :])]
    if headed:  # the newest repost is the lowest on the screen
        block, start = headed[-1]
        lines = _lines(block[start:], width)
        return PictureText((_with_tag(lines[0]), *lines[1:]), True)
    best = max(blocks, key=lambda b: sum(bool(_NUMBERED.match(r.text())) for r in b))
    if not any(_NUMBERED.match(r.text()) for r in best):
        return PictureText((), False)
    return PictureText(tuple(_lines(best, width)), False)


def _with_tag(header: PictureLine) -> PictureLine:
    """The header as typed: OCR loses the # of #接龙 now and then."""
    if header.text.lstrip().startswith("接龙") and not _HEADER_WORD.match(header.text):
        return PictureLine("#" + header.text.lstrip(), header.confidence, header.crop)
    return header


def _header_at(block: list[_Row]) -> int | None:
    """The index of the block's header row, if it has one. A bare 接龙 (no #, no 【】) heads
    only its bubble's first row: further down it is a wrapped sentence ('…大家照常' /
    '接龙就行，名单我来汇总。' in the bot's own reply)."""
    return next(
        (
            i
            for i, r in enumerate(block)
            if _HEADER.search(text := r.text()) and (i == 0 or not _BARE_HEADER.match(text))
        ),
        None,
    )


def _listed(rows: list[_Row]) -> bool:
    """Under a header: entries, or at least a title and a rule (a lone 接龙 button is no list)."""
    return len(rows) >= 2 or any(_NUMBERED.match(r.text()) for r in rows)


def _rows(boxes: list[TextBox]) -> list[_Row]:
    rows: list[_Row] = []
    for box in sorted(boxes, key=lambda b: (b.y0 + b.y1) / 2):
        row = next((r for r in reversed(rows[-4:]) if _same_row(r, box)), None)
        if row is None:
            rows.append(_Row([box]))
        else:
            row.boxes.append(box)
    return sorted(rows, key=lambda r: (r.top, r.left))


def _same_row(row: _Row, box: TextBox) -> bool:
    overlap = min(row.bottom, box.y1) - max(row.top, box.y0)
    if overlap < ROW_OVERLAP * min(row.height, box.height):
        return False
    h = max(row.height, box.height)
    if box.x0 >= row.last.x1:  # to the right: within the row's container (an avatar is not)
        gap, room = box.x0 - row.last.x1, row.last.room_right
    else:
        gap, room = row.first.x0 - box.x1, row.first.room_left
    return gap <= min(ROW_MAX_GAP * h, max(room + 0.5 * h, 1.5 * h))  # an emoji may sit between


def _blocks(rows: list[_Row]) -> list[list[_Row]]:
    """Rows into blocks; only the block of the row just above may be continued past a blank."""
    blocks: list[list[_Row]] = []
    latest: list[_Row] | None = None
    for row in rows:
        block = next((b for b in reversed(blocks[-3:]) if _continues(b, row, b is latest)), None)
        if block is None:
            block = [row]
            blocks.append(block)
        else:
            block.append(row)
        latest = block
    return sorted(blocks, key=lambda b: b[0].top)


def _continues(block: list[_Row], row: _Row, blank: bool) -> bool:
    """Same container: aligned on the block's first row, same height and background, close."""
    prev, first = block[-1], block[0]
    h = max(prev.height, row.height)
    ratio = max(first.height, row.height) / min(first.height, row.height)
    colour = max(
        abs(a - b) for a, b in zip(prev.first.background, row.first.background, strict=True)
    )
    gap = row.top - prev.bottom
    return (  # a line may start further in or out: a list number (一、) OCR did not see
        abs(min(r.left for r in block) - row.left) <= BLOCK_LEFT * h
        and gap >= -0.25 * h
        and gap <= (BLOCK_BLANK_GAP if blank else BLOCK_GAP) * h
        and ratio <= BLOCK_HEIGHT
        and colour <= BLOCK_COLOUR
    )


def _blank_lines(prev: _Row, row: _Row) -> int:
    """Empty lines between two rows of a block (a line pitch is about 1.35 text heights)."""
    gap = row.top - prev.bottom
    h = max(prev.height, row.height)
    return 0 if gap <= BLOCK_GAP * h else max(1, round((gap - 0.35 * h) / (1.35 * h)))


def _lines(rows: list[_Row], width: float) -> list[PictureLine]:
    lines: list[PictureLine] = []
    padding = _wrap_padding(rows, width)
    prev: _Row | None = None
    listed = False
    for row in rows:
        text = as_typed(row.text())
        conf = min(b.confidence for b in row.boxes)
        crop = _union(b.crop for b in row.boxes)
        numbered = bool(_NUMBERED.match(text))
        blanks = _blank_lines(prev, row) if prev is not None else 0
        if listed and numbered:
            blanks = 0  # inside the list: an emoji-only wrapped row, not a paragraph break
        listed = listed or numbered
        lines.extend(PictureLine("", 1.0, crop) for _ in range(blanks))
        if (
            padding is not None
            and prev is not None
            and lines
            and not blanks
            and _wrapped(prev, row, text, padding)
        ):
            last = lines[-1]
            ascii_pair = last.text[-1:].isascii() and text[:1].isascii()
            joiner = " " if ascii_pair and last.text[-1:].isalnum() and text[:1].isalnum() else ""
            lines[-1] = PictureLine(
                last.text + joiner + text, min(last.confidence, conf), _union([last.crop, crop])
            )
        else:
            lines.append(PictureLine(text, conf, crop))
        prev = row
    return lines


def _wrap_padding(rows: list[_Row], width: float) -> float | None:
    """The bubble's inner padding when its lines may have wrapped; None when they cannot have.

    A chat bubble's padding is under a text height (paper's margins are wider, and paper does
    not wrap), and a bubble wraps only once it has grown to its widest (it shrinks to fit
    shorter text, where the longest line always looks full).
    """
    padding = sorted(r.first.room_left for r in rows)[len(rows) // 2]
    height = sorted(r.height for r in rows)[len(rows) // 2]
    left = min(r.first.x0 - r.first.room_left for r in rows)
    right = max(r.last.x1 + r.last.room_right for r in rows)
    if padding > BUBBLE_PADDING * height or (width and right - left < WRAP_WIDTH * width):
        return None
    return padding


def _wrapped(prev: _Row, row: _Row, text: str, padding: float) -> bool:
    """The previous row ran into its bubble's right edge and this one continues it."""
    if (
        _NUMBERED.match(text)
        or _ADDRESS.match(text)
        or _HEADER.search(text)
        or _EXAMPLE.match(text)
    ):
        return False
    h = prev.height
    room = prev.last.room_right - padding  # what was left on the line after the right padding
    word = _FIRST_WORD.match(text)
    # a line's ink is ~0.88 of the font size: a Chinese character is ~1.1 h wide, a digit ~0.6 h;
    # punctuation that may not start a line (，。）) wraps together with the character before it
    glued = _NO_LINE_START.match(text[1:])
    chars = 1 + (len(glued.group()) if glued else 0)
    need = 0.6 * h * len(word.group()) if word else 1.1 * h * chars
    return room < need


def _union(crops: Iterable[tuple[int, int, int, int]]) -> tuple[int, int, int, int]:
    items = list(crops)
    return (
        min(c[0] for c in items),
        min(c[1] for c in items),
        max(c[2] for c in items),
        max(c[3] for c in items),
    )
