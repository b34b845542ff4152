"""The CommunityRepo Protocol: what a campaign needs to know of its community (issue 20).

Who may open a campaign where, the community's groups (and whether Linli can post to each),
and, for a resident ordering 1:1, the campaigns of their community, its roster and the chain
their order joins. `models.community_repo.SqlCommunityRepo` implements it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from handlers.campaign.values import CampaignView
from handlers.community.values import ChatRegistration, GroupRef, StaffScope
from handlers.household.repo import Household


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
