"""OCR of a picture into `TextBox`es: RapidOCR (PP-OCRv4, onnxruntime, CPU) plus pixel measures.

The model is loaded once per process (a lock guards the first load) and runs on a bounded
number of threads, so the web app on the same machine keeps a core. A long screenshot is read
in overlapping tiles (the detector shrinks anything over 2,000 px). Two things OCR drops are
measured back from the pixels: the spaces between words (blank columns inside a box, mapped
onto the recogniser's character positions) and how far each box is from its container's edges
(a chat bubble's or the paper's), which tells a wrapped line from a line break.
"""

from __future__ import annotations

import logging
import math
import threading
import unicodedata
from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from bot.pictures.spaces import Quad, RawBox, spaced
from handlers.pictures.lines import Rgb, TextBox

log = logging.getLogger(__name__)

INK_STEP = 60  # a pixel this far from the background colour is ink
UNSURE_SYMBOL = 0.5  # a lone symbol read less surely than this is an emoji's ghost: dropped
EDGE_STEP = 12  # a colour change this large (3 px running) ends a bubble or the paper
TALL_RATIO = 2.5  # pictures taller than this × their width are read in tiles

_LOCK = threading.Lock()
_ENGINES: dict[int, Any] = {}


def engine(threads: int = 1) -> Any:
    """The process's RapidOCR, loaded on first use."""
    with _LOCK:
        if threads not in _ENGINES:
            from rapidocr_onnxruntime import RapidOCR  # heavy import: only where OCR runs

            log.info("loading the OCR model (%d thread(s))", threads)
            _ENGINES[threads] = RapidOCR(
                intra_op_num_threads=threads, inter_op_num_threads=1, print_verbose=False
            )
        return _ENGINES[threads]


def read_boxes(image: Image.Image, threads: int = 1) -> list[TextBox]:
    """Every text box in the picture, deskewed, with spaces restored and edges measured."""
    rgb: NDArray[np.uint8] = np.asarray(image.convert("RGB"), dtype=np.uint8)
    raws = _recognise(rgb, threads)
    angle = _skew(raws)
    gray = _u8(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))
    centre = (rgb.shape[1] / 2, rgb.shape[0] / 2)
    return [_box(raw, rgb, gray, angle, centre) for raw in raws]


