"""Members (channel users), their roles and registered households: the storage Protocol."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

Address = tuple[str | None, str | None, str | None]  # building, unit, room
Field = Literal["building", "unit", "room", "address", "name", "phone", "note"]  # a roster column

Role = Literal["resident", "worker", "admin"]
# Kept in the household's stored flags, but no vulnerability flag: the resident agreed to be
# @-mentioned (by phone) when a notice about them goes to their group.
MENTION_CONSENT_FLAG = "同意@提醒"


@dataclass(frozen=True, slots=True)
class Household:
    """A registered household address with the vulnerability flags workers set, and whether
    the resident agreed to be @-mentioned in their group."""

    building: str | None
    unit: str | None
    room: str | None
    name: str | None = None
    phone: str | None = None
    flags: tuple[str, ...] = ()
    mention_consent: bool = False

    def label(self) -> str:
        """Short address as workers write it: 3-2-201, 3-201, 2-201室 forms collapse to dashes."""
        return "-".join(p for p in (self.building, self.unit, self.room) if p) or "?"


def care_flags(flags: Iterable[str] | None) -> tuple[str, ...]:
    """The stored flags without the @-mention consent: what makes a household 重点户."""
    return tuple(f for f in flags or () if f != MENTION_CONSENT_FLAG)


def with_consent(flags: Iterable[str] | None, agreed: bool) -> list[str]:
    """The stored flags with the @-mention consent set or withdrawn; other flags kept in order."""
    kept = list(care_flags(flags))
    return [*kept, MENTION_CONSENT_FLAG] if agreed else kept


def household_value(
    building: str | None,
    unit: str | None,
    room: str | None,
    name: str | None,
    phone: str | None,
    stored_flags: Iterable[str] | None,
) -> Household:
    """A stored household → value, its consent split off the vulnerability flags."""
    stored = tuple(stored_flags or ())
    consent = MENTION_CONSENT_FLAG in stored
    return Household(building, unit, room, name, phone, care_flags(stored), consent)


class MemberRepo(Protocol):
    """Storage of members and their households."""

    def role(self, channel: str, sender_id: str) -> Role:
        """The member's role; an unknown sender is a resident."""

    def household(self, channel: str, sender_id: str) -> Household | None:
        """The household the member registered, if any."""

    def register(
        self,
        channel: str,
        sender_id: str,
        display_name: str,
        household: Household,
        chat_id: str = "",
        community_id: int | None = None,
        community: str = "",
    ) -> bool:
        """Link the member to a household of their community: the one on the roster at that
        address, else a new one. A member of no community yet joins `community_id`, else the
        one named, else the group's, else the one whose roster has the address, else the only
        community. False (nothing stored) when there are several and none fits."""


class ConsentRepo(Protocol):
    """Where a resident's @-mention consent is kept (`同意@提醒` / `取消@提醒`)."""

    def set_mention_consent(
        self, channel: str, sender_id: str, agreed: bool, at: datetime
    ) -> Household | None:
        """Set or withdraw the consent of the sender's household — the one they registered, else
        the one of their latest order — and audit a change; None when no household is known."""


class _NoConsent:
    """The default port: knows no household (tests of other features)."""

    def set_mention_consent(
        self, channel: str, sender_id: str, agreed: bool, at: datetime
    ) -> Household | None:
        return None


NO_CONSENT: ConsentRepo = _NoConsent()


# --- a roster sheet as read (household.roster reads it, models stores it) ------------------


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One household read from the sheet (`line` is the sheet's row number)."""

    line: int
    building: str | None
    unit: str | None
    room: str | None
    name: str | None = None
    phone: str | None = None
    flags: tuple[str, ...] = ()
    note: str | None = None

    def label(self) -> str:
        """3-2-201."""
        return "-".join(p for p in (self.building, self.unit, self.room) if p)

    @property
    def key(self) -> tuple[str | None, str | None, str | None]:
        """The address as households are keyed."""
        return self.building, self.unit, self.room


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """A row left for a worker (待核实): its text as written and why."""

    line: int
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class RosterRead:
    """What was read: the columns found (field → header as written), rows placed, rows to review."""

    header_line: int
    columns: dict[Field, str]
    rows: tuple[RosterRow, ...] = ()
    review: tuple[ReviewRow, ...] = ()
    blank: int = 0
    flags: dict[str, int] = field(default_factory=dict)
