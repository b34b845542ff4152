"""The spaces OCR drops between words, measured back from the pixels of each box.

Between each two neighbouring characters the widest run of ink-free columns is measured, in
text heights. Calibrated on the screenshots of bench/ocr_corpus.py: a typed space measures
0.27-0.5 and no space at most 0.25, except beside full-width digits (１２３), whose own blanks
measure 0.3-0.65 — a box whose digits are full-width (told by their pitch) needs wider gaps.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from itertools import pairwise

import cv2
import numpy as np
from numpy.typing import NDArray

Quad = NDArray[np.float64]

SPACE_GAP = 0.27  # a blank this wide (× text height) between two characters is a space
FULL_WIDTH_GAP = 0.5  # full-width digits leave blanks wider than this between them
FULL_WIDTH_PITCH = 0.8  # digits this far apart (× text height) are full-width (１２３)


@dataclass(frozen=True, slots=True)
class RawBox:
    """One recognised box: its corners, text, lowest character confidence, and characters."""

    quad: Quad
    text: str
    confidence: float
    words: list[str]
    word_quads: list[Quad]


def spaced(gray: NDArray[np.uint8], raw: RawBox) -> str:
    """The box's text with a space wherever the pixels show a word gap the OCR dropped."""
    if not raw.words or "".join(raw.words) != raw.text:
        return raw.text
    crop = _warp(gray, raw.quad)
    cols, text_h = _ink_columns(crop)
    if cols is None:
        return raw.text
    centres = _word_positions(raw) * crop.shape[1]
    idx = [i for i, w in enumerate(raw.words) if w.strip()]
    pairs = list(pairwise(idx))
    widths = {b: _widest_blank(cols, centres[a], centres[b]) / text_h for a, b in pairs}
    pitch = [
        (centres[b] - centres[a]) / text_h
        for a, b in pairs
        if b == a + 1 and _digit(raw.words[a]) and _digit(raw.words[b])
    ]
    full_width = bool(pitch) and float(np.median(pitch)) >= FULL_WIDTH_PITCH
    words = list(raw.words)
    for a, b in reversed(pairs):
        if b == a + 1 and _space_between(words[a], words[b], widths[b], full_width):
            words.insert(b, " ")
    return "".join(words)


def _space_between(left: str, right: str, width: float, full_width: bool) -> bool:
    if not (_spaceable(left) and _spaceable(right)) or width < SPACE_GAP:
        return False
    if full_width and (_digit(left) or _digit(right)):
        return width >= 2 * FULL_WIDTH_GAP  # a full-width digit's own blank is half of that
    if _digit(left) and _digit(right):
        return width < FULL_WIDTH_GAP  # wider: the blanks of full-width digits after all
    return True


def _digit(word: str) -> bool:
    return len(word) == 1 and unicodedata.category(word) == "Nd"


def _ink_columns(crop: NDArray[np.uint8]) -> tuple[NDArray[np.bool_] | None, float]:
    """Which columns of the box hold ink, and the text's height (inked rows)."""
    if crop.shape[0] < 4 or crop.shape[1] < 4:
        return None, 0.0
    _, ink = cv2.threshold(crop, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    rows = np.flatnonzero(ink.sum(axis=1) > 0)
    if rows.size == 0:
        return None, 0.0
    text_h = float(rows[-1] - rows[0] + 1)
    cols = ink[rows[0] : rows[-1] + 1].sum(axis=0) >= (2 if text_h >= 20 else 1)
    return np.asarray(cols, dtype=np.bool_), text_h


def _widest_blank(cols: NDArray[np.bool_], left: float, right: float) -> int:
    """The widest run of ink-free columns between two character centres."""
    seg = cols[max(0, int(left)) : max(0, int(right)) + 1]
    if seg.size == 0 or seg.all():
        return 0
    edges = np.flatnonzero(np.diff(np.concatenate(([1], seg.astype(np.int8), [1]))))
    return int((edges[1::2] - edges[::2]).max()) if edges.size >= 2 else 0


def _spaceable(word: str) -> bool:
    """Full-width punctuation carries its own blank; a recognised space is one already."""
    return bool(word.strip()) and not (
        not word.isascii() and unicodedata.category(word[-1])[0] in "PS"
    )


def _warp(gray: NDArray[np.uint8], quad: Quad) -> NDArray[np.uint8]:
    width = int(max(np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[2] - quad[3])))
    height = int(max(np.linalg.norm(quad[3] - quad[0]), np.linalg.norm(quad[2] - quad[1])))
    if width < 2 or height < 2:
        return np.zeros((0, 0), dtype=np.uint8)
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    warped = cv2.warpPerspective(gray, matrix, (width, height), flags=cv2.INTER_LINEAR)
    return np.asarray(warped, dtype=np.uint8)


def _word_positions(raw: RawBox) -> NDArray[np.float64]:
    """Each recognised word's centre along the box, as a share of the box's width."""
    origin, axis = raw.quad[0], raw.quad[1] - raw.quad[0]
    length = float(np.dot(axis, axis)) or 1.0
    centres = [q.mean(axis=0) for q in raw.word_quads]
    return np.array([float(np.dot(c - origin, axis)) / length for c in centres])
