"""Retention: personal data (phones, names, message texts) older than the limit is erased.

Rows stay, so counts, statuses and the ledger's shape survive; only the personal fields go.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any
from typing import cast as typing_cast

from sqlalchemy import CursorResult, Text, cast, exists, select, update
from sqlalchemy.orm import Session, sessionmaker

from handlers import texts
from models.campaign import Order
from models.chain import ChainEntry
from models.community import Household, Member
from models.messaging import InboxMessage, Notice
from models.need import Need
from models.outbox import PENDING, SENDING
from models.picture import Picture

log = logging.getLogger(__name__)

PURGED = texts.PURGED_TEXT
PERSONAL_PAYLOAD_KEYS = ("text", "sender_name")


def purge_expired_personal_data(
    factory: sessionmaker[Session], now: datetime, retention_days: int
) -> dict[str, int]:
    """Erase personal fields of records older than `retention_days`; return rows per table."""
    cutoff = now - timedelta(days=retention_days)
    with factory.begin() as session:
        counts = {
            "needs": _run(
                session,
                update(Need)
                .where(Need.created_at < cutoff, Need.text != PURGED)
                .values(text=PURGED, for_whom=None),
            ),
            "notices": _run(
                session,
                update(Notice)
                .where(
                    Notice.created_at < cutoff,
                    Notice.text != PURGED,
                    Notice.status.not_in((PENDING, SENDING)),
                )
                .values(text=PURGED, mention_mobile=None),
            ),
            "chain_entries": _run(
                session,
                update(ChainEntry)
                .where(ChainEntry.first_seen_at < cutoff, ChainEntry.raw != PURGED)
                .values(raw=PURGED, name=None, phone=None, note=None),
            ),
            "members": _run(
                session,
                update(Member)
                .where(
                    Member.created_at < cutoff,
                    Member.display_name != "",
                    (Member.last_message_at.is_(None)) | (Member.last_message_at < cutoff),
                )
                .values(display_name=""),
            ),
            "households": _purge_households(session, cutoff, now),
            "inbox_messages": _purge_inbox(session, cutoff),
            "pictures": _run(
                session,
                update(Picture)
                .where(Picture.created_at < cutoff, Picture.data.is_not(None))
                .values(data=None, lines=[], message=None, text=None),
            ),
        }
    if any(counts.values()):
        log.info("retention purge (older than %s days): %s", retention_days, counts)
    return counts


def _run(session: Session, stmt: Any) -> int:
    result = session.execute(stmt.execution_options(synchronize_session=False))
    return int(typing_cast(CursorResult[Any], result).rowcount)


def _purge_households(session: Session, cutoff: datetime, now: datetime) -> int:
    """Households with no order since the cutoff lose name and phone (the address stays)."""
    recent = exists().where(Order.household_id == Household.id, Order.created_at >= cutoff)
    return _run(
        session,
        update(Household)
        .where(Household.purged_at.is_(None), Household.created_at < cutoff, ~recent)
        .values(name=None, phone=None, purged_at=now),
    )


def _purge_inbox(session: Session, cutoff: datetime) -> int:
    """Handled inbox rows keep their shape; text and sender name leave the payload."""
    rows = session.scalars(
        select(InboxMessage).where(
            InboxMessage.received_at < cutoff,
            InboxMessage.handled_at.is_not(None),
            cast(InboxMessage.payload, Text).not_like('%"purged": true%'),
        )
    ).all()
    purged = 0
    for row in rows:
        if row.payload.get("purged"):
            continue
        row.payload = {
            **{k: v for k, v in row.payload.items() if k not in PERSONAL_PAYLOAD_KEYS},
            "text": "",
            "purged": True,
        }
        row.reply = None
        purged += 1
    return purged
