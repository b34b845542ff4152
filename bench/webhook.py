"""Bench: Linli's /wechat/mp beside a bare wechatpy + Flask echo, in one run on one machine.

Both run under the web app's gunicorn settings (2 sync workers, access log on): the echo is
bench/echo_app.py, Linli is `python -m bot serve` in 安全模式 on a fresh SQLite file (or, with
--postgres, a throwaway PostgreSQL server started as the suite does, tests/pg.py). Each round
sends the same signed, encrypted messages (bench/webhook_load.py: 接龙 reposts of 1–39 lines
and needs) to the echo, then to Linli: A/B/A/B. Closed loop: `--loaders` processes with
`--connections` requests outstanding each; req/s, p50 and p99 are printed per round and the
best round of each (best-of-N, as timeit does: on a shared machine the slower rounds measure
the neighbours). Then an open loop at `--rate` messages per second for `--seconds` seconds,
latency counted from each message's due time. `CPU ms` is the server's own CPU per message
(user + system time of the gunicorn master and workers over the round; on PostgreSQL the
database server's time is not in it): unlike req/s it hardly depends on the neighbours.

`lost` is counted from Linli's database, not from HTTP codes: a message answered 200 must be an
inbox row handled without error, and each need's ticket must be one need (`twice` otherwise).
Prints numbers; asserts nothing.

    .venv/bin/python bench/webhook.py [--rounds 3] [--messages 2000] [--rate 200] [--seconds 30]
        [--loaders 4] [--connections 2] [--postgres] [--log-level INFO]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.webhook_load import Message, Sent, load, messages, request_bytes
from models.base import make_engine
from models.messaging import InboxMessage
from models.need import Need
from tests import wechat_client as wc

ROOT = Path(__file__).resolve().parents[1]
WARMUP = 200
HANDLED_WAIT_S = 30.0


@dataclass(frozen=True)
class Server:
    """A running server under test."""

    name: str
    port: int
    pid: int  # the gunicorn master: it and its workers are the server's CPU
    db_url: str | None  # Linli's database (lost messages are counted there)


@dataclass(frozen=True)
class Outcome:
    """One server's run of one round."""

    sent: int
    seconds: float
    latencies: list[float]
    statuses: Counter[int]
    cpu: float  # seconds of CPU the server's processes used for the round
    lost: int | None = None
    twice: int | None = None

    @property
    def rate(self) -> float:
        return self.sent / self.seconds

    def pct(self, q: float) -> float:
        """The q-quantile latency in ms (nearest rank) over the answered requests."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def server_cpu(pid: int) -> float:
    """User + system CPU seconds of a process and its children (gunicorn's workers), so far."""
    tick = os.sysconf("SC_CLK_TCK")
    pids = [pid, *(int(p) for p in _children(pid))]
    total = 0
    for p in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def _children(pid: int) -> list[str]:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_listening(port: int, proc: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            time.sleep(1.0)  # the master listens before its workers have imported the app
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not start (exit {proc.poll()})")


@contextlib.contextmanager
def started(argv: list[str], port: int, log: Path, what: str) -> Iterator[int]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("LINLI_CONFIG", None)
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_listening(port, proc, what)
        yield proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def linli_config(workdir: Path, port: int, db_url: str, log_level: str) -> Path:
    config = workdir / "config.toml"
    config.write_text(
        f'seed_demo = false\nsimulator = false\nlog_level = "{log_level}"\n'
        f'[server]\nport = {port}\n[database]\nurl = "{db_url}"\n'
        f'[wechat]\nenabled = true\ntoken = "{wc.TOKEN}"\napp_id = "{wc.APP_ID}"\n'
        f'aes_key = "{wc.AES_KEY}"\n',
        encoding="utf-8",
    )
    return config


@contextlib.contextmanager
def database(workdir: Path, postgres: bool) -> Iterator[str]:
    """Linli's database URL: a SQLite file, or a database on a throwaway PostgreSQL server."""
    if not postgres:
        yield f"sqlite:///{workdir / 'linli.db'}"
        return
    from tests import pg

    cluster = pg.start_cluster()
    try:
        yield cluster.new_database()
    finally:
        cluster.stop()


def run_round(
    server: Server, msgs: Sequence[Message], args: argparse.Namespace, rate: float
) -> Outcome:
    """Send the round's messages (signed now) to one server; count what its database lost."""
    now = int(time.time())
    requests = [request_bytes(m, f"127.0.0.1:{server.port}", now) for m in msgs]
    cpu = server_cpu(server.pid)
    sent, seconds = load(server.port, requests, args.loaders, args.connections, rate)
    cpu = server_cpu(server.pid) - cpu
    statuses = Counter(s.status for s in sent)
    latencies = [s.latency for s in sent if s.status == 200]
    if server.db_url is None:
        return Outcome(len(sent), seconds, latencies, statuses, cpu)
    lost, twice = count_lost(server.db_url, msgs, sent)
    return Outcome(len(sent), seconds, latencies, statuses, cpu, lost, twice)


def count_lost(db_url: str, msgs: Sequence[Message], sent: list[Sent]) -> tuple[int, int]:
    """(answered 200 but not handled, needs made more than once), once handling has settled."""
    answered = {msgs[s.index].msg_id: msgs[s.index] for s in sent if s.status == 200}
    engine = make_engine(db_url)
    try:
        deadline = time.monotonic() + HANDLED_WAIT_S
        while True:
            with engine.connect() as conn:
                rows = conn.execute(
                    select(InboxMessage.msg_key).where(
                        InboxMessage.msg_key.in_(list(answered)),
                        InboxMessage.handled_at.is_not(None),
                        InboxMessage.error.is_(None),
                    )
                ).all()
            missing = set(answered) - {r[0] for r in rows}
            if not missing or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        tickets = {m.ticket for m in answered.values() if m.ticket}
        with engine.connect() as conn:
            made = Counter(t.rsplit("K", 1)[1] for t in conn.scalars(select(Need.text)))
    finally:
        engine.dispose()
    return len(missing), sum(1 for t in tickets if made[t] > 1)


def show(label: str, o: Outcome) -> None:
    bad = sum(n for code, n in o.statuses.items() if code != 200)
    lost = "" if o.lost is None else f" {o.lost:>5} {o.twice:>5}"
    print(
        f"{label:<22} {o.sent:>6} {o.rate:>8.0f} {o.pct(0.5):>8.1f} {o.pct(0.99):>8.1f} "
        f"{1000 * o.cpu / o.sent:>7.2f} {bad:>6}{lost}",
        flush=True,
    )


def header(title: str) -> None:
    print(f"\n{title}")
    print(
        f"{'':<22} {'sent':>6} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms':>7} "
        f"{'non200':>6} {'lost':>5} {'twice':>5}"
    )


def bench(echo: Server, linli: Server, args: argparse.Namespace) -> None:
    for server in (echo, linli):  # imports, compiled statements, first chains: not measured
        run_round(server, messages(9999, WARMUP, args.seed), args, 0.0)
    if args.rounds > 0:
        closed_loop(echo, linli, args)
    if args.rate > 0:
        open_loop(echo, linli, args)


def closed_loop(echo: Server, linli: Server, args: argparse.Namespace) -> None:
    header(f"closed loop: {args.loaders} loaders x {args.connections} connections")
    best: dict[str, Outcome] = {}
    ratios: list[float] = []
    for r in range(1, args.rounds + 1):
        msgs = messages(r, args.messages, args.seed)
        pair = [(s, run_round(s, msgs, args, 0.0)) for s in (echo, linli)]
        for server, outcome in pair:
            show(f"round {r} {server.name}", outcome)
            if server.name not in best or outcome.rate > best[server.name].rate:
                best[server.name] = outcome
        ratios.append(pair[1][1].rate / pair[0][1].rate)
    print(f"ratio {linli.name}/echo per round: " + ", ".join(f"{x:.2f}" for x in ratios))
    ours, theirs = best[linli.name].rate, best[echo.name].rate
    print(
        f"best of {args.rounds}: {linli.name} {ours:.0f} req/s, echo {theirs:.0f} req/s, "
        f"ratio {ours / theirs:.2f}"
    )


def open_loop(echo: Server, linli: Server, args: argparse.Namespace) -> None:
    header(f"open loop: {args.rate:.0f} msg/s for {args.seconds:.0f} s")
    msgs = messages(8000, int(args.rate * args.seconds), args.seed)
    for server in (echo, linli):
        outcome = run_round(server, msgs, args, args.rate)
        show(f"{server.name}", outcome)
        late = sum(1 for x in outcome.latencies if x > 5.0)
        print(
            f"{'':<22} slowest {1000 * max(outcome.latencies, default=0):.0f} ms, "
            f"{late} answered after 5 s (WeChat would have retried)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3, help="closed loop rounds (0: none)")
    parser.add_argument("--messages", type=int, default=2000, help="per round")
    parser.add_argument("--rate", type=float, default=200.0, help="open loop msg/s (0: none)")
    parser.add_argument("--seconds", type=float, default=30.0, help="open loop duration")
    parser.add_argument("--loaders", type=int, default=4)
    parser.add_argument("--connections", type=int, default=2, help="per loader, closed loop")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--log-level", default="INFO", help="Linli's log_level")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, database(Path(tmp), args.postgres) as url:
        workdir = Path(tmp)
        echo_port, linli_port = free_port(), free_port()
        config = linli_config(workdir, linli_port, url, args.log_level)
        echo_argv = [sys.executable, str(ROOT / "bench" / "echo_app.py"), str(echo_port)]
        linli_argv = [sys.executable, "-m", "bot", "--config", str(config), "serve"]
        name = "linli-pg" if args.postgres else "linli-sqlite"
        with (
            started(echo_argv, echo_port, workdir / "echo.log", "echo") as echo_pid,
            started(linli_argv, linli_port, workdir / "linli.log", "linli") as linli_pid,
        ):
            print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start")
            echo = Server("echo", echo_port, echo_pid, None)
            bench(echo, Server(name, linli_port, linli_pid, url), args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
