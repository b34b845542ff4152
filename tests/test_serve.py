"""Start-up: init_db migrates with Alembic and seeds once; `python -m bot run` starts and stops."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import DatabaseSettings, ServerSettings, Settings
from bot.demo import DEMO_GROUPS, DEMO_RESIDENTS
from bot.pipeline import to_payload
from bot.serve import browse_url, init_db
from handlers.types import Incoming
from models.base import make_engine, make_session_factory
from models.community import Chat, Community, Household, Member
from models.messaging import InboxMessage

ROOT = Path(__file__).resolve().parents[1]


def tmp_settings(tmp_path: Path, port: int = 8000) -> Settings:
    url = f"sqlite:///{tmp_path / 'data' / 'linli.db'}"
    return Settings(server=ServerSettings(port=port), database=DatabaseSettings(url=url))


def counts(factory: sessionmaker[Session]) -> dict[str, int]:
    with factory() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Community, Chat, Member, Household)
        }


def test_init_db_migrates_a_fresh_database_and_seeds_the_demo_once(tmp_path: Path) -> None:
    settings = tmp_settings(tmp_path)
    assert init_db(settings) == 0
    engine = make_engine(settings.database.url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert {"alembic_version", "inbox_messages", "notices", "members"} <= tables
        factory = make_session_factory(engine)
        first = counts(factory)
        assert first["communities"] == 1 and first["chats"] == len(DEMO_GROUPS)
        assert first["households"] == len(DEMO_RESIDENTS) >= 6
        with factory() as session:
            roles = list(session.scalars(select(Member.role)))
            flags = [f for h in session.scalars(select(Household)) for f in h.flags]
        assert roles.count("worker") == 1 and "独居老人" in flags
        assert init_db(settings) == 0
        assert counts(factory) == first
    finally:
        engine.dispose()


def test_init_db_without_demo_seeds_nothing(tmp_path: Path) -> None:
    settings = Settings(database=tmp_settings(tmp_path).database, seed_demo=False)
    init_db(settings)
    engine = make_engine(settings.database.url)
    assert counts(make_session_factory(engine))["communities"] == 0
    engine.dispose()


def test_init_db_handles_inbox_rows_left_unhandled(tmp_path: Path) -> None:
    settings = tmp_settings(tmp_path)
    init_db(settings)
    engine = make_engine(settings.database.url)
    factory = make_session_factory(engine)
    msg = Incoming(
        channel="sim",
        msg_id="left-1",
        sender_id="sim-u-lijg",
        chat_id="sim-u-lijg",
        text="帮助",
        received_at=datetime.now(UTC),
        is_group=False,
    )
    with factory.begin() as session:
        session.add(
            InboxMessage(
                channel="sim",
                sender_id=msg.sender_id,
                msg_key=msg.msg_id,
                chat_id=msg.chat_id,
                payload=to_payload(msg),
            )
        )
    init_db(settings)
    with factory() as session:
        row = session.scalars(select(InboxMessage)).one()
        assert row.handled_at is not None
    engine.dispose()


def test_browse_url_shows_a_local_address_for_wildcard_hosts() -> None:
    wildcard = Settings(server=ServerSettings(host="0.0.0.0", port=9000))
    assert browse_url(wildcard, "/sim") == "http://127.0.0.1:9000/sim"
    assert browse_url(Settings()) == "http://127.0.0.1:8000/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def descendants(pid: int) -> set[int]:
    """Every live process below pid (from /proc), children's children included."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for_200(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "`python -m bot run` exited early (see run.log)"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer 200 within {timeout} s")


def test_run_starts_web_app_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    config = tmp_path / "config.toml"
    db = tmp_path / "var" / "linli.db"
    config.write_text(
        f'[server]\nport = {port}\n[database]\nurl = "sqlite:///{db}"\n', encoding="utf-8"
    )
    env = {k: v for k, v in os.environ.items() if k != "LINLI_CONFIG"}
    log_path = tmp_path / "run.log"
    with log_path.open("wb") as log_file:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "--config", str(config), "run"],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_200(f"http://127.0.0.1:{port}/", proc)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/sim", timeout=5) as response:
            assert "和平里3号楼群" in response.read().decode()
        children = descendants(proc.pid)
        assert children, "the web app should run as a child process"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        deadline = time.monotonic() + 10
        while any(alive(p) for p in children) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [p for p in children if alive(p)], "children left running after SIGTERM"
        assert f"http://127.0.0.1:{port}/sim" in log_path.read_text(encoding="utf-8")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
