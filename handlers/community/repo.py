"""The community feature's storage Protocols: `SetupRepo` (setting up a community from the chat,
and what its answers mean) and `CommunityRepo` (what a campaign needs to know of its community).

`绑定 <code>` turns an invitation into a worker (or admin) on the sender's channel;
`本群属于 <社区>` gives a group to a community; a group heard for the first time without a
community is announced to the workers once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from handlers.campaign.values import CampaignView
from handlers.community.values import ChatRegistration, GroupRef, StaffScope
from handlers.household.repo import Household

BindStatus = Literal["bound", "unknown", "expired", "used", "locked", "other_community", "already"]
AssignStatus = Literal["assigned", "already", "unknown", "not_yours", "taken"]


@dataclass(frozen=True, slots=True)
class BindOutcome:
    """What `绑定` did: the status, and the community and role it concerns (when known)."""

    status: BindStatus
    community: str = ""
    role: str = ""


@dataclass(frozen=True, slots=True)
class AssignOutcome:
    """What `本群属于` did; `names` lists the communities when the name matched none."""

    status: AssignStatus
    community: str = ""
    current: str = ""
    names: tuple[str, ...] = ()
    messages: int = 0  # messages heard in the group before it was assigned


class SetupRepo(Protocol):
    """Storage of invitations, chat ownership and the announcement of new groups."""

    def bind(
        self, channel: str, sender_id: str, display_name: str, code: str, at: datetime
    ) -> BindOutcome:
        """Redeem an invitation code for this sender on this channel (audited, rate-limited)."""

    def revoke_code(self, code: str, actor: str, at: datetime) -> bool:
        """Void an unused code that was shown where others can read it; True if it was live."""

    def assign_chat(
        self, channel: str, chat_id: str, community: str, actor: str, at: datetime
    ) -> AssignOutcome:
        """Give the group to the named community (the actor must be its worker, or an admin)."""

    def first_heard(self, channel: str, chat_id: str, at: datetime) -> str | None:
        """Record a group chat; its title when it has no community and was never announced."""

    def community_names(self) -> list[str]:
        """Every community's name, oldest first."""


class NoSetup:
    """The default for contexts built without storage of communities (tests of other parts)."""

    def bind(
        self, channel: str, sender_id: str, display_name: str, code: str, at: datetime
    ) -> BindOutcome:
        return BindOutcome("unknown")

    def revoke_code(self, code: str, actor: str, at: datetime) -> bool:
        return False

    def assign_chat(
        self, channel: str, chat_id: str, community: str, actor: str, at: datetime
    ) -> AssignOutcome:
        return AssignOutcome("unknown")

    def first_heard(self, channel: str, chat_id: str, at: datetime) -> str | None:
        return None

    def community_names(self) -> list[str]:
        return []


NO_SETUP = NoSetup()


class LinkIssuer(Protocol):
    """Makes the worker-page login link for a member (None when links cannot be made)."""

    def login_link(self, channel: str, sender_id: str, now: datetime) -> str | None:
        """A signed, single-use, short-lived URL, or None."""


class NoLinkIssuer:
    """The issuer of a Context built without the web app's secret: no links."""

    def login_link(self, channel: str, sender_id: str, now: datetime) -> str | None:
        return None


NO_LINKS: LinkIssuer = NoLinkIssuer()


class CommunityRepo(Protocol):
    """Storage of communities as campaigns see them."""

    def scope(self, channel: str, sender_id: str, chat_id: str, is_group: bool) -> StaffScope:
        """The sender's community and the chat's (when it is a group)."""

    def group_chats(self) -> list[ChatRegistration]:
        """Every registration of a group chat, with its community (to check what a worker
        names; `handlers.reach.groups_of` keeps one per chat)."""

    def store_groups(self, campaign_id: int, groups: Sequence[GroupRef], at: datetime) -> None:
        """Remember the groups a campaign was announced to (or listed to forward)."""

    def resident_campaigns(self, channel: str, sender_id: str) -> list[CampaignView]:
        """Campaigns taking orders (open, or closed: late orders), newest first, of the
        resident's community; of every community while the resident's is unknown."""

    def roster_status(self, community_id: int | None, home: Household) -> bool | None:
        """True when the address is on the community's roster, False when not, None when the
        community keeps no roster (any address may order)."""

    def link_chain(
        self, chain_id: int, campaign_id: int, channel: str, chat_id: str, at: datetime
    ) -> None:
        """Link a resident's 1:1 chain to the campaign (audited) and keep their chat as a 1:1
        chat of the campaign's community (never posted to as a group)."""


class NoCommunity:
    """The default for contexts built without storage of communities (tests of other parts)."""

    def scope(self, channel: str, sender_id: str, chat_id: str, is_group: bool) -> StaffScope:
        return StaffScope()

    def group_chats(self) -> list[ChatRegistration]:
        return []

    def store_groups(self, campaign_id: int, groups: Sequence[GroupRef], at: datetime) -> None:
        return None

    def resident_campaigns(self, channel: str, sender_id: str) -> list[CampaignView]:
        return []

    def roster_status(self, community_id: int | None, home: Household) -> bool | None:
        return None

    def link_chain(
        self, chain_id: int, campaign_id: int, channel: str, chat_id: str, at: datetime
    ) -> None:
        raise RuntimeError("no community storage in this Context")


NO_COMMUNITY: CommunityRepo = NoCommunity()
