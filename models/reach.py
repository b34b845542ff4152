"""What `handlers.reach` decides with, read from storage: chat registrations (a community's
groups, the chats a campaign or an order names) and, for many orders at once, how their
residents can be reached (`OrderContact`).

Used by the campaign repository (chat commands and the worker page), the community's group
lists and the scheduler's reminders and fallbacks alike; no rule is applied here.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.community.values import ChatRegistration, Follower, NamedChat, OrderContact
from handlers.household.repo import MENTION_CONSENT_FLAG
from models.campaign import Campaign, Order
from models.community import Chat, Community, Household, Member
from models.notices import IN_CHUNK

T = TypeVar("T")
MANUAL_FLAG = "需人工通知"  # in Order.flags: no channel reaches the household


def chunked(items: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    """Slices of at most `size`, so an IN list stays under every driver's parameter limit."""
    for at in range(0, len(items), size):
        yield items[at : at + size]


def registration(chat: Chat, community: str = "") -> ChatRegistration:
    """A chat row → the value `handlers.reach` decides with."""
    return ChatRegistration(
        chat.channel,
        chat.external_id,
        chat.title or "",
        chat.is_group,
        bool(chat.webhook_url),
        chat.community_id,
        community,
        chat.id,
    )


def community_chats(session: Session, community_id: int) -> list[ChatRegistration]:
    """The community's group chats (every registration), in the order they joined."""
    rows = session.scalars(
        select(Chat)
        .where(Chat.community_id == community_id, Chat.is_group.is_(True))
        .order_by(Chat.id)
    )
    name = session.scalar(select(Community.name).where(Community.id == community_id)) or ""
    return [registration(chat, name) for chat in rows]


def all_group_chats(session: Session) -> list[ChatRegistration]:
    """Every group chat registration with its community's name (to say where a group belongs)."""
    names = dict(session.execute(select(Community.id, Community.name)).all())
    rows = session.scalars(select(Chat).where(Chat.is_group.is_(True)).order_by(Chat.id))
    return [registration(c, names.get(c.community_id or 0, "")) for c in rows]


def registered_chats(
    session: Session, chat_ids: Collection[str]
) -> dict[str, list[ChatRegistration]]:
    """The registrations of these chat ids (any channel), in registration order."""
    out: dict[str, list[ChatRegistration]] = {}
    for part in chunked(sorted(set(chat_ids))):
        rows = session.scalars(
            select(Chat).where(Chat.external_id.in_(part)).order_by(Chat.id)
        ).all()
        for chat in rows:
            out.setdefault(chat.external_id, []).append(registration(chat))
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
    """How the residents of many orders can be reached, read in a few queries; the rule that
    decides with it is `handlers.reach.reach_order`."""

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
        # the sender's own 公众号 membership counts only for an order sent 1:1: read just those
        direct = sorted({r.sender_id for r in refs if r.chat_id == r.sender_id})
        self.senders: dict[str, Follower] = {}
        for senders in chunked(direct):
            for open_id, last in session.execute(
                select(Member.external_id, Member.last_message_at).where(
                    Member.external_id.in_(senders), Member.channel == "mp"
                )
            ):
                self.senders[open_id] = Follower(open_id, last)

    def contact(self, order_id: int) -> OrderContact:
        """What is known about reaching the resident of this order."""
        ref = self.refs[order_id]
        home = self.households.get(ref.household_id or 0)
        chat = NamedChat(
            ref.chat_id,
            ref.campaign_channel or "sim",  # a group never registered (older rows, tests)
            registrations=tuple(self.chats.get(ref.chat_id, [])),
        )
        return OrderContact(
            order_id,
            chat,
            ref.sender_id,
            ref.opened_by,
            tuple(self.followers.get(ref.household_id or 0, [])),
            self.senders.get(ref.sender_id),
            home.phone if home else None,
            home is not None and MENTION_CONSENT_FLAG in (home.flags or []),
        )


def flag_manual(order: Order) -> None:
    """Mark the order 需人工通知 (shown to workers with the order)."""
    if MANUAL_FLAG not in (order.flags or []):
        order.flags = [*(order.flags or []), MANUAL_FLAG]
