"""OCR speed, and the 公众号 webhook's latency while an OCR job runs beside it.

1. Seconds per phone screenshot (docs/screenshots/simulator.png, 780 × 1688): the model load
   once, then OCR + line rebuilding with 1 thread (the scheduler's default, `ocr_threads`) and
   with 2, best and median of --repeat runs.
2. The webhook's p50/p99: --messages signed 接龙 reposts POSTed one after another to /wechat/mp
   of a live server (this process, a thread), first with nothing else running, then while
   another process (as the scheduler is) runs OCR jobs back to back with `ocr_threads` threads.

Prints, never asserts: read the ratios within one run (the machine is shared).

    .venv/bin/python bench/ocr.py [--repeat 3] [--messages 300] [--ocr-threads 1]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import create_app  # noqa: E402
from bot.config import DatabaseSettings, ServerSettings, Settings, WeChatSettings  # noqa: E402
from bot.pictures.decode import decode_picture  # noqa: E402
from bot.pictures.ocr import engine, read_boxes  # noqa: E402
from bot.serve import init_db  # noqa: E402
from handlers.pictures.lines import read_picture_lines  # noqa: E402
from tests.wechat_client import make_text_xml, next_msg_id, sign  # noqa: E402

SCREENSHOT = ROOT / "docs" / "screenshots" / "simulator.png"
TOKEN = "bench-token"
OCR_LOOP = """
import sys, time
sys.path.insert(0, {root!r})
from bot.pictures.decode import decode_picture
from bot.pictures.ocr import read_boxes
image = decode_picture(open({shot!r}, 'rb').read())
read_boxes(image, {threads})
print('ready', flush=True)
while True:
    read_boxes(image, {threads})
    print('done', flush=True)
"""


def ocr_speed(repeat: int) -> None:
    data = SCREENSHOT.read_bytes()
    for threads in (1, 2):
        started = time.perf_counter()
        engine(threads)
        load = time.perf_counter() - started
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            lines = read_picture_lines(read_boxes(decode_picture(data), threads)).lines
            times.append(time.perf_counter() - started)
        print(
            f"OCR of a phone screenshot ({threads} thread(s)): model load {load:.2f} s, "
            f"best {min(times):.2f} s, median {statistics.median(times):.2f} s, "
            f"slowest {max(times):.2f} s ({len(lines)} lines of the 接龙 read)"
        )


def serve(tmp: Path) -> tuple[str, object]:
    settings = Settings(
        server=ServerSettings(secret_key="bench"),
        database=DatabaseSettings(url=f"sqlite:///{tmp / 'linli.db'}"),
        wechat=WeChatSettings(enabled=True, token=TOKEN, app_id="wxbench"),
        simulator=False,
    )
    init_db(settings)
    server = make_server("127.0.0.1", 0, create_app(settings), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}/wechat/mp", server


def latencies(url: str, count: int, openid: str) -> list[float]:
    """Post `count` reposts of a growing 接龙 (the same work in every phase)."""
    http = requests.Session()
    out = []
    lines: list[str] = []
    for i in range(count):
        lines.append(f"{i % 40 + 1}. {i % 9 + 1}-{i % 3 + 1}-{100 + i} 住户{i} {i % 3 + 1}份")
        text = "#接龙\n周六蔬菜团购 38元/份\n\n" + "\n".join(lines[-40:])
        ts, nonce = str(int(time.time())), str(i)
        query = {"signature": sign(TOKEN, ts, nonce), "timestamp": ts, "nonce": nonce}
        body = make_text_xml(text, FromUserName=openid, MsgId=next_msg_id(), CreateTime=int(ts))
        started = time.perf_counter()
        resp = http.post(url, params=query, data=body.encode(), timeout=30)
        out.append(time.perf_counter() - started)
        resp.raise_for_status()
    return out


def report(label: str, times: list[float]) -> None:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    print(
        f"webhook {label}: p50 {1000 * statistics.median(ordered):.0f} ms, "
        f"p99 {1000 * p99:.0f} ms, max {1000 * ordered[-1]:.0f} ms ({len(times)} messages)"
    )


def webhook_under_ocr(messages: int, threads: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url, server = serve(Path(tmp))
        latencies(url, 20, "o_warmup")
        report("alone", latencies(url, messages, "o_alone"))
        code = OCR_LOOP.format(root=str(ROOT), shot=str(SCREENSHOT), threads=threads)
        ocr = subprocess.Popen(
            [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, bufsize=1
        )
        try:
            assert ocr.stdout is not None
            ocr.stdout.readline()  # the model is loaded and one picture was read
            started = time.perf_counter()
            busy = latencies(url, messages, "o_busy")
            elapsed = time.perf_counter() - started
        finally:
            ocr.terminate()
            done = sum(1 for line in ocr.communicate(timeout=30)[0].splitlines() if line == "done")
        report(f"while OCR runs ({threads} thread(s))", busy)
        print(f"  OCR jobs finished meanwhile: {done} in {elapsed:.1f} s")
        server.shutdown()  # type: ignore[attr-defined]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--ocr-threads", type=int, default=1)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    ocr_speed(args.repeat)
    webhook_under_ocr(args.messages, args.ocr_threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
