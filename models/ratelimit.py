"""Per-destination sliding-window rate limits kept in the database (shared by all senders)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from models.tokens import RateWindow


def reserve(
    factory: sessionmaker[Session],
    key: str,
    limit: int,
    window: timedelta,
    now: datetime,
    count: int = 1,
) -> datetime | None:
    """Reserve `count` sends for `key` at once: None when reserved, else the earliest time
    with room for all of them. A notice split in parts reserves them together, so it never
    stops halfway at the limit and goes again from its first part.

    The sends are counted before they are attempted: a failed call still used a slot at Tencent.
    A count above `limit` reserves `limit` (the window can never hold more).
    """
    count = max(1, min(count, limit))
    for _ in range(2):  # a concurrent first insert makes the first try fail once
        try:
            with factory.begin() as session:
                return _reserve(session, key, limit, window, now, count)
        except IntegrityError:
            continue
    return now + timedelta(seconds=1)


def _reserve(
    session: Session, key: str, limit: int, window: timedelta, now: datetime, count: int
) -> datetime | None:
    row = session.get(RateWindow, key, with_for_update=True)
    if row is None:
        row = RateWindow(key=key, sent=[], blocked_until=None)
        session.add(row)
    if row.blocked_until is not None and row.blocked_until > now:
        return row.blocked_until
    horizon = now.timestamp() - window.total_seconds()
    recent = sorted(t for t in row.sent if t > horizon)
    if len(recent) + count > limit:
        row.sent = recent
        oldest_to_go = recent[len(recent) + count - limit - 1]
        return datetime.fromtimestamp(oldest_to_go + window.total_seconds(), now.tzinfo)
    row.sent = [*recent, *[now.timestamp()] * count]
    return None


def block(factory: sessionmaker[Session], key: str, until: datetime) -> None:
    """The platform said "throttled": send nothing to `key` before `until`."""
    with factory.begin() as session:
        row = session.get(RateWindow, key, with_for_update=True)
        if row is None:
            session.add(RateWindow(key=key, sent=[], blocked_until=until))
        else:
            row.blocked_until = until
