"""Pictures for the tests: a 接龙 printed on a sheet (Pillow), and the bad pictures of issue 16."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
FONT_SC = 2  # Simplified Chinese inside the collection

CHAIN = (
    "#接龙\n"
    "周六蔬菜团购 38元/份 周五晚8点截单\n"
    "例 3-2-201 张三 2份\n"
    "\n"
    "1. 3-2-502 李建国 2份\n"
    "2. 5-1-1102 刘洋 1份\n"
    "3. 7栋601 赵 3份"
)


def require_font() -> ImageFont.FreeTypeFont:
    """Noto Sans CJK (fonts-noto-cjk, installed by `make system-deps`), or a clear failure."""
    if not FONT.is_file():
        pytest.fail("no Chinese font: run `make system-deps` (fonts-noto-cjk)", pytrace=False)
    return ImageFont.truetype(str(FONT), size=30, index=FONT_SC)


def sheet_png(text: str = CHAIN, angle: float = 0.8) -> bytes:
    """`text` printed on an off-white sheet, slightly turned, as PNG bytes."""
    font = require_font()
    lines = text.split("\n")
    width = int(max(font.getlength(ln) for ln in lines)) + 140
    sheet = Image.new("RGB", (width, 48 * len(lines) + 120), (250, 247, 238))
    draw = ImageDraw.Draw(sheet)
    for i, line in enumerate(lines):
        draw.text((60, 60 + 48 * i), line, font=font, fill=(35, 35, 50))
    turned = sheet.rotate(
        angle, expand=True, fillcolor=(120, 105, 95), resample=Image.Resampling.BICUBIC
    )
    return png(turned)


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def blank_png() -> bytes:
    """A photo of nothing: a grey card without any text."""
    return png(Image.new("RGB", (600, 800), (200, 200, 200)))


def png_bomb(side: int = 100_000) -> bytes:
    """A PNG that claims side × side pixels (30 GB decoded) in a few kilobytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\0" * (3 * side + 1) * 50, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def corrupt_png() -> bytes:
    """A real PNG cut in half (a broken download)."""
    data = sheet_png()
    return data[: len(data) // 2]


def huge_file(size: int = 20 * 1024 * 1024) -> bytes:
    """A 20 MB 'picture' (a JPEG header and noise): too large for any channel."""
    return b"\xff\xd8\xff\xe0" + bytes(size - 4)
