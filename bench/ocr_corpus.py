"""Render the shared cases' 接龙 chains as chat screenshots and as paper lists (the OCR corpus).

For every order chain of every case in ../shared/samples and ../shared/cases-2026-12 the final
text (the chain's last repost) is

- sent through the simulator and photographed at phone width (390 CSS px, device scale 2) in
  headless Chromium, tall enough to hold the whole bubble (a phone's "long screenshot"), with the
  chat's chrome around it: title bar, pickers, nicknames, times, earlier bubbles, the bot's
  reply, the buttons and the input bar;
- printed on a "paper" list with Pillow: off-white sheet, ink, light noise, a slight rotation
  and blur, saved as JPEG like a phone photo.

Beside each picture a one-message transcript (`.chat.jsonl`, `.paper.jsonl`) and the same chain
pasted as text (`.text.jsonl`); `bench/ocr_score.py` replays them and compares. Reproducible:
fixed seeds, the case order, the simulator's demo data. Nothing here is committed (var/).
Emoji render in colour only with Debian's fonts-noto-color-emoji (`make system-deps`), else
as empty boxes.

    .venv/bin/python bench/ocr_corpus.py [--out var/ocr-corpus] [--only NAME] [--no-chat]
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import requests
from PIL import Image, ImageFilter, ImageFont
from PIL.ImageDraw import Draw
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from handlers.jielong.post import parse_jielong  # noqa: E402
from tests.browser import chromium, live_server  # noqa: E402

log = logging.getLogger("ocr_corpus")

SHARED = ROOT.parent / "shared"
CASE_DIRS = (SHARED / "samples", SHARED / "cases-2026-12")
FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
FONT_SC = 2  # the Simplified Chinese face inside the collection
GROUP = "sim-g-tuangou"
AUTHORS = ("sim-u-lijg", "sim-u-liuy")  # who "sends" the chain in the simulator
PAGE_LINES = 40  # lines on one sheet of the paper list
PAPER_TEXT_WIDTH = 1050  # px of writing on a sheet (35 characters)
CHROME_CSS = 140 + 120  # title bar and pickers above the messages, buttons and input below


def case_messages(path: Path) -> tuple[str, list[dict[str, str]]]:
    """(case name, messages) of a NAME.jsonl or NAME.json case."""
    if path.suffix == ".jsonl":
        lines = path.read_text(encoding="utf-8").splitlines()
        return path.stem, [json.loads(ln) for ln in lines if ln.strip()]
    case = json.loads(path.read_text(encoding="utf-8"))
    chat = case.get("chat", f"g-{case.get('id', path.stem)}")
    return path.stem, [{"chat": m.get("chat", chat), **m} for m in case["messages"]]


def final_chains(messages: list[dict[str, str]]) -> list[dict[str, str]]:
    """The last repost of every order chain (with entries), in order of first appearance."""
    last: dict[tuple[str, str], dict[str, str]] = {}
    for m in messages:
        post = parse_jielong(m.get("text", ""))
        if post is not None and post.is_order_list and post.lines:
            last[(m["chat"], post.key)] = m
    return list(last.values())


def cases(only: str) -> Iterator[tuple[str, dict[str, str]]]:
    """(chain name, final message) for every chain of every case."""
    for folder in CASE_DIRS:
        paths = sorted(folder.glob("*.jsonl")) + sorted(
            p for p in folder.glob("*.json") if not p.name.endswith(".expected.json")
        )
        for path in paths:
            name, messages = case_messages(path)
            if only and only not in name:
                continue
            for k, message in enumerate(final_chains(messages), start=1):
                yield f"{name}-c{k}", message


def paper_lines(text: str, font: ImageFont.FreeTypeFont) -> list[str]:
    """The text as written by hand on a sheet: a line too long for the page goes on below."""
    out: list[str] = []
    for line in text.split("\n"):
        while font.getlength(line) > PAPER_TEXT_WIDTH:
            cut = max(1, int(len(line) * PAPER_TEXT_WIDTH / font.getlength(line)))
            out.append(line[:cut])
            line = line[cut:]
        out.append(line)
    return out


def papers(text: str, seed: int) -> list[Image.Image]:
    """The list printed on sheets of at most PAGE_LINES lines, photographed a little crooked."""
    font = ImageFont.truetype(str(FONT), size=30, index=FONT_SC)
    lines = paper_lines(text, font)
    pages = [lines[i : i + PAGE_LINES] for i in range(0, len(lines), PAGE_LINES)]
    return [paper(page, font, seed * 100 + k) for k, page in enumerate(pages)]


def paper(lines: list[str], font: ImageFont.FreeTypeFont, seed: int) -> Image.Image:
    """One sheet: off-white, ink of varying darkness, noise, a slight rotation and blur."""
    rng = random.Random(seed)
    width = int(max(font.getlength(ln) for ln in lines)) + 120
    sheet = Image.new("RGB", (width, 48 * len(lines) + 120), (250, 247, 238))
    draw = Draw(sheet)
    for i, line in enumerate(lines):
        ink = rng.randint(20, 60)
        draw.text(
            (60 + rng.randint(-3, 3), 60 + 48 * i), line, font=font, fill=(ink, ink, ink + 20)
        )
    pixels = np.asarray(sheet, dtype=np.int16)
    noise = np.random.default_rng(seed).normal(0, 6, pixels.shape).astype(np.int16)
    sheet = Image.fromarray(np.clip(pixels + noise, 0, 255).astype(np.uint8))
    table = (118, 104, 92)
    turned = sheet.rotate(
        rng.uniform(-1.5, 1.5), expand=True, fillcolor=table, resample=Image.Resampling.BICUBIC
    )
    framed = Image.new("RGB", (turned.width + 40, turned.height + 40), table)
    framed.paste(turned, (20, 20))
    return framed.filter(ImageFilter.GaussianBlur(0.6))


def shoot_chat(driver: Any, base: str, text: str, index: int, path: Path) -> None:
    """Send the chain as a resident and photograph the chat around its bubble."""
    author = AUTHORS[index % 2]
    viewer = AUTHORS[(index // 2) % 2]  # own (green) and others' (white) bubbles, alternately
    body = {"chat": GROUP, "sender": author, "text": text}
    requests.post(f"{base}/sim/api/send", json=body, timeout=60).raise_for_status()
    drv = driver
    drv.get(f"{base}/sim?chat={GROUP}&as={viewer}")
    first = text.split("\n", 1)[0]
    wait = WebDriverWait(drv, 30)
    height = wait.until(lambda d: d.execute_script(_MEASURE, first))
    metrics = {"width": 390, "height": int(height), "deviceScaleFactor": 2, "mobile": False}
    drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    drv.execute_script("document.getElementById('messages').scrollTop = 1e9")
    drv.save_screenshot(str(path))


_MEASURE = """
const box = document.getElementById('messages');
const el = [...box.querySelectorAll('.msg')].reverse()
  .find(m => (m.querySelector('.bubble')?.innerText || '').startsWith(arguments[0]));
