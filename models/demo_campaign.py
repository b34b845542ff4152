"""Demo 团购 data so `make run` shows the whole lifecycle: one campaign taking orders, one
already arrived with slots, codes and a pickup. Called by bot/demo.py on a new database."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.campaign_arrival import arrive, pickup
from handlers.campaign_ops import close, confirm_all
from handlers.campaign_store import CampaignDraft, ProductSpec
from models.base import utcnow
from models.campaign_sync import sync_campaign
from models.campaigns_repo import SqlCampaignRepo
from models.chain import Chain, ChainEntry
from models.community import Household, Member

log = logging.getLogger(__name__)

VEG = CampaignDraft(
    title="硕诚蔬菜套餐",
    products=(ProductSpec("蔬菜套餐", 38.0, "份", 2, 40), ProductSpec("鸡蛋", 15.0, "盒", 1)),
    pickup_point="社区活动中心",
    slot_minutes=30,
    slot_capacity=3,
)
RICE = CampaignDraft(
    title="东北大米团购",
    products=(ProductSpec("东北大米", 45.0, "袋", 1, 4),),
    pickup_point="社区活动中心",
    slot_minutes=30,
    slot_capacity=2,
)


def seed_demo_campaign(
    session: Session,
    community_id: int,
    group_chat_id: str,
    second_chat_id: str | None = None,
    worker_id: str = "",
    channel: str = "sim",
    now: datetime | None = None,
    *,
    tz: tzinfo,
) -> list[int]:
    """Seed two campaigns in the caller's transaction; return their ids (ordering, arrived).
    `tz`: the configured zone the seeded notices show times in."""
    now = now or utcnow()
    repo = SqlCampaignRepo(session)
    homes = session.scalars(
        select(Household).where(Household.community_id == community_id).order_by(Household.id)
    ).all()
    actor = worker_id or "demo"
    veg = repo.create_campaign(_times(VEG, now, 1), group_chat_id, channel, actor, now)
    _chain(session, veg.id, group_chat_id, VEG, homes, channel, now, eggs=True)
    if second_chat_id:
        _chain(session, veg.id, second_chat_id, VEG, homes[::2], channel, now, eggs=False)
    sync_campaign(session, veg.id, now)
    rice_at = now - timedelta(days=2)
    rice = repo.create_campaign(_times(RICE, rice_at, 0), group_chat_id, channel, actor, rice_at)
    _chain(session, rice.id, group_chat_id, RICE, homes, channel, rice_at, eggs=False)
    _run_to_pickup(repo, rice.id, actor, now, tz)
    log.info("seeded demo campaigns %s and %s", veg.id, rice.id)
    return [veg.id, rice.id]


def _times(draft: CampaignDraft, at: datetime, days: int) -> CampaignDraft:
    return replace(
        draft,
        cutoff_at=at + timedelta(days=days, hours=6),
        arrival_at=at + timedelta(days=days + 1, hours=1),
    )


def _chain(
    session: Session,
    campaign_id: int,
    chat_id: str,
    draft: CampaignDraft,
    homes: Sequence[Household],
    channel: str,
    at: datetime,
    eggs: bool,
) -> None:
    """A 接龙 chain as residents would have built it, one entry per household."""
    chain = Chain(
        chat_id=chat_id,
        key=f"{draft.title}:{chat_id}",
        title=draft.title,
        is_order_list=True,
        opened_by="demo",
        opened_at=at,
        campaign_id=campaign_id,
        products=[{"name": p.name, "price": p.price, "unit": p.unit} for p in draft.products],
    )
    session.add(chain)
    session.flush()
    for seq, home in enumerate(homes, start=1):
        author = (
            session.scalar(
                select(Member.external_id).where(
                    Member.household_id == home.id, Member.channel == channel
                )
            )
            or f"demo-{home.id}"
        )
        first = draft.products[0]
        items = [{"name": first.name, "qty": 1 + seq % 2, "unit": first.unit}]
        if eggs and len(draft.products) > 1 and seq % 2:
            items.append({"name": draft.products[1].name, "qty": 1, "unit": draft.products[1].unit})
        text = " ".join(f"{i['name']}{i['qty']}{i['unit']}" for i in items)
        label = "-".join(p for p in (home.building, home.unit, home.room) if p)
        seen = at + timedelta(minutes=seq)
        session.add(
            ChainEntry(
                chain_id=chain.id,
                seq=seq,
                author_id=author,
                line_key=f"{label}{text}",
                status="active",
                raw=f"{label} {home.name or ''} {text}",
                building=home.building,
                unit=home.unit,
                room=home.room,
                name=home.name,
                items=items,
                readable=True,
                flags=[],
                first_seen_at=seen,
                updated_at=seen,
            )
        )
    chain.next_seq = len(homes) + 1
    session.flush()


def _run_to_pickup(
    repo: SqlCampaignRepo, campaign_id: int, actor: str, now: datetime, tz: tzinfo
) -> None:
    """截单, confirm all, 到货 (short stock allocated, slots, codes), one household picked up."""
    campaign = repo.get_campaign(campaign_id)
    assert campaign is not None
    close(repo, campaign, actor, now - timedelta(days=1))
    confirm_all(repo, campaign, actor, now - timedelta(hours=20))
    campaign = repo.get_campaign(campaign_id)
    assert campaign is not None
    arrive(repo, campaign, actor, now - timedelta(hours=1), tz, now - timedelta(minutes=30))
    ready = [o for o in repo.list_orders(campaign_id) if o.status == "ready" and o.pickup_code]
    if ready:
        campaign = repo.get_campaign(campaign_id)
        assert campaign is not None and ready[0].pickup_code is not None
        pickup(repo, campaign, ready[0].pickup_code, actor, now - timedelta(minutes=10), tz)
