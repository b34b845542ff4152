"""Turn handler actions into effects: the passive reply text, and outbox rows for the rest."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from handlers.community.setup import group_notice
from handlers.types import Action, Incoming, Notify, NotifyWorkers, Reply
from models.notices import queue_notice
from models.setup_repo import SqlSetupRepo
from models.staff import community_of, staff_of

log = logging.getLogger(__name__)

__all__ = ["announce_group", "notify_workers", "record_effects"]


def record_effects(session: Session, msg: Incoming, actions: list[Action]) -> str | None:
    """Queue notices in the caller's transaction; return the joined Reply text, if any."""
    replies = [a.text for a in actions if isinstance(a, Reply)]
    for index, action in enumerate(actions):
        if isinstance(action, Notify):
            queue_notice(
                session,
                action.channel or msg.channel,
                action.chat_id,
                action.text,
                f"notify:{msg.channel}:{msg.sender_id}:{msg.msg_id}:{index}",
                not_before_at=msg.received_at,
            )
        elif isinstance(action, NotifyWorkers):
            notify_workers(session, msg, action, index)
    return "\n\n".join(replies) if replies else None


def notify_workers(session: Session, msg: Incoming, action: NotifyWorkers, index: int) -> int:
    """One outbox row per worker of the sender's community (on the channel each is reached
    on) and per admin; return how many."""
    community = community_of(session, msg.channel, msg.chat_id, msg.sender_id)
    workers = staff_of(session, community)
    base = action.dedupe_key or f"workers:{msg.channel}:{msg.sender_id}:{msg.msg_id}:{index}"
    added = sum(
        queue_notice(
            session,
            w.channel,
            w.external_id,
            action.text,
            f"{base}:{w.id}",
            not_before_at=msg.received_at,
        )
        for w in workers
    )
    if not workers:
        log.warning("no worker to notify: %s", action.text[:60])
    return added


def announce_group(session: Session, channel: str, chat_id: str, at: datetime) -> int:
    """A group heard without a message (the robot's add_to_chat): record it and, when it has no
    community and was never announced, tell every worker once. Returns the notices queued."""
    title = SqlSetupRepo(session).first_heard(channel, chat_id, at)
    if title is None:
        return 0
    action = group_notice(channel, chat_id, title)
    workers = staff_of(session, None)  # a group of no community yet: every worker and admin
    return sum(
        queue_notice(
            session,
            w.channel,
            w.external_id,
            action.text,
            f"{action.dedupe_key}:{w.id}",
            not_before_at=at,
        )
        for w in workers
    )
