"""Demo 团购 data so `make run` shows the whole lifecycle: the two campaigns' drafts and their
接龙 chains as residents would have built them. `bot.demo.seed_demo_campaign` stores them and
runs one campaign through the handlers' operations (截单, confirm, 到货, a pickup)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.campaign.values import CampaignDraft, ProductSpec
from models.chain import Chain, ChainEntry
from models.community import Household, Member

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


def timed(draft: CampaignDraft, at: datetime, days: int) -> CampaignDraft:
    """The draft with its cut-off `days` after `at` and the goods a day later."""
    return replace(
        draft,
        cutoff_at=at + timedelta(days=days, hours=6),
        arrival_at=at + timedelta(days=days + 1, hours=1),
    )


def add_chain(
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


def demo_homes(session: Session, community_id: int) -> Sequence[Household]:
    """The community's households, oldest first (one 接龙 entry each)."""
    return session.scalars(
        select(Household).where(Household.community_id == community_id).order_by(Household.id)
    ).all()
