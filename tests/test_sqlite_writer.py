"""SQLite writers take turns on `<database>-writer`: held from BEGIN to COMMIT or ROLLBACK,
and nothing is lost or doubled when two processes write at once."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from models import make_engine

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def db(tmp_path: Path) -> Iterator[tuple[Engine, Path]]:
    path = tmp_path / "t.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE n (v INTEGER)"))
    yield engine, path
    engine.dispose()


def turn_is_free(path: Path) -> bool:
    """Whether another writer could take the turn now (a third open file, not blocking)."""
    fd = os.open(f"{path}-writer", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing the file lets go of a lock it took
    return True


def test_the_turn_is_held_from_begin_until_commit(db: tuple[Engine, Path]) -> None:
    engine, path = db
    with engine.connect() as conn:
        conn.execute(text("INSERT INTO n VALUES (1)"))
        assert not turn_is_free(path)
        conn.commit()
        assert turn_is_free(path)


def test_the_turn_is_given_back_when_a_transaction_fails(db: tuple[Engine, Path]) -> None:
    engine, path = db
    with pytest.raises(RuntimeError), engine.begin() as conn:
        conn.execute(text("INSERT INTO n VALUES (1)"))
        raise RuntimeError("the handler failed")
    assert turn_is_free(path)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM n")).scalar() == 0


def test_a_second_writer_waits_for_the_first_to_commit(db: tuple[Engine, Path]) -> None:
    engine, _path = db
    order: list[str] = []
    first_in = threading.Event()

    def second() -> None:
        first_in.wait()
        with engine.begin() as conn:
            order.append("second begins")
            conn.execute(text("INSERT INTO n VALUES (2)"))

    thread = threading.Thread(target=second)
    thread.start()
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO n VALUES (1)"))
        first_in.set()
        thread.join(0.3)  # the second writer is stuck on the turn, not in SQLite's busy loop
        order.append("first commits")
    thread.join()
    assert order == ["first commits", "second begins"]


WRITER = """
import sys
from sqlalchemy import text
from models import make_engine
engine = make_engine(sys.argv[1])
for i in range(300):
    with engine.begin() as conn:
        n = conn.execute(text("SELECT count(*) FROM n")).scalar()
        conn.execute(text("INSERT INTO n VALUES (:v)"), {"v": n})
"""


def test_two_processes_writing_at_once_lose_nothing(db: tuple[Engine, Path]) -> None:
    """Each writer reads the count and inserts it: with turns kept, every value is distinct."""
    engine, path = db
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-c", WRITER, f"sqlite:///{path}"]
    procs = [subprocess.Popen(argv, env=env) for _ in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    with engine.connect() as conn:
        values = conn.execute(text("SELECT v FROM n ORDER BY v")).scalars().all()
    assert values == list(range(600))
