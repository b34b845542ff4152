"""SqlCampaignRepo: the CampaignRepo Protocol on SQLAlchemy. Every write leaves an audit row.

Campaigns, outbox posts and the audit trail live here; orders and allocation in
`models.campaign_orders`, what a sync of 接龙 entries loads and saves in
`models.campaign_sync`, pickup slots and 核销 in `models.campaign_slots`, payment and refund
rows in `models.campaign_payments`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from handlers.campaign.repo import AuditEntry, CampaignDraft, CampaignView, OutboxNotice
from handlers.community.values import NamedChat, OrderContact
from handlers.statuses import ACTIVE_CAMPAIGNS, CampaignStatus
from models.audit import read_audit, write_audit
from models.campaign import Campaign, Order, Product
from models.campaign_groups import campaign_chats, queue_campaign_notices
from models.campaign_orders import CampaignOrders
from models.campaign_payments import CampaignPayments
from models.campaign_slots import CampaignSlots
from models.campaign_sync import CampaignSync
from models.campaign_views import campaign_view
from models.chain import Chain
from models.community import Chat, Member
from models.reach import ResidentReach


class SqlCampaignRepo(CampaignOrders, CampaignSync, CampaignSlots, CampaignPayments):
    """CampaignRepo on one open Session; the caller owns the transaction.

    Orders, slots and money come from the parts it combines; each uses only `self.session`.
    """

    def __init__(self, session: Session) -> None:
        self.session = session

    # --- campaigns ------------------------------------------------------------------
    def create_campaign(
        self,
        draft: CampaignDraft,
        chat_id: str,
        channel: str,
        actor: str,
        at: datetime,
        community_id: int | None = None,
    ) -> CampaignView:
        row = Campaign(
            community_id=community_id or self._community(chat_id, channel, actor),
            chat_id=chat_id,
            channel=channel,
            title=draft.title,
            status="open",
            cutoff_at=draft.cutoff_at,
            arrival_at=draft.arrival_at,
            pickup_point=draft.pickup_point,
            slot_minutes=draft.slot_minutes,
            slot_capacity=draft.slot_capacity,
            allocation_rule=draft.allocation_rule,
            min_total=draft.min_total,
            created_by=actor,
            created_at=at,
            next_order_no=1,
        )
        self.session.add(row)
        self.session.flush()
        for p in draft.products:
            self.session.add(
                Product(
                    campaign_id=row.id,
                    name=p.name,
                    price=p.price,
                    unit=p.unit,
                    per_household_limit=p.limit,
                    stock=p.stock,
                )
            )
        self.session.flush()
        view = campaign_view(self.session, row)
        write_audit(
            self.session,
            actor,
            "campaign.create",
            "campaign",
            row.id,
            None,
            {
                "title": row.title,
                "cutoff_at": row.cutoff_at,
                "products": [p.name for p in draft.products],
                "min_total": draft.min_total,
            },
            at,
        )
        return view

    def _community(self, chat_id: str, channel: str, actor: str) -> int | None:
        chat = self.session.scalar(
            select(Chat.community_id).where(Chat.channel == channel, Chat.external_id == chat_id)
        )
        if chat is not None:
            return chat
        return self.session.scalar(
            select(Member.community_id).where(
                Member.channel == channel, Member.external_id == actor
            )
        )

    def get_campaign(self, campaign_id: int) -> CampaignView | None:
        row = self.session.get(Campaign, campaign_id)
        return None if row is None else campaign_view(self.session, row)

    def current_campaign(self, chat_id: str, channel: str, sender_id: str) -> CampaignView | None:
        active = (
            select(Campaign)
            .where(Campaign.status.in_(ACTIVE_CAMPAIGNS))
            .order_by(Campaign.created_at.desc(), Campaign.id.desc())
            .limit(1)
        )
        linked = select(Chain.campaign_id).where(Chain.chat_id == chat_id)
        row = self.session.scalar(
            active.where(or_(Campaign.chat_id == chat_id, Campaign.id.in_(linked)))
        )
        if row is None:
            community = self.session.scalar(
                select(Member.community_id).where(
                    Member.channel == channel, Member.external_id == sender_id
                )
            )
            if community is not None:
                row = self.session.scalar(active.where(Campaign.community_id == community))
        row = row or self.session.scalar(active)
        return None if row is None else campaign_view(self.session, row)

    def list_campaigns(self, statuses: Collection[CampaignStatus] = ()) -> list[CampaignView]:
        stmt = select(Campaign).order_by(Campaign.created_at.desc(), Campaign.id.desc())
        if statuses:
            stmt = stmt.where(Campaign.status.in_(list(statuses)))
        return [campaign_view(self.session, r) for r in self.session.scalars(stmt)]

    def due_campaigns(self, status: CampaignStatus, when: str, now: datetime) -> list[int]:
        column = Campaign.cutoff_at if when == "cutoff_at" else Campaign.arrival_at
        stmt = (
            select(Campaign.id)
            .where(Campaign.status == status, column.is_not(None), column <= now)
            .order_by(column, Campaign.id)
        )
        return list(self.session.scalars(stmt))

    def set_campaign_status(
        self, campaign_id: int, status: CampaignStatus, actor: str, at: datetime
    ) -> None:
        row = self.session.get_one(Campaign, campaign_id, with_for_update=True)
        write_audit(
            self.session,
            actor,
            f"campaign.{status}",
            "campaign",
            row.id,
            {"status": row.status},
            {"status": status},
            at,
        )
        row.status = status
        if status == "closed":
            row.closed_at = row.closed_at or at
        elif status == "arrived":
            row.arrived_at = row.arrived_at or at

    def queue_notices(self, notices: Sequence[OutboxNotice], now: datetime) -> int:
        return queue_campaign_notices(self.session, notices, now)

    def campaign_chats(self, campaign_id: int) -> list[NamedChat]:
        return campaign_chats(self.session, campaign_id)

    def order_contact(self, order_id: int) -> OrderContact | None:
        order = self.session.get(Order, order_id)
        campaign = self.session.get(Campaign, order.campaign_id) if order else None
        if order is None or campaign is None:
            return None
        return ResidentReach(self.session, [(order, campaign)]).contact(order_id)

    def set_arrival(self, campaign_id: int, arrival_at: datetime, actor: str, at: datetime) -> None:
        row = self.session.get_one(Campaign, campaign_id)
        if row.arrival_at != arrival_at:
            write_audit(
                self.session,
                actor,
                "campaign.arrival_time",
                "campaign",
                row.id,
                {"arrival_at": row.arrival_at},
                {"arrival_at": arrival_at},
                at,
            )
            row.arrival_at = arrival_at

    def audit_log(self, record_type: str = "", record_id: str = "") -> list[AuditEntry]:
        return read_audit(self.session, record_type, record_id)

    def set_min_total(
        self, campaign_id: int, min_total: float | None, actor: str, at: datetime
    ) -> None:
        row = self.session.get_one(Campaign, campaign_id, with_for_update=True)
        if row.min_total != min_total:
            write_audit(
                self.session,
                actor,
                "campaign.min_total",
                "campaign",
                row.id,
                {"min_total": row.min_total},
                {"min_total": min_total},
                at,
            )
            row.min_total = min_total
