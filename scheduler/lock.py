"""One scheduler at a time: a lease row on SQLite, a session advisory lock on PostgreSQL."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import timedelta
from typing import Protocol

from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session, sessionmaker

from models import leases
from models.base import utcnow

log = logging.getLogger(__name__)

LEASE_NAME = "scheduler"
ADVISORY_KEY = 0x4C494E4C49  # "LINLI"


class SchedulerLock(Protocol):
    """Acquire once, renew periodically (False: lost), release on a clean stop."""

    def acquire(self) -> bool: ...

    def renew(self) -> bool: ...

    def release(self) -> None: ...

    def holder(self) -> str: ...


class LeaseLock:
    """A row in `leases` with an expiry; a holder that dies is replaced once it expires."""

    def __init__(self, factory: sessionmaker[Session], ttl: timedelta) -> None:
        self.factory, self.ttl = factory, ttl
        self.me = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def acquire(self) -> bool:
        """Take the lease if free, expired or ours."""
        return leases.try_acquire(self.factory, LEASE_NAME, self.me, utcnow(), self.ttl)

    def renew(self) -> bool:
        """Extend it; False if somebody else holds it now."""
        return self.acquire()

    def release(self) -> None:
        """Let a standby copy take over at once."""
        leases.release(self.factory, LEASE_NAME, self.me)

    def holder(self) -> str:
        """Who holds it and until when (for the log)."""
        row = leases.current_holder(self.factory, LEASE_NAME)
        return "nobody" if row is None else f"{row.holder} until {row.expires_at:%H:%M:%S}Z"


class AdvisoryLock:
    """pg_try_advisory_lock on a connection kept open: the lock dies with the process."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.conn: Connection | None = None

    def acquire(self) -> bool:
        """Try the session-level lock on a dedicated connection."""
        self._drop_connection()
        conn = self.engine.connect()
        if conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}).scalar():
            conn.commit()
            self.conn = conn
            return True
        conn.close()
        return False

    def renew(self) -> bool:
        """Still connected means still locked."""
        try:
            if self.conn is None:
                return False
            alive = self.conn.execute(text("SELECT 1")).scalar() == 1
            self.conn.commit()  # never sit "idle in transaction": the lock is session-level
            return alive
        except Exception:
            log.exception("advisory lock connection lost")
            return False

    def release(self) -> None:
        """Unlock and close the connection (a connection already lost just gets closed)."""
        if self.conn is not None:
            try:
                self.conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
                self.conn.commit()
            except Exception:
                log.warning("advisory lock connection already lost at release")
        self._drop_connection()

    def _drop_connection(self) -> None:
        if self.conn is None:
            return
        try:
            self.conn.close()
        except Exception:
            log.debug("closing a dead lock connection failed", exc_info=True)
        self.conn = None

    def holder(self) -> str:
        """PostgreSQL knows the pid holding it."""
        with self.engine.connect() as conn:
            pid = conn.execute(
                text("SELECT pid FROM pg_locks WHERE locktype='advisory' AND objid=:k AND granted"),
                {"k": ADVISORY_KEY & 0xFFFFFFFF},
            ).scalar()
        return f"backend pid {pid}"


def make_lock(engine: Engine, factory: sessionmaker[Session], ttl: timedelta) -> SchedulerLock:
    """The right lock for the database engine."""
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine)
    return LeaseLock(factory, ttl)
