"""Per-destination sliding-window rate limits kept in the database (shared by all senders)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from models.tokens import RateWindow


def reserve(
    factory: sessionmaker[Session], key: str, limit: int, window: timedelta, now: datetime
) -> datetime | None:
    """Reserve one send for `key`: None when reserved, else the earliest time with room.

    The send is counted before it is attempted: a failed call still used a slot at Tencent.
    """
    for _ in range(2):  # a concurrent first insert makes the first try fail once
        try:
            with factory.begin() as session:
                return _reserve(session, key, limit, window, now)
        except IntegrityError:
            continue
    return now + timedelta(seconds=1)


def _reserve(
    session: Session, key: str, limit: int, window: timedelta, now: datetime
) -> datetime | None:
    row = session.get(RateWindow, key, with_for_update=True)
    if row is None:
        row = RateWindow(key=key, sent=[], blocked_until=None)
        session.add(row)
    if row.blocked_until is not None and row.blocked_until > now:
        return row.blocked_until
    horizon = now.timestamp() - window.total_seconds()
    recent = sorted(t for t in row.sent if t > horizon)
    if len(recent) >= limit:
        row.sent = recent
        return datetime.fromtimestamp(recent[-limit] + window.total_seconds(), now.tzinfo)
    row.sent = [*recent, now.timestamp()]
    return None


def block(factory: sessionmaker[Session], key: str, until: datetime) -> None:
    """The platform said "throttled": send nothing to `key` before `until`."""
    with factory.begin() as session:
        row = session.get(RateWindow, key, with_for_update=True)
        if row is None:
            session.add(RateWindow(key=key, sent=[], blocked_until=until))
        else:
            row.blocked_until = until