def _recognise(rgb: NDArray[np.uint8], threads: int) -> list[RawBox]:
    bgr = _u8(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    height, width = bgr.shape[:2]
    if height <= TALL_RATIO * width:
        return _run(bgr, 0, threads)
    tile, overlap = int(2 * width), max(120, width // 5)
    out: list[RawBox] = []
    top = 0
    while top < height:
        bottom = min(height, top + tile)
        keep_from = top + overlap / 2 if top else 0
        keep_to = bottom - overlap / 2 if bottom < height else height
        for raw in _run(bgr[top:bottom], top, threads):
            mid = float(raw.quad[:, 1].mean())
            if keep_from <= mid < keep_to:
                out.append(raw)
        if bottom == height:
            break
        top = bottom - overlap
    return out


def _run(bgr: NDArray[np.uint8], offset: int, threads: int) -> list[RawBox]:
    result, _ = engine(threads)(np.ascontiguousarray(bgr), return_word_box=True)
    shift = np.array([0.0, float(offset)])
    out: list[RawBox] = []
    for item in result or []:
        quad = np.asarray(item[0], dtype=np.float64) + shift
        if len(item) < 6 or len(item[4]) != len(item[3]) or len(item[4]) != len(item[5]):
            out.append(RawBox(quad, str(item[1]), float(item[2]), [], []))
            continue
        triples = list(zip(item[4], item[3], item[5], strict=True))
        colour = [_colourful(bgr, str(w), q) for w, q, _ in triples]
        emoji = sum(colour) * 2 < len(colour)  # colour among dark text: emoji, not a red pen
        kept = [
            (str(w), np.asarray(q, dtype=np.float64) + shift, float(c))
            for (w, q, c), coloured in zip(triples, colour, strict=True)
            if not _unsure_symbol(str(w), float(c)) and not (emoji and coloured)
        ]
        words = [w for w, _, _ in kept]
        confs = [c for w, _, c in kept if w.strip()]
        conf = min(confs) if confs else float(item[2])
        out.append(RawBox(quad, "".join(words), conf, words, [q for _, q, _ in kept]))
    return out


def _colourful(bgr: NDArray[np.uint8], word: str, quad: object) -> bool:
    """The character is drawn in colour: OCR's reading of an emoji (🙏 → α, 👍👍 → 春 春).

    Text is dark on its bubble or paper; an emoji's ink is saturated colour. ASCII is never
    taken for an emoji (only @): a hyphen's anti-aliased edge takes the bubble's green.
    """
    if len(word) != 1 or (word.isascii() and word != "@"):
        return False
    points = np.asarray(quad, dtype=np.float64)
    (x0, y0), (x1, y1) = points.min(axis=0).astype(int), points.max(axis=0).astype(int) + 1
    patch = bgr[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)]
    if patch.size == 0:
        return False
    background = np.median(patch.reshape(-1, 3), axis=0)
    ink = np.abs(patch.astype(np.int16) - background).max(axis=2) > INK_STEP
    if int(ink.sum()) < 10:
        return False
    hsv = cv2.cvtColor(patch, cv2.COLOR_BGR2HSV).astype(np.int16)
    bg_hsv = np.median(hsv.reshape(-1, 3), axis=0)
    colourful = (hsv[..., 1] > 90) & (hsv[..., 2] > 80)
    if bg_hsv[1] > 40:  # on a green bubble, dark text's soft edges are green too: other hues only
        turn = np.abs(hsv[..., 0] - bg_hsv[0])
        colourful &= np.minimum(turn, 180 - turn) > 12
    return float(colourful[ink].mean()) > 0.4


def _unsure_symbol(word: str, confidence: float) -> bool:
    """A lone symbol read unsurely: what OCR makes of an emoji (🙏 → ±×), decoration only."""
    return (
        len(word) == 1
        and confidence < UNSURE_SYMBOL
        and not word.isalnum()
        and (unicodedata.category(word)[0] == "S" or word == "@")
    )


def _skew(raws: Sequence[RawBox]) -> float:
    """The picture's rotation (radians), from the top edges of wide boxes."""
    angles = [
        math.atan2(r.quad[1][1] - r.quad[0][1], r.quad[1][0] - r.quad[0][0])
        for r in raws
        if np.linalg.norm(r.quad[1] - r.quad[0]) > 3 * np.linalg.norm(r.quad[3] - r.quad[0])
    ]
    return float(np.median(angles)) if angles else 0.0


def _box(
    raw: RawBox,
    rgb: NDArray[np.uint8],
    gray: NDArray[np.uint8],
    angle: float,
    centre: tuple[float, float],
) -> TextBox:
    upright = _rotate(raw.quad, -angle, centre)
    room_left, background = _room(rgb, raw.quad, leftwards=True)  # the left: no emoji there
    room_right, _ = _room(rgb, raw.quad, leftwards=False)
    crop = raw.quad.min(axis=0), raw.quad.max(axis=0)
    return TextBox(
        text=spaced(gray, raw),
        confidence=raw.confidence,
        x0=float(upright[:, 0].min()),
        y0=float(upright[:, 1].min()),
        x1=float(upright[:, 0].max()),
        y1=float(upright[:, 1].max()),
        room_left=room_left,
        room_right=room_right,
        background=background,
        crop=(int(crop[0][0]), int(crop[0][1]), int(crop[1][0]) + 1, int(crop[1][1]) + 1),
    )


def _rotate(quad: Quad, angle: float, centre: tuple[float, float]) -> Quad:
    c, s = math.cos(angle), math.sin(angle)
    pts = quad - np.array(centre)
    turned = np.stack([pts[:, 0] * c - pts[:, 1] * s, pts[:, 0] * s + pts[:, 1] * c], axis=1)
    return np.asarray(turned + np.array(centre), dtype=np.float64)


def _u8(array: object) -> NDArray[np.uint8]:
    return np.asarray(array, dtype=np.uint8)


def _room(rgb: NDArray[np.uint8], quad: Quad, leftwards: bool) -> tuple[float, Rgb]:
    """Free distance from the box to the next colour edge along its line, and the colour there."""
    if leftwards:
        start, direction = (quad[0] + quad[3]) / 2, quad[0] - quad[1]
    else:
        start, direction = (quad[1] + quad[2]) / 2, quad[1] - quad[0]
    unit = direction / (np.linalg.norm(direction) or 1.0)
    normal = np.array([-unit[1], unit[0]])
    half = float(np.linalg.norm(quad[3] - quad[0])) / 4
    height, width = rgb.shape[:2]
    steps = np.arange(3, width + 3, dtype=np.float64)
    band = np.linspace(-half, half, 5)
    pts = start + steps[:, None, None] * unit + band[None, :, None] * normal
    xs, ys = np.rint(pts[..., 0]).astype(int), np.rint(pts[..., 1]).astype(int)
    inside = (xs >= 0) & (xs < width) & (ys >= 0) & (ys < height)
    limit = int(np.argmin(inside.all(axis=1))) if not inside.all() else len(steps)
    if limit == 0:
        return 0.0, (255, 255, 255)
    samples = rgb[ys[:limit].clip(0, height - 1), xs[:limit].clip(0, width - 1)].astype(float)
    profile = np.median(samples, axis=1)
    background = profile[: min(3, limit)].mean(axis=0)
    changed = np.abs(profile - background).max(axis=1) > EDGE_STEP
    run = changed[:-2] & changed[1:-1] & changed[2:] if limit > 2 else changed[:0]
    edge = np.flatnonzero(run)
    room = float(steps[edge[0]]) if edge.size else float(steps[limit - 1])
    r, g, b = (int(v) for v in background)
    return room, (r, g, b)