if (!el) return null;
box.scrollTop = 1e9;
const needed = box.getBoundingClientRect().bottom - el.getBoundingClientRect().top + 70;
return Math.max(844, Math.ceil(needed + CHROME));
""".replace("CHROME", str(CHROME_CSS))


def transcript(path: Path, message: dict[str, str], key: str, values: list[str]) -> None:
    """The chain's final repost as text, or as pictures (one message per sheet)."""
    lines = [{"chat": message["chat"], "sender": message["sender"], key: v} for v in values]
    path.write_text("".join(json.dumps(ln, ensure_ascii=False) + "\n" for ln in lines), "utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "ocr-corpus")
    parser.add_argument("--only", default="", help="only cases whose name contains this")
    parser.add_argument("--no-chat", action="store_true", help="paper lists only (no browser)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    args.out.mkdir(parents=True, exist_ok=True)
    chains = list(cases(args.only))
    for i, (name, message) in enumerate(chains):
        transcript(args.out / f"{name}.text.jsonl", message, "text", [message["text"]])
        sheets = []
        for k, sheet in enumerate(papers(message["text"], seed=i), start=1):
            sheets.append(f"{name}.paper{k}.jpg")
            sheet.save(args.out / sheets[-1], quality=85)
        transcript(args.out / f"{name}.paper.jsonl", message, "image", sheets)
    if not args.no_chat:
        with (
            tempfile.TemporaryDirectory() as tmp,
            live_server(Path(tmp)) as base,
            chromium(Path(tmp) / "profile") as driver,
        ):
            for i, (name, message) in enumerate(chains):
                shoot_chat(driver, base, message["text"], i, args.out / f"{name}.chat.png")
                shot = [f"{name}.chat.png"]
                transcript(args.out / f"{name}.chat.jsonl", message, "image", shot)
    print(f"{len(chains)} chains rendered into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
