"""SqlNeedRepo and SqlMemberRepo: the needs and members Protocols on SQLAlchemy."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.members_store import Household as HouseholdValue
from handlers.members_store import Role
from handlers.needs_store import Category, NeedDraft, NeedStatus, StoredNeed
from models.community import Household, Member
from models.need import Need


def to_stored_need(row: Need) -> StoredNeed:
    """Model row → handler value."""
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
    )


class SqlNeedRepo:
    """NeedRepo on one open Session."""

    def __init__(self, session: Session, channel: str = "") -> None:
        self.session = session
        self.channel = channel

    def add_need(self, chat_id: str, sender_id: str, draft: NeedDraft, at: datetime) -> StoredNeed:
        row = Need(
            channel=self.channel,
            chat_id=chat_id,
            sender_id=sender_id,
            text=draft.text,
            category=draft.category,
            urgent=draft.urgent,
            item=draft.item,
            for_whom=draft.for_whom,
            reasons=list(draft.reasons),
            status="new",
            created_at=at,
        )
        self.session.add(row)
        self.session.flush()
        return to_stored_need(row)

    def latest_need(self, chat_id: str, since: datetime) -> StoredNeed | None:
        row = self.session.scalar(
            select(Need)
            .where(Need.chat_id == chat_id, Need.created_at >= since)
            .order_by(Need.created_at.desc(), Need.id.desc())
            .limit(1)
        )
        return None if row is None else to_stored_need(row)

    def list_needs(self) -> list[StoredNeed]:
        return [to_stored_need(r) for r in self.session.scalars(select(Need).order_by(Need.id))]


class SqlMemberRepo:
    """MemberRepo on one open Session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _member(self, channel: str, sender_id: str) -> Member | None:
        return self.session.scalar(
            select(Member).where(Member.channel == channel, Member.external_id == sender_id)
        )

    def role(self, channel: str, sender_id: str) -> Role:
        member = self._member(channel, sender_id)
        if member is None or member.role not in ("worker", "admin"):
            return "resident"
        return cast(Role, member.role)

    def household(self, channel: str, sender_id: str) -> HouseholdValue | None:
        member = self._member(channel, sender_id)
        if member is None or member.household_id is None:
            return None
        row = self.session.get_one(Household, member.household_id)
        return HouseholdValue(
            row.building, row.unit, row.room, row.name, row.phone, tuple(row.flags)
        )

    def register(
        self, channel: str, sender_id: str, display_name: str, household: HouseholdValue
    ) -> None:
        member = self._member(channel, sender_id) or Member(channel=channel, external_id=sender_id)
        member.display_name = display_name or member.display_name or ""
        row = self._find_household(member.community_id, household) or Household(
            community_id=member.community_id,
            building=household.building,
            unit=household.unit,
            room=household.room,
            flags=list(household.flags),
        )
        row.name = household.name or row.name
        row.phone = household.phone or row.phone
        self.session.add_all([row, member])
        self.session.flush()
        member.household_id = row.id

    def _find_household(self, community_id: int | None, h: HouseholdValue) -> Household | None:
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
