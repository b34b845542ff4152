"""The demo community seeded into a new database, so `make run` has people to play with.

Everyone lives on the simulator channel ("sim"): the /sim page lets a visitor speak as any of
them. Names, addresses and phone numbers are invented.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from handlers.campaign.arrival import arrive, pickup
from handlers.campaign.ops import close, confirm_all
from handlers.campaign.sync import sync_orders
from models.base import utcnow
from models.campaigns_repo import SqlCampaignRepo
from models.community import Chat, Community, Household, Member
from models.demo_campaign import RICE, VEG, add_chain, demo_homes, timed

log = logging.getLogger(__name__)

SIM_CHANNEL = "sim"
COMMUNITY_NAME = "和平里社区"


@dataclass(frozen=True, slots=True)
class DemoResident:
    """One resident and the household they live in."""

    external_id: str
    name: str
    building: str
    unit: str
    room: str
    phone: str
    flags: tuple[str, ...] = ()


DEMO_GROUPS: tuple[tuple[str, str], ...] = (
    ("sim-g-3hao", "和平里3号楼群"),
    ("sim-g-tuangou", "和平里团购群"),
)

DEMO_RESIDENTS: tuple[DemoResident, ...] = (
    DemoResident("sim-u-zhangxy", "张秀英", "3", "2", "201", "13800130201", ("独居老人",)),
    DemoResident("sim-u-lijg", "李建国", "3", "2", "502", "13800130502"),
    DemoResident("sim-u-wangl", "王丽", "3", "1", "301", "13800130301"),
    DemoResident("sim-u-liuy", "刘洋", "5", "1", "1102", "13900151102"),
    DemoResident("sim-u-chenj", "陈静", "5", "3", "602", "13900153602"),
    DemoResident("sim-u-zhaodm", "赵德明", "7", "2", "401", "13700172401"),
)

DEMO_WORKER = ("sim-w-wangsm", "社区王士梅")


def is_new(session: Session) -> bool:
    """A database is new for seeding when it has no community at all."""
    return not session.scalar(select(func.count()).select_from(Community))


def seed_demo(factory: sessionmaker[Session]) -> bool:
    """Add the demo community when the database is new; True if it was added."""
    with factory.begin() as session:
        if not is_new(session):
            return False
        community = Community(name=COMMUNITY_NAME)
        session.add(community)
        session.flush()
        _add_groups(session, community.id)
        _add_residents(session, community.id)
        worker_id, worker_name = DEMO_WORKER
        session.add(
            Member(
                community_id=community.id,
                channel=SIM_CHANNEL,
                external_id=worker_id,
                display_name=worker_name,
                role="worker",
            )
        )
    log.info("seeded the demo community %s (simulator channel)", COMMUNITY_NAME)
    return True


def _add_groups(session: Session, community_id: int) -> None:
    for external_id, title in DEMO_GROUPS:
        session.add(
            Chat(
                community_id=community_id,
                channel=SIM_CHANNEL,
                external_id=external_id,
                title=title,
                is_group=True,
            )
        )


def _add_residents(session: Session, community_id: int) -> None:
    for r in DEMO_RESIDENTS:
        household = Household(
            community_id=community_id,
            building=r.building,
            unit=r.unit,
            room=r.room,
            name=r.name,
            phone=r.phone,
            flags=list(r.flags),
        )
        session.add(household)
        session.flush()
        session.add(
            Member(
                community_id=community_id,
                channel=SIM_CHANNEL,
                external_id=r.external_id,
                display_name=r.name,
                role="resident",
                household_id=household.id,
            )
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
    homes = demo_homes(session, community_id)
    actor = worker_id or "demo"
    veg = repo.create_campaign(timed(VEG, now, 1), group_chat_id, channel, actor, now)
    add_chain(session, veg.id, group_chat_id, VEG, homes, channel, now, eggs=True)
    if second_chat_id:
        add_chain(session, veg.id, second_chat_id, VEG, homes[::2], channel, now, eggs=False)
    sync_orders(repo, veg.id, now)
    rice_at = now - timedelta(days=2)
    rice = repo.create_campaign(timed(RICE, rice_at, 0), group_chat_id, channel, actor, rice_at)
    add_chain(session, rice.id, group_chat_id, RICE, homes, channel, rice_at, eggs=False)
    _run_to_pickup(repo, rice.id, actor, now, tz)
    log.info("seeded demo campaigns %s and %s", veg.id, rice.id)
    return [veg.id, rice.id]


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
