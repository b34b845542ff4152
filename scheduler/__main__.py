"""`python -m scheduler [--config FILE] [--sender]`: migrate, take the single-instance lock, run
the jobs.

A second copy logs who holds the lock and stays idle, taking over if the holder's lease expires.
With `--sender` the process only drains the outbox, beside the scheduler: it takes no lock, and
any number may run (on several hosts with PostgreSQL), each notice still sent once.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import time
from collections.abc import Sequence
from datetime import timedelta

from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.channels import channels_from_settings
from bot.config import ConfigError, Settings, load_settings
from bot.local_state import data_dir
from models.base import make_engine, make_session_factory
from models.migrate import upgrade_to_head
from scheduler import build_scheduler, build_sender, lock_retry
from scheduler.lock import make_lock

log = logging.getLogger("scheduler")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m scheduler", description="Linli scheduler")
    parser.add_argument("--config", help="config.toml (default: $LINLI_CONFIG or built-ins)")
    parser.add_argument(
        "--sender", action="store_true", help="only send queued notices (no lock; run several)"
    )
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        sys.stderr.write(f"配置错误 config error: {exc}\n")
        return 2
    logging.basicConfig(
        level=settings.log_level,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    quiet_routine_job_logs()
    return run_sender(settings) if args.sender else run(settings)


def quiet_routine_job_logs() -> None:
    """APScheduler logs two INFO lines for every run of every job: with the inbox sweep and
    the picture queue every 2 s that buries what an operator looks for. A job that raises is
    still logged (ERROR), and a missed run (WARNING)."""
    logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)


def _prepare(settings: Settings) -> tuple[Engine, sessionmaker[Session], threading.Event]:
    """Migrate, and a stop event that SIGTERM and SIGINT set."""
    if settings.database.url.startswith("sqlite:///"):
        data_dir(settings).mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database.url)
    upgrade_to_head(engine)
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        log.info("signal %s: stopping", signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    return engine, make_session_factory(engine), stop


def run_sender(settings: Settings) -> int:
    """Drain the outbox until stopped (`--sender`)."""
    _engine, factory, stop = _prepare(settings)
    senders = channels_from_settings(settings, factory)
    log.info("outbox sender started; senders: %s", ", ".join(sorted(senders)))
    sched = build_sender(settings, factory, senders)
    threading.Thread(target=_stop_when_asked, args=(stop, sched), daemon=True).start()
    sched.start()
    log.info("outbox sender stopped")
    return 0


def run(settings: Settings) -> int:
    """Wait for the lock, then run the scheduler until stopped (or the lock is lost)."""
    engine, factory, stop = _prepare(settings)
    senders = channels_from_settings(settings, factory)
    lock = make_lock(engine, factory, timedelta(seconds=settings.scheduler.lock_seconds))
    idle_logged = False
    while not stop.is_set():
        if not lock.acquire():
            if not idle_logged:
                log.warning("another scheduler holds the lock (%s): staying idle", lock.holder())
                idle_logged = True
            stop.wait(lock_retry(settings).total_seconds())
            continue
        log.info("scheduler lock taken; senders: %s", ", ".join(sorted(senders)))
        idle_logged = False
        sched = build_scheduler(settings, factory, senders, lock=lock)
        threading.Thread(target=_stop_when_asked, args=(stop, sched), daemon=True).start()
        sched.start()  # blocks until a signal or a lost lock shuts it down
    lock.release()
    log.info("scheduler stopped")
    return 0


def _stop_when_asked(stop: threading.Event, sched: BaseScheduler) -> None:
    """Shut the scheduler down from this thread, never from the signal handler: the handler
    may interrupt the main thread while it holds the executor's lock (a deadlock)."""
    seen_running = False
    while not stop.wait(0.2):
        if seen_running and not sched.running:
            return  # stopped for another reason (lock lost)
        seen_running = seen_running or sched.running
    deadline = time.monotonic() + 5
    while not sched.running and time.monotonic() < deadline:  # signal came before start()
        time.sleep(0.05)
    if sched.running:
        sched.shutdown(wait=False)


if __name__ == "__main__":
    raise SystemExit(main())
