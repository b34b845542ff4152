"""A resident's @-mention consent, kept in their household's flags (`同意@提醒`).

The household is the one the sender registered (登记), else the one of their latest order: a
resident who only ever ordered in a group can still agree or withdraw there. Every change
leaves a 台账 row, like a worker's change on the 住户 page.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.household.repo import MENTION_CONSENT_FLAG, with_consent
from handlers.household.repo import Household as HouseholdValue
from handlers.household.repo import household_value as stored_household
from models.audit import write_audit
from models.campaign import Order
from models.community import Household, Member

CONSENT_ACTION = "household.mention_consent"


def has_consent(row: Household) -> bool:
    """True when the household agreed to be @-mentioned."""
    return MENTION_CONSENT_FLAG in (row.flags or [])


def set_consent(session: Session, row: Household, agreed: bool, actor: str, at: datetime) -> bool:
    """Set or withdraw the consent; audit and return True when it changed."""
    before = has_consent(row)
    if before == agreed:
        return False
    row.flags = with_consent(row.flags, agreed)
    after = {"mention_consent": agreed}
    write_audit(
        session, actor, CONSENT_ACTION, "household", row.id, {"mention_consent": before}, after, at
    )
    return True


class SqlConsentRepo:
    """ConsentRepo on one open Session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def set_mention_consent(
        self, channel: str, sender_id: str, agreed: bool, at: datetime
    ) -> HouseholdValue | None:
        row = self._household(channel, sender_id)
        if row is None:
            return None
        set_consent(self.session, row, agreed, sender_id, at)
        return stored_household(row.building, row.unit, row.room, row.name, row.phone, row.flags)

    def _household(self, channel: str, sender_id: str) -> Household | None:
        """The registered household, else the household of the sender's latest order."""
        registered = self.session.scalar(
            select(Member.household_id).where(
                Member.channel == channel, Member.external_id == sender_id
            )
        )
        ordered = self.session.scalar(
            select(Order.household_id)
            .where(Order.sender_id == sender_id, Order.household_id.is_not(None))
            .order_by(Order.id.desc())
            .limit(1)
        )
        for household_id in (registered, ordered):
            row = self.session.get(Household, household_id) if household_id else None
            if row is not None and row.purged_at is None:
                return row
        return None
