"""Which community and household a resident belongs to: the helpers registration (`登记`, an
order 1:1) and the roster checks share."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.household.repo import Household as HouseholdValue
from models.community import Chat, Community, Household


def home_community(
    session: Session,
    channel: str,
    chat_id: str,
    household: HouseholdValue | None = None,
    name: str = "",
) -> int | None:
    """A registering resident's community: the group's, else the one named, else the only
    community there is, else the only one whose roster has the address (None: undecided)."""
    if chat_id:
        found = session.scalar(
            select(Chat.community_id).where(Chat.channel == channel, Chat.external_id == chat_id)
        )
        if found is not None:
            return found
    if name:
        named = session.scalar(select(Community.id).where(Community.name == name))
        if named is not None:
            return named
    ids = session.scalars(select(Community.id).limit(2)).all()
    if len(ids) == 1:
        return ids[0]
    if household is None or household.room is None:
        return None
    on_roster = session.scalars(
        select(Household.community_id)
        .where(
            Household.on_roster.is_(True),
            Household.room == household.room,
            Household.building.is_(None)
            if household.building is None
            else Household.building == household.building,
        )
        .distinct()
        .limit(2)
    ).all()
    return on_roster[0] if len(on_roster) == 1 else None


def several_communities(session: Session) -> bool:
    """True when there is more than one community (a resident's may need asking)."""
    return len(session.scalars(select(Community.id).limit(2)).all()) > 1


def roster_fit(session: Session, community_id: int | None, h: HouseholdValue) -> Household | None:
    """The only roster household whose known parts match an address missing some (no unit)."""
    if community_id is None or h.room is None or (h.building and h.unit):
        return None
    stmt = select(Household).where(
        Household.community_id == community_id,
        Household.on_roster.is_(True),
        Household.room == h.room,
    )
    if h.building:
        stmt = stmt.where(Household.building == h.building)
    if h.unit:
        stmt = stmt.where(Household.unit == h.unit)
    rows = session.scalars(stmt.limit(2)).all()
    return rows[0] if len(rows) == 1 else None
