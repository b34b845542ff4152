"""Where a message's time goes: bench/webhook.py's messages through the Flask test client,
in one process, on a fresh SQLite file (or a throwaway PostgreSQL server, --postgres), under
cProfile (or timed only, with --no-profile). CPU is this process's only (not the database
server's).

    .venv/bin/python bench/webhook_profile.py [N] [--sort tottime|cumulative] [--top 40]
        [--no-profile]

Prints ms per message (the profiler itself adds to it) and the functions that take the time.
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask.testing import FlaskClient

from bench.webhook_load import messages, signed_post
from bot.app import create_app
from bot.config import DatabaseSettings, ServerSettings, Settings, WeChatSettings
from models.base import make_engine
from models.migrate import upgrade_to_head
from tests import pg
from tests import wechat_client as wc

T = TypeVar("T")


def fresh_client(url: str) -> FlaskClient:
    """The web app on a new database, warmed up with 100 messages."""
    engine = make_engine(url)
    upgrade_to_head(engine)
    engine.dispose()
    settings = Settings(
        server=ServerSettings(secret_key="bench"),
        database=DatabaseSettings(url=url),
        wechat=WeChatSettings(enabled=True, token=wc.TOKEN, app_id=wc.APP_ID, aes_key=wc.AES_KEY),
        simulator=False,
        seed_demo=False,
    )
    app = create_app(settings)
    client = app.test_client()
    for path, body in [signed_post(m, int(time.time())) for m in messages(9999, 100)]:
        client.post(path, data=body, content_type="text/xml")
    return client


def run(
    count: int, profiler: cProfile.Profile | None, cluster: pg.Cluster | None
) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, answers other than 200) for `count` messages."""
    with tempfile.TemporaryDirectory() as tmp:
        url = cluster.new_database() if cluster else f"sqlite:///{Path(tmp) / 'linli.db'}"
        client = fresh_client(url)
        now = int(time.time())
        posts = [signed_post(m, now) for m in messages(1, count)]
        started, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        statuses = [client.post(p, data=b, content_type="text/xml").status_code for p, b in posts]
        if profiler:
            profiler.disable()
        took, cpu = time.perf_counter() - started, time.process_time() - cpu
    return took, cpu, sum(1 for s in statuses if s != 200)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("count", nargs="?", type=int, default=2000)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (--no-profile)")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--postgres", action="store_true", help="a throwaway server (tests/pg.py)")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    profiler = None if args.no_profile else cProfile.Profile()
    cluster = pg.start_cluster() if args.postgres else None
    try:
        runs = [run(args.count, profiler, cluster) for _ in range(1 if profiler else args.repeat)]
    finally:
        if cluster:
            cluster.stop()
    n = args.count
    for took, cpu, bad in runs:
        print(
            f"{n} messages: wall {1000 * took / n:.2f} ms, CPU {1000 * cpu / n:.2f} ms each, ",
            end="",
        )
        print(f"{bad} not 200")
    if len(runs) > 1:
        print(
            f"best of {len(runs)}: wall {1000 * min(r[0] for r in runs) / n:.2f} ms, "
            f"CPU {1000 * min(r[1] for r in runs) / n:.2f} ms per message"
        )
    if profiler:
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
