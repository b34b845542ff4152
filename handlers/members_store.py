"""Members (channel users), their roles and registered households: the storage Protocol."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

Role = Literal["resident", "worker", "admin"]


@dataclass(frozen=True, slots=True)
class Household:
    """A registered household address with the vulnerability flags workers set."""

    building: str | None
    unit: str | None
    room: str | None
    name: str | None = None
    phone: str | None = None
    flags: tuple[str, ...] = ()

    def label(self) -> str:
        """Short address as workers write it: 3-2-201, 3-201, 2-201室 forms collapse to dashes."""
        return "-".join(p for p in (self.building, self.unit, self.room) if p) or "?"


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
