"""The pending-inbox sweeper: a message accepted (answered 200) must not wait for a restart.

The pipeline stores and handles a message in one transaction, so it leaves no row unhandled;
rows stored alone before handling (by an older version, which committed the inbox row first,
or by `store_inbox`) would wait for nobody if the platform does not retry (it had its 200).
Every few seconds the scheduler hands each row left unhandled for longer than
`inbox_stale_seconds` to the pipeline — the same row lock and `handled_at` check as a retried
delivery, so a message is handled once — and its reply goes out through the outbox.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import DEFAULT_ZONE
from bot.pipeline import sweep_row
from handlers.community.repo import NO_LINKS, LinkIssuer
from models.messaging import InboxMessage

log = logging.getLogger(__name__)

SWEEP_BATCH = 500


def handle_stale_inbox(
    factory: sessionmaker[Session],
    now: datetime,
    older_than: timedelta,
    links: LinkIssuer = NO_LINKS,
    *,
    tz: tzinfo = DEFAULT_ZONE,
) -> int:
    """Handle inbox rows received before `now - older_than` and still unhandled; return how
    many this run handled (a row another delivery is handling is left to it)."""
    with factory() as session:
        stale = session.scalars(
            select(InboxMessage.id)
            .where(InboxMessage.handled_at.is_(None), InboxMessage.received_at < now - older_than)
            .order_by(InboxMessage.id)
            .limit(SWEEP_BATCH)
        ).all()
    handled = sum(sweep_row(factory, inbox_id, links, tz=tz) for inbox_id in stale)
    if handled:
        log.warning("handled %d messages left unhandled for over %s", handled, older_than)
    return handled
