"""Declarative base, the UTC datetime column type and the engine/session factory."""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Connection, DateTime, Engine, MetaData, Table, Text, create_engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator

from models.sqlite_writer import take_turn, take_turns

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 10_000
MAX_ROW_ID = 2**63 - 1  # the largest integer SQLite and PostgreSQL (BIGINT) store: ids in URLs,
# query strings and JSON beyond it are refused before they reach a query


def parse_row_id(text: str) -> int | None:
    """A non-negative row id written in decimal, or None (too long, too large, not digits)."""
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    value = int(text)
    return value if value <= MAX_ROW_ID else None


class Base(DeclarativeBase):
    """Base of every model; constraint names are stable so Alembic diffs stay clean."""

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


def table_of(model: type[Base]) -> Table:
    """A model's Table, for the prebuilt Core statements of the hot paths (a Core statement
    built once is a compiled-cache hit; an ORM query per message costs several times more)."""
    return cast(Table, model.__table__)


class UTCDateTime(TypeDecorator[datetime]):
    """Store naive UTC, return aware UTC: SQLite drops tzinfo, comparisons would then raise."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class JSONText(TypeDecorator[Any]):
    """JSON kept as UTF-8 text (readable in sqlite3 and psql alike)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else json.dumps(value, ensure_ascii=False)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else json.loads(value)


def utcnow() -> datetime:
    """Aware now in UTC (storage time)."""
    return datetime.now(UTC)


def make_engine(url: str) -> Engine:
    """One engine per process. SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE for writes."""
    if not url.startswith("sqlite"):
        engine = create_engine(url)
        _ping_when_idle(engine)
        return engine
    memory = url in ("sqlite://", "sqlite:///:memory:")
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        poolclass=StaticPool if memory else None,
        **({} if memory else {"pool_use_lifo": True}),
    )
    _configure_sqlite(engine, memory)
    if not memory and engine.url.database:
        take_turns(engine, engine.url.database)
    return engine


PING_AFTER_IDLE_SECONDS = 10.0


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection before use only when it sat idle for a while (the server may
    have restarted or dropped it since): pool_pre_ping checks every checkout, and with one
    transaction per message that round trip was 8 % of a message's CPU on PostgreSQL."""

    @event.listens_for(engine.pool, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
        if record is not None:
            record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def _on_checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as exc:  # the pool retries with a new one
            raise DisconnectionError(f"stale pooled connection: {exc}") from exc


def _configure_sqlite(engine: Engine, memory: bool) -> None:
    """pysqlite's own transaction handling is off; we issue BEGIN IMMEDIATE ourselves."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        turn = take_turn(conn)
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            if turn is not None:
                turn.give_back()
            raise


def core_connection(session: Session) -> Connection:
    """The session's connection for prebuilt Core statements (the hot paths), pending ORM
    changes flushed first as autoflush would before an ORM query, so they are seen."""
    if session.autoflush:
        session.flush()
    return session.connection()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for Flask, the scheduler, replay and tests alike."""
    return sessionmaker(engine, expire_on_commit=False)
