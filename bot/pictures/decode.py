"""Open an untrusted picture safely: bounded bytes, bounded pixels, only real image formats.

A picture comes from anyone who can message the bot. Its size is checked before anything is
read, its dimensions from the header before any pixel is decoded (a PNG bomb of 50,000 ×
50,000 pixels is a few kilobytes), and a truncated or foreign file is refused with a reason the
sender can act on.
"""

from __future__ import annotations

import io
import logging
import warnings
from typing import Literal

from PIL import Image, ImageOps, UnidentifiedImageError

log = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024  # 公众号 image messages are at most 10 MB
MAX_PIXELS = 40_000_000  # a 1,170 × 30,000 long screenshot; ~120 MB decoded as RGB
MAX_SIDE = 40_000
FORMATS = frozenset({"PNG", "JPEG", "BMP", "GIF", "WEBP", "MPO"})

Reason = Literal["too_large", "too_many_pixels", "not_image", "no_text", "unavailable"]


class PictureError(Exception):
    """The picture cannot be read; `reason` picks the sentence the sender gets."""

    def __init__(self, reason: Reason, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason: Reason = reason


def decode_picture(data: bytes) -> Image.Image:
    """The picture as upright RGB; PictureError when it is too big, a bomb or not an image."""
    if len(data) > MAX_BYTES:
        raise PictureError("too_large", f"{len(data)} bytes")
    image = _open(data)
    width, height = image.size
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE or min(width, height) < 8:
        raise PictureError("too_many_pixels", f"{width}x{height}")
    try:
        image.load()
        upright = ImageOps.exif_transpose(image) or image
        return upright.convert("RGB")
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise PictureError("not_image", f"{type(exc).__name__}: {exc}") from exc


def _open(data: bytes) -> Image.Image:
    """Read the header only (Pillow decodes lazily)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise PictureError("too_many_pixels", str(exc)) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise PictureError("not_image", f"{type(exc).__name__}: {exc}") from exc
    if image.format not in FORMATS:
        raise PictureError("not_image", f"format {image.format}")
    return image
