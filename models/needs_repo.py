"""SqlNeedRepo and SqlMemberRepo: the needs and members Protocols on SQLAlchemy."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, and_, bindparam, insert, or_, select, true
from sqlalchemy.orm import Session

from handlers.household.repo import Household as HouseholdValue
from handlers.household.repo import Role
from handlers.household.repo import household_value as stored_household
from handlers.needs.repo import Category, NeedDraft, StoredNeed, WorkerRef, need_order
from handlers.statuses import OPEN_NEED_STATUSES, NeedStatus
from models.audit import write_audit
from models.base import core_connection, table_of
from models.community import Chat, Household, Member
from models.homes import home_community, roster_fit, several_communities
from models.need import Need
from models.staff import STAFF_ROLES, community_of

_needs, _members = table_of(Need), table_of(Member)
_households = table_of(Household)
_INSERT_NEED = insert(_needs).returning(_needs.c.id)
_ROLE_OF = (
    select(_members.c.role)
    .where(
        _members.c.channel == bindparam("channel_"),
        _members.c.external_id == bindparam("sender_id_"),
    )
    .limit(1)
)
_HOUSEHOLD_OF = (
    select(
        _households.c.building,
        _households.c.unit,
        _households.c.room,
        _households.c.name,
        _households.c.phone,
        _households.c.flags,
    )
    .join_from(_members, _households, _households.c.id == _members.c.household_id)
    .where(
        _members.c.channel == bindparam("channel_"),
        _members.c.external_id == bindparam("sender_id_"),
    )
)


def to_stored_need(row: Need, household: HouseholdValue | None = None) -> StoredNeed:
    """Model row (and the sender's household, when known) → handler value."""
    draft = NeedDraft(
        text=row.text,
        category=cast(Category, row.category),
        urgent=row.urgent,
        item=row.item,
        for_whom=row.for_whom,
        reasons=tuple(row.reasons),
    )
    return StoredNeed(
        row.id,
        row.chat_id,
        row.sender_id,
        draft,
        cast(NeedStatus, row.status),
        row.created_at,
        row.assignee_id,
        channel=row.channel,
        resolution=row.resolution,
        acknowledged_at=row.acknowledged_at,
        resolved_at=row.resolved_at,
        household=household,
        answer=row.answer,
    )


def household_value(row: Household) -> HouseholdValue:
    """Model household → handler value."""
    return stored_household(row.building, row.unit, row.room, row.name, row.phone, row.flags)


class SqlNeedRepo:
    """NeedRepo on one open Session; every status change leaves an audit row (台账)."""

    def __init__(self, session: Session, channel: str = "") -> None:
        self.session = session
        self.channel = channel

    def add_need(self, chat_id: str, sender_id: str, draft: NeedDraft, at: datetime) -> StoredNeed:
        # One prebuilt Core INSERT: every need pays this (an ORM add + flush cost ~0.3 ms more).
        values = {
            "community_id": self._community(chat_id, sender_id),
            "channel": self.channel,
            "chat_id": chat_id,
            "sender_id": sender_id,
            "text": draft.text,
            "category": draft.category,
            "urgent": draft.urgent,
            "item": draft.item,
            "for_whom": draft.for_whom,
            "reasons": list(draft.reasons),
            "status": "new",
            "created_at": at,
        }
        need_id = core_connection(self.session).execute(_INSERT_NEED, values).scalar_one()
        return StoredNeed(need_id, chat_id, sender_id, draft, "new", at, channel=self.channel)

    def latest_need(self, chat_id: str, since: datetime) -> StoredNeed | None:
        row = self.session.scalar(
            select(Need)
            .where(Need.chat_id == chat_id, Need.created_at >= since)
            .order_by(Need.created_at.desc(), Need.id.desc())
            .limit(1)
        )
        return None if row is None else to_stored_need(row)

    def recent_needs(self, chat_id: str, since: datetime) -> list[StoredNeed]:
        rows = self.session.scalars(
            select(Need)
            .where(Need.chat_id == chat_id, Need.created_at >= since)
            .order_by(Need.created_at.desc(), Need.id.desc())
            .limit(20)
        )
        return [to_stored_need(row) for row in rows]

    def record_answer(self, need_id: int, text: str, by: str, at: datetime) -> None:
        row = self.session.get(Need, need_id)
        if row is not None and row.answer is None:
            row.answer, row.answered_by, row.answered_at = text, by, at

    def list_needs(self) -> list[StoredNeed]:
        return self._values(list(self.session.scalars(select(Need).order_by(Need.id))))

    def get_need(self, need_id: int, visible_to: str | None = None) -> StoredNeed | None:
        stmt = select(Need).where(Need.id == need_id, self._visible(visible_to))
        row = self.session.scalar(stmt)
        return None if row is None else self._values([row])[0]

    def list_by_status(
        self, statuses: Collection[NeedStatus] = OPEN_NEED_STATUSES, visible_to: str | None = None
    ) -> list[StoredNeed]:
        stmt = select(Need).where(Need.status.in_(list(statuses)), self._visible(visible_to))
        return sorted(self._values(list(self.session.scalars(stmt))), key=need_order)

    def take_need(self, need_id: int, worker_id: str, at: datetime) -> StoredNeed:
        return self._assign(need_id, worker_id, worker_id, "need.take", at)

    def transfer_need(self, need_id: int, to_worker: str, actor: str, at: datetime) -> StoredNeed:
        return self._assign(need_id, to_worker, actor, "need.transfer", at)

    def resolve_need(self, need_id: int, note: str, actor: str, at: datetime) -> StoredNeed:
        row = self.session.get_one(Need, need_id)
        before = _state(row)
        row.status, row.resolution, row.resolved_at = "resolved", note or None, at
        row.assignee_id = row.assignee_id or actor
        row.acknowledged_at = row.acknowledged_at or at
        write_audit(self.session, actor, "need.done", "need", row.id, before, _state(row), at)
        return self._values([row])[0]

    def start_needs(self, need_ids: Collection[int], actor: str, note: str, at: datetime) -> None:
        rows = self.session.scalars(select(Need).where(Need.id.in_(list(need_ids))))
        for row in rows:
            if row.status == "resolved":
                continue
            before = _state(row)
            row.status, row.assignee_id = "in_progress", row.assignee_id or actor
            row.acknowledged_at = row.acknowledged_at or at
            after = {**_state(row), "note": note}
            write_audit(self.session, actor, "need.start", "need", row.id, before, after, at)

    def list_workers(self, visible_to: str | None = None) -> list[WorkerRef]:
        stmt = select(Member).where(Member.role.in_(STAFF_ROLES)).order_by(Member.id)
        viewer = self._member(visible_to)
        if viewer is not None and viewer.role != "admin" and viewer.community_id is not None:
            stmt = stmt.where(Member.community_id == viewer.community_id)
        return [
            WorkerRef(m.external_id, m.display_name or m.external_id, m.channel)
            for m in self.session.scalars(stmt)
        ]

    def flag_household(self, channel: str, sender_id: str, flag: str, at: datetime) -> bool:
        member = self.session.scalar(
            select(Member).where(Member.channel == channel, Member.external_id == sender_id)
        )
        if member is None or member.household_id is None:
            return False
        row = self.session.get_one(Household, member.household_id)
        if flag in (row.flags or []):
            return False
        before = {"flags": list(row.flags or [])}
        row.flags = [*(row.flags or []), flag]
        after = {"flags": list(row.flags), "source": "need"}
        write_audit(
            self.session, sender_id, "household.flag", "household", row.id, before, after, at
        )
        return True

    def _assign(
        self, need_id: int, worker: str, actor: str, action: str, at: datetime
    ) -> StoredNeed:
        row = self.session.get_one(Need, need_id)
        before = _state(row)
        row.assignee_id = worker
        row.status = "acknowledged" if row.status == "new" else row.status
        row.acknowledged_at = row.acknowledged_at or at
        write_audit(self.session, actor, action, "need", row.id, before, _state(row), at)
        return self._values([row])[0]

    def _community(self, chat_id: str, sender_id: str) -> int | None:
        """The need's community (the report and escalation count a community's needs by it)."""
        return community_of(self.session, self.channel, chat_id, sender_id)

    def _member(self, sender_id: str | None) -> Member | None:
        if sender_id is None:
            return None
        stmt = select(Member).where(Member.external_id == sender_id)
        if self.channel:
            stmt = stmt.where(Member.channel == self.channel)
        return self.session.scalars(stmt.order_by(Member.id)).first()

    def _visible(self, sender_id: str | None) -> ColumnElement[bool]:
        """The worker page's rule: a worker sees the needs of their community (by the need's
        community, else its chat's or its sender's); admins and unscoped callers see all."""
        viewer = self._member(sender_id)
        if viewer is None or viewer.role == "admin" or viewer.community_id is None:
            return true()
        cid = viewer.community_id
        chats = select(Chat.external_id).where(Chat.community_id == cid)
        members = select(Member.external_id).where(Member.community_id == cid)
        return or_(
            Need.community_id == cid,
            and_(
                Need.community_id.is_(None),
                or_(Need.chat_id.in_(chats), Need.sender_id.in_(members)),
            ),
        )

    def _values(self, rows: list[Need]) -> list[StoredNeed]:
        """Rows → values with each sender's registered household (one query for all)."""
        senders = {r.sender_id for r in rows}
        found = self.session.execute(
            select(Member.channel, Member.external_id, Household)
            .join(Household, Household.id == Member.household_id)
            .where(Member.external_id.in_(senders))
        ).all()
        by_sender = {(ch, ext): household_value(h) for ch, ext, h in found}
        by_id = {ext: household_value(h) for _ch, ext, h in found}  # needs stored without channel

        def household(r: Need) -> HouseholdValue | None:
            return by_sender.get((r.channel, r.sender_id)) if r.channel else by_id.get(r.sender_id)

        return [to_stored_need(r, household(r)) for r in rows]


def _state(row: Need) -> dict[str, Any]:
    return {"status": row.status, "assignee": row.assignee_id, "resolution": row.resolution}


class SqlMemberRepo:
    """MemberRepo on one open Session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _member(self, channel: str, sender_id: str) -> Member | None:
        return self.session.scalar(
            select(Member).where(Member.channel == channel, Member.external_id == sender_id)
        )

    def role(self, channel: str, sender_id: str) -> Role:
        # Asked for most messages: one prebuilt lookup, no ORM object.
        params = {"channel_": channel, "sender_id_": sender_id}
        role = core_connection(self.session).execute(_ROLE_OF, params).scalar()
        return cast(Role, role) if role in ("worker", "admin") else "resident"

    def household(self, channel: str, sender_id: str) -> HouseholdValue | None:
        # Asked for every need (its flags): one prebuilt join, no ORM objects.
        params = {"channel_": channel, "sender_id_": sender_id}
        row = core_connection(self.session).execute(_HOUSEHOLD_OF, params).first()
        return None if row is None else stored_household(*row[:6])

    def register(
        self,
        channel: str,
        sender_id: str,
        display_name: str,
        household: HouseholdValue,
        chat_id: str = "",
        community_id: int | None = None,
        community: str = "",
    ) -> bool:
        member = self._member(channel, sender_id) or Member(channel=channel, external_id=sender_id)
        if member.community_id is None:
            member.community_id = community_id or home_community(
                self.session, channel, chat_id, household, community
            )
            if member.community_id is None and several_communities(self.session):
                return False
        member.display_name = display_name or member.display_name or ""
        row = self._find_household(member.community_id, household) or Household(
            community_id=member.community_id,
            building=household.building,
            unit=household.unit,
            room=household.room,
            flags=list(household.flags),
        )
        if row.on_roster:  # the office's roster keeps its name and phone; fill gaps only
            row.name, row.phone = row.name or household.name, row.phone or household.phone
        else:
            row.name, row.phone = household.name or row.name, household.phone or row.phone
        self.session.add_all([row, member])
        self.session.flush()
        member.household_id = row.id
        return True

    def _find_household(self, community_id: int | None, h: HouseholdValue) -> Household | None:
        """At this address, else the one roster household it fits (3-201 for 3-2-201)."""
        return self._at_address(community_id, h) or roster_fit(self.session, community_id, h)

    def _at_address(self, community_id: int | None, h: HouseholdValue) -> Household | None:
        return self.session.scalar(
            select(Household).where(
                Household.community_id.is_(community_id)
                if community_id is None
                else Household.community_id == community_id,
                Household.building.is_(None)
                if h.building is None
                else Household.building == h.building,
                Household.unit.is_(None) if h.unit is None else Household.unit == h.unit,
                Household.room.is_(None) if h.room is None else Household.room == h.room,
            )
        )
