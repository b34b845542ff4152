"""Storage basics: aware UTC round trip, migration matches the models, SQLite pragmas."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from models import Base, Need, make_engine, make_session_factory
from models.migrate import upgrade_to_head

SHANGHAI = timezone(timedelta(hours=8))


def test_aware_datetime_round_trips_as_utc(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 't.db'}")
    upgrade_to_head(engine)
    factory = make_session_factory(engine)
    at = datetime(2022, 4, 12, 20, 0, tzinfo=SHANGHAI)
    with factory.begin() as s:
        s.add(Need(chat_id="g", sender_id="u", text="x", category="物资", created_at=at))
    with factory() as s:
        got = s.query(Need).one().created_at
    assert got == at and got.tzinfo is not None and got.utcoffset() == timedelta(0)
    assert got < datetime.now(UTC)  # comparing with an aware now must not raise


def test_naive_datetime_is_refused(tmp_path: Path) -> None:
    factory = make_session_factory(make_engine("sqlite://"))
    Base.metadata.create_all(factory.kw["bind"])
    with pytest.raises(Exception, match="naive"), factory.begin() as s:
        s.add(
            Need(
                chat_id="g",
                sender_id="u",
                text="x",
                category="物资",
                created_at=datetime(2022, 1, 1),
            )
        )
        s.flush()


def test_migration_matches_models(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    upgrade_to_head(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_upgrade_twice_is_harmless(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'twice.db'}")
    upgrade_to_head(engine)
    upgrade_to_head(engine)
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from alembic_version")).scalar() == 1


def test_sqlite_file_uses_wal_and_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
