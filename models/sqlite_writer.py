"""SQLite writers take turns on a file lock, so a waiting writer starts the moment the other
one commits.

Every transaction on SQLite is a write (`BEGIN IMMEDIATE`), and only one runs at a time. Left
to SQLite, a writer that finds the database locked polls: it sleeps 1, 2, 5, 10, 15 … ms
between tries (the busy handler). With two gunicorn workers, one message's transaction (about
2 ms) usually ended during the other worker's first sleeps, and that worker then slept on.
An `flock` on `<database>-writer` waits in the kernel instead and wakes the waiter when the
holder lets go: one lock file per database, one open file per connection (flock excludes open
files, so threads of one process take turns as processes do).

The turn is taken just before `BEGIN IMMEDIATE` and given back just after `COMMIT` or
`ROLLBACK`. A thread that already holds the turn on one connection and begins on a second one
does not wait for itself: that second connection falls back to SQLite's busy handler, as
every writer did before. Tools that do not know the lock file (sqlite3, backups) are still
kept out by SQLite's own locking. The wait has no time limit: a writer that never finishes
stops the others either way (SQLite only turned their wait into an error after 10 s), and a
writer that dies lets go, since the kernel drops its lock with its open files.
"""

from __future__ import annotations

import os
import threading
from typing import Any

try:
    import fcntl
except ImportError:  # not POSIX: writers wait on SQLite's busy handler, as before
    fcntl = None  # type: ignore[assignment]

from sqlalchemy import Engine, event

TURN_KEY = "linli_writer_turn"


_held_here = threading.local()  # per thread: the lock files it holds a turn on


def _paths_held_here() -> set[str]:
    paths: set[str] | None = getattr(_held_here, "paths", None)
    if paths is None:
        paths = _held_here.paths = set()
    return paths


class WriterTurn:
    """One connection's handle on the database's lock file."""

    def __init__(self, lock_path: str) -> None:
        self._path = lock_path
        self._fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        self._holder: set[str] | None = None  # the taking thread's set, while held

    def take(self) -> None:
        """Wait for the turn, unless this thread already holds it on another connection."""
        held = _paths_held_here()
        if self._holder is not None or self._path in held:
            return
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        held.add(self._path)
        self._holder = held

    def give_back(self) -> None:
        """Let the next writer in (from whichever thread the pool finishes the connection)."""
        if self._holder is not None:
            self._holder.discard(self._path)
            self._holder = None
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        self.give_back()
        os.close(self._fd)


def take_turns(engine: Engine, database_path: str) -> None:
    """Give every connection of `engine` a turn on `<database_path>-writer`."""
    if fcntl is None:
        return
    lock_path = f"{database_path}-writer"

    @event.listens_for(engine, "connect")
    def _open_turn(_dbapi_conn: Any, record: Any) -> None:
        record.info[TURN_KEY] = WriterTurn(lock_path)

    @event.listens_for(engine, "close")
    def _close_turn(_dbapi_conn: Any, record: Any) -> None:
        turn = record.info.pop(TURN_KEY, None)
        if turn is not None:
            turn.close()

    _give_back_after(engine, "do_commit")
    _give_back_after(engine, "do_rollback")


def take_turn(conn: Any) -> WriterTurn | None:
    """Before BEGIN IMMEDIATE: wait for this connection's turn (None: no lock file)."""
    turn = _turn_of(conn.connection)
    if turn is not None:
        turn.take()
    return turn


def _give_back_after(engine: Engine, method: str) -> None:
    """Wrap the dialect's commit or rollback so the turn is given back once it is done."""
    dialect = engine.dialect
    original = getattr(dialect, method)

    def finish_then_give_back(proxied_conn: Any) -> None:
        try:
            original(proxied_conn)
        finally:
            turn = _turn_of(proxied_conn)
            if turn is not None:
                turn.give_back()

    setattr(dialect, method, finish_then_give_back)


def _turn_of(proxied_conn: Any) -> WriterTurn | None:
    """The connection's turn; None for one the pool does not manage (SQLAlchemy's first
    connect, made to read the server's version, has no info)."""
    try:
        turn: WriterTurn | None = proxied_conn.info.get(TURN_KEY)
    except (AttributeError, NotImplementedError):
        return None
    return turn
