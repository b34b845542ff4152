"""Start-up: prepare the database, serve the web app, and run web app + scheduler together.

`python -m bot run` (what `make run` calls) needs no config file: the embedded defaults put
SQLite under var/ and turn the simulator on. The scheduler is its own process (one copy),
never a thread inside the web workers, so a notice is not sent once per worker.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from bot.config import CONFIG_ENV, Settings, is_loopback
from bot.demo import DEMO_WORKER, SIM_CHANNEL, seed_demo
from bot.local_state import data_dir, link_issuer, secret_key
from bot.pipeline import handle_pending
from models.base import make_engine, make_session_factory

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
WEB_WORKERS = 2
STOP_TIMEOUT_SECONDS = 10.0
READY_TIMEOUT_SECONDS = 30.0


def init_db(settings: Settings) -> int:
    """Create the data dir, migrate to head, seed the demo if new, handle leftover inbox rows."""
    data_dir(settings).mkdir(parents=True, exist_ok=True)
    secret_key(settings)  # generated once here, so web workers never race to write it
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # start-up noise
    from models.migrate import upgrade_to_head  # alembic only where it is used

    engine = make_engine(settings.database.url)
    try:
        upgrade_to_head(engine)
        factory = make_session_factory(engine)
        if settings.seed_demo:
            seed_demo(factory)
        handle_pending(factory, link_issuer(settings), tz=settings.zone)
    finally:
        engine.dispose()
    return 0


def serve(settings: Settings) -> int:
    """Run the web app: gunicorn with two workers, or Flask's server where gunicorn cannot run."""
    try:  # gunicorn needs fcntl and fork: POSIX only
        from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]
    except ImportError as exc:
        log.warning("gunicorn unavailable (%s); using Flask's development server", exc)
        return _serve_flask(settings)
    return _serve_gunicorn(settings, BaseApplication)


def _serve_flask(settings: Settings) -> int:
    from bot.app import create_app

    create_app(settings).run(settings.server.host, settings.server.port, threaded=True)
    return 0


def gunicorn_options(bind: str, name: str = "linli-web") -> dict[str, Any]:
    """The gunicorn settings of the web app (bench/echo_app.py runs its echo under the same)."""
    return {
        "bind": bind,
        "workers": WEB_WORKERS,
        "graceful_timeout": 5,
        "accesslog": "-",
        "proc_name": name,
        # gunicorn >= 25 opens ~/.gunicorn/gunicorn.ctl; two instances would share it
        "control_socket_disable": True,
    }


def _serve_gunicorn(settings: Settings, base: type[Any]) -> int:
    from bot.app import create_app

    class _Linli(base):  # type: ignore[misc]
        """Gunicorn fed from our Settings; each worker builds its own app (and engine)."""

        def load_config(self) -> None:
            options = gunicorn_options(f"{settings.server.host}:{settings.server.port}")
            for key, value in options.items():
                if key in self.cfg.settings:
                    self.cfg.set(key, value)

        def load(self) -> Any:
            app = create_app(settings)
            freeze_start_up_objects()
            return app

    _Linli().run()
    return 0


def freeze_start_up_objects() -> None:
    """Keep what start-up built (tables, compiled statements, lexicons, which live as long as
    the worker) out of the garbage collector's full passes. A full pass walked all of it, about
    70–90 ms, often inside a message's transaction, so the other worker waited on the write
    lock too: it made most of the slowest 1 % at 200 msg/s (bench/webhook.py, open loop)."""
    gc.collect()
    gc.freeze()


def browse_url(settings: Settings, path: str = "/") -> str:
    """The address a person on this machine opens (0.0.0.0 and :: mean 'this machine')."""
    host = settings.server.host
    host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{settings.server.port}{path}"


def scheduler_available() -> bool:
    """True once the scheduler package has its entry point (`python -m scheduler`)."""
    return (PROJECT_ROOT / "scheduler" / "__main__.py").is_file()


