"""The facts `handlers.reach` decides on, read from storage: a community's groups (and whether
Linli can post to each), and, for many orders at once, how their residents can be reached.

Used by the campaign repository (chat commands and the worker page) and by the scheduler's
reminders and fallbacks alike, so every notice about a resident follows one rule.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.community.values import (
    MANUAL_CHANNEL,
    Destination,
    Follower,
    GroupRef,
    ResidentFacts,
)
from handlers.household.repo import MENTION_CONSENT_FLAG
from handlers.reach import can_post, one_per_chat, reach_resident
from models.campaign import Campaign, Order
from models.community import Chat, Community, Household, Member
from models.notices import IN_CHUNK

T = TypeVar("T")
MP_WINDOW = timedelta(hours=48)  # the 公众号 customer-service window (scheduler: mp_window_hours)
MANUAL_FLAG = "需人工通知"  # in Order.flags: no channel reaches the household
WINDOWLESS_CHANNELS = frozenset({"sim"})  # 1:1 chats Linli may always write to


def chunked(items: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    """Slices of at most `size`, so an IN list stays under every driver's parameter limit."""
    for at in range(0, len(items), size):
        yield items[at : at + size]


def group_ref(chat: Chat, community: str = "") -> GroupRef:
    """A group row → what a campaign needs of it."""
    return GroupRef(
        chat.channel,
        chat.external_id,
        chat.title or "",
        can_post(chat.channel, bool(chat.webhook_url)),
        chat.community_id,
        community,
    )


def community_groups(session: Session, community_id: int) -> list[GroupRef]:
    """The community's group chats, one per chat id, in the order they joined."""
    rows = session.scalars(
        select(Chat)
        .where(Chat.community_id == community_id, Chat.is_group.is_(True))
        .order_by(Chat.id)
    )
    name = session.scalar(select(Community.name).where(Community.id == community_id)) or ""
    return one_per_chat(group_ref(chat, name) for chat in rows)


def all_groups(session: Session) -> list[GroupRef]:
    """Every group chat with its community's name (to say where a named group belongs)."""
    names = dict(session.execute(select(Community.id, Community.name)).all())
    rows = session.scalars(select(Chat).where(Chat.is_group.is_(True)).order_by(Chat.id))
    return one_per_chat(group_ref(c, names.get(c.community_id or 0, "")) for c in rows)


def registered_chats(session: Session, chat_ids: Collection[str]) -> dict[str, list[Chat]]:
    """The Chat rows of these ids (any channel), in registration order."""
    out: dict[str, list[Chat]] = {}
    for part in chunked(sorted(set(chat_ids))):
        rows = session.scalars(
            select(Chat).where(Chat.external_id.in_(part)).order_by(Chat.id)
        ).all()
        for chat in rows:
            out.setdefault(chat.external_id, []).append(chat)
    return out


@dataclass(frozen=True, slots=True)
class _OrderRef:
    """What the rule needs of one order and its campaign."""

    order_id: int
    household_id: int | None
    chat_id: str
    sender_id: str
    campaign_channel: str
    opened_by: str


def _ref(order: Order, campaign: Campaign) -> _OrderRef:
    return _OrderRef(
        order.id,
        order.household_id,
        order.chat_id or campaign.chat_id,  # orders from before chats were kept per order
        order.sender_id,
        campaign.channel,
        campaign.created_by,
    )


class ResidentReach:
    """Facts for many orders read in a few queries; `destination` applies the one rule."""

    def __init__(self, session: Session, pairs: Sequence[tuple[Order, Campaign]]) -> None:
        self.refs = {o.id: _ref(o, c) for o, c in pairs}
        refs = list(self.refs.values())
        self.chats = registered_chats(session, [r.chat_id for r in refs])
        homes = sorted({r.household_id for r in refs if r.household_id is not None})
        self.followers: dict[int, list[Follower]] = {}
        self.households: dict[int, Household] = {}
        for part in chunked(homes):
            for household_id, open_id, last in session.execute(
                select(Member.household_id, Member.external_id, Member.last_message_at)
                .where(Member.household_id.in_(part), Member.channel == "mp")
                .order_by(Member.id)
            ):
                self.followers.setdefault(household_id or 0, []).append(Follower(open_id, last))
            rows = session.scalars(select(Household).where(Household.id.in_(part)))
            self.households.update((h.id, h) for h in rows)
        direct = sorted({r.sender_id for r in refs if r.chat_id == r.sender_id})
        self.senders: dict[str, Follower] = {}
        for senders in chunked(direct):
            for open_id, last in session.execute(
                select(Member.external_id, Member.last_message_at).where(
                    Member.external_id.in_(senders), Member.channel == "mp"
                )
            ):
                self.senders[open_id] = Follower(open_id, last)

    def facts(self, order_id: int) -> ResidentFacts:
        """How the resident of this order can be reached."""
        ref = self.refs[order_id]
        followers = list(self.followers.get(ref.household_id or 0, []))
        if ref.chat_id == ref.sender_id and ref.sender_id in self.senders:
            followers.append(self.senders[ref.sender_id])
        home = self.households.get(ref.household_id or 0)
        consent = home is not None and MENTION_CONSENT_FLAG in (home.flags or [])
        group, personal = self._chat(ref)
        return ResidentFacts(
            tuple(followers), group, personal, home.phone if home and consent else None
        )

    def _chat(self, ref: _OrderRef) -> tuple[GroupRef | None, tuple[str, str] | None]:
        """The order's group, or its windowless 1:1 chat."""
        rows = self.chats.get(ref.chat_id, [])
        groups = one_per_chat(group_ref(c) for c in rows if c.is_group)
        if groups:
            return groups[0], None
        direct = [
            c for c in rows if c.channel in WINDOWLESS_CHANNELS and ref.chat_id == ref.sender_id
        ]
        if direct:
            return None, (direct[0].channel, direct[0].external_id)
        if rows or ref.chat_id in (ref.sender_id, ref.opened_by, ""):
            return None, None  # a 1:1 chat (the resident's, or the worker's who opened it)
        channel = ref.campaign_channel or "sim"  # a group never registered (older rows, tests)
        return GroupRef(channel, ref.chat_id, reachable=can_post(channel, False)), None

    def destination(
        self, order_id: int, now: datetime, window: timedelta = MP_WINDOW, personal: bool = True
    ) -> Destination:
        """Where a notice about this order goes now."""
        dest = reach_resident(self.facts(order_id), now, window, personal=personal)
        if dest.manual:
            return Destination(MANUAL_CHANNEL, f"order:{order_id}", manual=True)
        return dest


def flag_manual(order: Order) -> None:
    """Mark the order 需人工通知 (shown to workers with the order)."""
    if MANUAL_FLAG not in (order.flags or []):
        order.flags = [*(order.flags or []), MANUAL_FLAG]
