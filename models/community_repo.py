"""SqlCommunityRepo: the CommunityRepo Protocol on SQLAlchemy (a campaign's community, its
groups, and residents ordering 1:1)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from handlers.campaign.values import CampaignView
from handlers.community.values import ChatRegistration, GroupRef, StaffScope
from handlers.household.repo import Household as HouseholdValue
from handlers.statuses import ORDERING_CAMPAIGNS
from models.audit import write_audit
from models.base import core_connection, table_of
from models.campaign import Campaign
from models.campaign_groups import store_groups
from models.campaign_views import campaign_view
from models.chain import Chain
from models.community import Chat, Community, Household, Member
from models.homes import roster_fit
from models.reach import all_group_chats

# Asked for every 1:1 message a resident sends (is a campaign taking their order?): prebuilt
# Core statements, ids first — most messages meet no campaign, and building ORM objects and
# keying statements per call cost more than the indexed lookups (bench/webhook_profile.py:
# 0.22 ms of 2.1 ms per message of the bench's mix).
_members, _households = table_of(Member), table_of(Household)
_campaigns = table_of(Campaign)
_RESIDENT_COMMUNITY = (
    select(_members.c.community_id, _households.c.community_id)
    .outerjoin(_households, _households.c.id == _members.c.household_id)
    .where(
        _members.c.channel == bindparam("channel_"),
        _members.c.external_id == bindparam("sender_id_"),
    )
    .limit(1)
)
_ORDERING_IDS = (
    select(_campaigns.c.id)
    .where(_campaigns.c.status.in_(ORDERING_CAMPAIGNS))
    .order_by(_campaigns.c.created_at.desc(), _campaigns.c.id.desc())
    .limit(20)
)
_ORDERING_IDS_OF = _ORDERING_IDS.where(_campaigns.c.community_id == bindparam("community_"))


class SqlCommunityRepo:
    """CommunityRepo on one open Session (the message's or the page's transaction)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def scope(self, channel: str, sender_id: str, chat_id: str, is_group: bool) -> StaffScope:
        communities = tuple(
            (cid, name)
            for cid, name in self.session.execute(
                select(Community.id, Community.name).order_by(Community.id)
            )
        )
        names = dict(communities)
        mine = self._member_community(channel, sender_id)
        chat = (
            self.session.scalar(
                select(Chat.community_id).where(
                    Chat.channel == channel, Chat.external_id == chat_id
                )
            )
            if is_group
            else None
        )
        return StaffScope(
            mine, names.get(mine or 0, ""), chat, names.get(chat or 0, ""), communities
        )

    def _member_community(self, channel: str, sender_id: str) -> int | None:
        return self.session.scalar(
            select(Member.community_id).where(
                Member.channel == channel, Member.external_id == sender_id
            )
        )

    def group_chats(self) -> list[ChatRegistration]:
        return all_group_chats(self.session)

    def store_groups(self, campaign_id: int, groups: Sequence[GroupRef], at: datetime) -> None:
        store_groups(self.session, campaign_id, groups, at)

    def resident_campaigns(self, channel: str, sender_id: str) -> list[CampaignView]:
        community = self.resident_community(channel, sender_id)
        stmt = _ORDERING_IDS if community is None else _ORDERING_IDS_OF
        ids = list(core_connection(self.session).execute(stmt, {"community_": community}).scalars())
        return [campaign_view(self.session, self.session.get_one(Campaign, i)) for i in ids]

    def resident_community(self, channel: str, sender_id: str) -> int | None:
        """The member's community, else their household's."""
        params = {"channel_": channel, "sender_id_": sender_id}
        row = core_connection(self.session).execute(_RESIDENT_COMMUNITY, params).first()
        return None if row is None else (row[0] or row[1])

    def roster_status(self, community_id: int | None, home: HouseholdValue) -> bool | None:
        if community_id is None:
            return None
        roster = select(Household.id).where(
            Household.community_id == community_id, Household.on_roster.is_(True)
        )
        if self.session.scalar(roster.limit(1)) is None:
            return None
        exact = self.session.scalar(
            roster.where(
                *(
                    column.is_(None) if value is None else column == value
                    for column, value in (
                        (Household.building, home.building),
                        (Household.unit, home.unit),
                        (Household.room, home.room),
                    )
                )
            ).limit(1)
        )
        return exact is not None or roster_fit(self.session, community_id, home) is not None

    def link_chain(
        self, chain_id: int, campaign_id: int, channel: str, chat_id: str, at: datetime
    ) -> None:
        chain = self.session.get_one(Chain, chain_id)
        campaign = self.session.get_one(Campaign, campaign_id)
        if chain.campaign_id is None:
            chain.campaign_id = campaign_id
            before, after = {"campaign_id": None}, {"campaign_id": campaign_id}
            write_audit(self.session, "system", "chain.link", "chain", chain.id, before, after, at)
        known = self.session.scalar(
            select(Chat.id).where(Chat.channel == channel, Chat.external_id == chat_id)
        )
        if known is None:
            self.session.add(
                Chat(
                    channel=channel,
                    external_id=chat_id,
                    is_group=False,
                    community_id=campaign.community_id,
                    created_at=at,
                )
            )
        self.session.flush()