def _child_env() -> dict[str, str]:
    """Children find our packages from any working directory and read the same config."""
    env = dict(os.environ)
    paths = [str(PROJECT_ROOT), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


def _start_children() -> dict[str, subprocess.Popen[bytes]]:
    """Start the web app and, when present, the scheduler, each in its own process group."""
    commands = {"web": [sys.executable, "-m", "bot", "serve", "--no-init-db"]}
    if scheduler_available():
        commands["scheduler"] = [sys.executable, "-m", "scheduler"]
    else:
        log.warning(
            "scheduler/__main__.py not found: starting the web app only "
            "(notices stay queued until the scheduler runs)"
        )
    env = _child_env()
    # Own process groups: Ctrl-C reaches only us, and we stop the children in order.
    return {
        name: subprocess.Popen(cmd, env=env, start_new_session=True)
        for name, cmd in commands.items()
    }


def _wait_until_listening(
    settings: Settings, web: subprocess.Popen[bytes], stop: list[int]
) -> bool:
    """Poll the port until the web app accepts connections (False: died, stopped, timed out)."""
    host = browse_url(settings).split("//", 1)[1].rsplit(":", 1)[0].strip("[]")
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline and web.poll() is None and not stop:
        try:
            with socket.create_connection((host, settings.server.port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def _stop(children: dict[str, subprocess.Popen[bytes]]) -> None:
    """SIGTERM every child still running, wait, then SIGKILL what is left."""
    for name, child in children.items():
        if child.poll() is None:
            log.info("stopping %s (pid %s)", name, child.pid)
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for name, child in children.items():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log.warning("%s did not stop in %.0f s; killing it", name, STOP_TIMEOUT_SECONDS)
            child.kill()
            child.wait()


def _supervise(children: dict[str, subprocess.Popen[bytes]], stop: list[int]) -> int:
    """Wait until a signal arrives or a child exits; return the exit status for `run`."""
    while not stop:
        for name, child in children.items():
            code = child.poll()
            if code is not None:
                log.error("%s exited with status %s; stopping the rest", name, code)
                return code or 1
        time.sleep(0.3)
    log.info("received signal %s; shutting down", stop[0])
    return 0


def run_all(settings: Settings) -> int:
    """`make run`: init the database, start web app and scheduler, forward SIGINT/SIGTERM."""
    if os.environ.get(CONFIG_ENV):
        log.info("config: %s", os.environ[CONFIG_ENV])
    else:
        log.info("no config file: using the embedded defaults (%s)", settings.database.url)
    init_db(settings)
    stop: list[int] = []

    def _on_signal(signum: int, _frame: FrameType | None) -> None:
        stop.append(signum)

    previous = {s: signal.signal(s, _on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    children = _start_children()
    try:
        if _wait_until_listening(settings, children["web"], stop):
            _announce(settings)
        elif not stop and children["web"].poll() is None:
            log.warning("the web app is not answering on %s yet", browse_url(settings))
        return _supervise(children, stop)
    finally:
        _stop(children)
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _announce(settings: Settings) -> None:
    log.info("Linli is running. Open %s", browse_url(settings))
    if settings.simulator:
        log.info("simulator (WeChat-style group chat): %s", browse_url(settings, "/sim"))
    if link := demo_worker_link(settings):
        log.info("worker page as the demo worker %s (one use, 10 min): %s", DEMO_WORKER[1], link)
    log.info("press Ctrl-C to stop")


def demo_worker_link(settings: Settings) -> str | None:
    """On a local demo (simulator and demo seeded, this machine only), a one-time worker-page
    link for the demo worker: the terminal that started Linli is the operator's, so this is
    how the demo's staff side is opened (the simulator itself never lets a visitor be staff)."""
    if not (settings.simulator and settings.seed_demo and is_loopback(settings)):
        return None
    return link_issuer(settings).login_link(SIM_CHANNEL, DEMO_WORKER[0], datetime.now(UTC))
