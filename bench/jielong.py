"""Bench: one 接龙 of N entries reposted N times through the real pipeline and SQLite storage.

Each repost adds one line, so the last carries N lines and the chain receives about N²/2 lines.
The merge must be linear in the text received: the per-line cost should stay flat as N grows.
A second table runs the same reposts through parse + merge on the in-memory fake repo of
tests/fakes_chains.py (no pipeline, no SQL): the ratio of the two is the storage and pipeline
overhead, the number to watch when the machine changes.
With `--campaign` a worker first opens a campaign (开团 through the pipeline) whose title the
chain's title contains, so every repost is also synced into campaign orders.
Each size runs `--repeat` times (default 3) and the best time is printed, as timeit does: on a
shared machine the slower runs measure the neighbours, not the code; the slowest is printed too.
Prints numbers; asserts nothing (machines are noisy: compare the ratios within one run).

    .venv/bin/python bench/jielong.py [--campaign] [--repeat R] [N ...]
"""

from __future__ import annotations

import logging
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.pipeline import process
from handlers.jielong.merge import merge_post, read_entry
from handlers.jielong.post import clear_parse_caches, parse_jielong
from handlers.types import Incoming
from models.base import make_engine, make_session_factory
from models.community import Chat, Community, Member
from models.migrate import upgrade_to_head
from tests.fakes_chains import FakeChainRepo

HEADER = (
    "#接龙\n东北大米10斤装 45元/袋，每户限2袋\n周二晚8点截单，社区活动中心自提\n\n"
    "例 3-2-201 王 1袋\n"
)
T0 = datetime(2022, 4, 10, 1, 0, tzinfo=UTC)
CHANNEL, CHAT, WORKER = "bench", "g-bench", "w-bench"
OPEN = (  # the chain's title contains the campaign's, so the chain links to it
    "开团：东北大米\n商品：东北大米 45元/袋 每户限2袋\n截单：今晚8点\n到货：明天下午3点\n"
    "取货：社区活动中心\n时段：30分钟 每段20户"
)


def entry_line(i: int) -> str:
    """A realistic, distinct entry: building, unit, room, name, quantity."""
    return f"{i}. {i % 30 + 1}-{i % 4 + 1}-{100 + i} 住户{i} {i % 2 + 1}袋"


def reposts(n: int) -> list[Incoming]:
    """The N reposts of one chain: the k-th carries entries 1..k."""
    lines: list[str] = []
    out: list[Incoming] = []
    for k in range(1, n + 1):
        lines.append(entry_line(k))
        out.append(
            Incoming(
                channel=CHANNEL,
                msg_id=f"m{k}",
                sender_id=f"u{k}",
                chat_id=CHAT,
                text=HEADER + "\n".join(lines),
                received_at=T0 + timedelta(seconds=k),
            )
        )
    return out


def open_campaign(factory: sessionmaker[Session]) -> None:
    """Seed a community, the group and a worker, who opens the campaign (开团) in the group."""
    with factory.begin() as session:
        community = Community(name="bench")
        session.add(community)
        session.flush()
        session.add(Chat(community_id=community.id, channel=CHANNEL, external_id=CHAT, title=CHAT))
        session.add(
            Member(
                community_id=community.id,
                channel=CHANNEL,
                external_id=WORKER,
                display_name="社区小王",
                role="worker",
            )
        )
    msg = Incoming(CHANNEL, "m-open", WORKER, CHAT, OPEN, T0, is_group=True)
    reply = process(factory, msg) or ""
    assert "已开团" in reply, reply


@dataclass(frozen=True)
class Result:
    """One size: lines received, best and worst pipeline seconds, best baseline seconds."""

    n: int
    lines: int
    best: float
    worst: float
    fake: float


def run(n: int, workdir: Path, campaign: bool = False) -> tuple[float, int]:
    """Feed the N reposts through the pipeline and SQLite; return (seconds, lines received)."""
    workdir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(f"sqlite:///{workdir / f'bench-{n}.db'}")
    upgrade_to_head(engine)
    factory = make_session_factory(engine)
    if campaign:
        open_campaign(factory)
    msgs = reposts(n)
    clear_parse_caches()  # each run reads its lines cold, as a fresh process would
    read_entry.cache_clear()
    start = time.perf_counter()
    for msg in msgs:
        process(factory, msg)
    elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed, n * (n + 1) // 2


def run_fake(n: int) -> float:
    """Baseline: parse + merge of the same reposts on the in-memory fake repo; seconds."""
    repo = FakeChainRepo()
    msgs = reposts(n)
    clear_parse_caches()
    read_entry.cache_clear()
    start = time.perf_counter()
    for msg in msgs:
        post = parse_jielong(msg.text)
        assert post is not None
        merge_post(repo, msg.chat_id, msg.sender_id, post, msg.received_at)
    return time.perf_counter() - start


def parse_args(args: list[str]) -> tuple[bool, int, list[int]]:
    """(--campaign, --repeat R, sizes)."""
    campaign = "--campaign" in args
    repeat = 3
    if "--repeat" in args:
        at = args.index("--repeat")
        repeat = max(1, int(args[at + 1]))
        args = args[:at] + args[at + 2 :]
    sizes = [int(a) for a in args if a != "--campaign"] or [100, 300, 1000]
    return campaign, repeat, sizes


def measure(n: int, workdir: Path, campaign: bool, repeat: int) -> Result:
    """Best and worst of `repeat` runs of both the pipeline and the baseline."""
    runs = [run(n, workdir / f"{n}-{k}", campaign) for k in range(repeat)]
    fakes = [run_fake(n) for _ in range(repeat)]
    seconds = [s for s, _ in runs]
    return Result(n, runs[0][1], min(seconds), max(seconds), min(fakes))


def main() -> int:
    logging.disable(logging.WARNING)
    campaign, repeat, sizes = parse_args(sys.argv[1:])
    with tempfile.TemporaryDirectory() as tmp:
        results = [measure(n, Path(tmp), campaign, repeat) for n in sizes]
    linked = ", chain linked to an open campaign" if campaign else ""
    print(f"pipeline + SQLite (bot.pipeline.process{linked}), best of {repeat} runs")
    print(f"{'N':>6} {'lines':>9} {'seconds':>9} {'slowest':>9} {'µs/line':>9} {'ratio':>7}")
    base = results[0].best / results[0].lines
    for r in results:
        per_line = r.best / r.lines
        print(
            f"{r.n:>6} {r.lines:>9} {r.best:>9.2f} {r.worst:>9.2f} {per_line * 1e6:>9.1f} "
            f"{per_line / base:>7.2f}"
        )
    print("ratio = µs/line relative to the first size: ~1.0 means linear in the text received")
    print()
    baseline = "baseline: parse + merge on the in-memory fake repo (tests/fakes_chains.py)"
    print(f"{baseline}, best of {repeat}")
    print(f"{'N':>6} {'lines':>9} {'seconds':>9} {'µs/line':>9} {'overhead':>9}")
    for r in results:
        print(
            f"{r.n:>6} {r.lines:>9} {r.fake:>9.2f} {r.fake / r.lines * 1e6:>9.1f} "
            f"{r.best / r.fake:>8.2f}x"
        )
    print("overhead = pipeline + SQLite time / baseline time, same reposts, same run")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
