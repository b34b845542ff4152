"""Named leases (rows in `leases`): the scheduler's single-instance lock and token refreshes."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import String, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from models.base import Base, UTCDateTime


class Lease(Base):
    """A named lease row (the scheduler's single-instance lock on SQLite)."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


log = logging.getLogger(__name__)


def try_acquire(
    factory: sessionmaker[Session], name: str, holder: str, now: datetime, ttl: timedelta
) -> bool:
    """Take or renew the lease if it is free, expired or ours; True if we hold it now."""
    try:
        with factory.begin() as session:
            row = session.get(Lease, name, with_for_update=True)
            if row is None:
                session.add(Lease(name=name, holder=holder, expires_at=now + ttl))
                return True
            if row.holder != holder and row.expires_at > now:
                return False
            row.holder, row.expires_at = holder, now + ttl
            return True
    except IntegrityError:  # another process inserted the row first
        return False


def current_holder(factory: sessionmaker[Session], name: str) -> Lease | None:
    """The lease row as stored (for log lines saying who holds it)."""
    with factory() as session:
        return session.scalar(select(Lease).where(Lease.name == name))


def release(factory: sessionmaker[Session], name: str, holder: str) -> None:
    """Give the lease up if we hold it (a clean shutdown lets a standby take over at once)."""
    with factory.begin() as session:
        session.execute(delete(Lease).where(Lease.name == name, Lease.holder == holder))
