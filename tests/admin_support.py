"""Helpers for the worker-page tests: a seeded world of two communities, and logins.

Community A (东风) has worker 王 and residents in buildings 3 and 5, an urgent need, a plain
need, and a campaign that has arrived (slots, pickup codes, a 待核实 line). Community B has
worker 李 and its own need and campaign. The admin belongs to no community and sees all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

import models.admin  # noqa: F401  (registers the worker page's tables on Base.metadata)
from bot.config import Settings
from bot.local_state import link_issuer
from bot.runtime import Runtime
from models.base import Base
from models.campaign import Campaign, Order, OrderLine, PickupSlot, Product
from models.chain import Chain, ChainEntry
from models.community import Chat, Community, Household, Member
from models.need import Need

T0 = datetime(2024, 4, 12, 6, 0, tzinfo=UTC)  # 14:00 in Shanghai
XSS_NAME = "<img src=x onerror=alert(1)>"


@dataclass
class World:
    """Ids of what `seed` created."""

    community_a: int = 0
    community_b: int = 0
    worker_a: int = 0
    worker_b: int = 0
    admin: int = 0
    resident: int = 0
    need_urgent: int = 0
    need_plain: int = 0
    need_b: int = 0
    campaign_a: int = 0
    campaign_b: int = 0
    household_xss: int = 0
    household_plain: int = 0
    pending_orders: tuple[int, ...] = ()
    ready_order: int = 0
    order_b: int = 0
    entry_unreadable: int = 0


def runtime_of(app: Flask) -> Runtime:
    """The app's Runtime."""
    rt: Runtime = app.extensions["linli"]
    return rt


def create_tables(engine: Engine) -> None:
    """Tables the migration may not have yet (the worker page's own); others are left alone."""
    Base.metadata.create_all(engine)


def _member(
    db: Session, community: int | None, ext: str, name: str, role: str, household: int | None = None
) -> int:
    m = Member(
        community_id=community,
        channel="sim",
        external_id=ext,
        display_name=name,
        role=role,
        household_id=household,
    )
    db.add(m)
    db.flush()
    return m.id


def _household(
    db: Session, community: int, address: str, name: str, phone: str, flags: list[str] | None = None
) -> int:
    b, u, r = address.split("-")
    h = Household(
        community_id=community,
        building=b,
        unit=u,
        room=r,
        name=name,
        phone=phone,
        flags=flags or [],
    )
    db.add(h)
    db.flush()
    return h.id


def _order(
    db: Session,
    campaign: int,
    no: int,
    household: int | None,
    status: str,
    lines: list[tuple[int, str, float]],
    **extra: Any,
) -> int:
    o = Order(
        campaign_id=campaign,
        household_id=household,
        status=status,
        no=no,
        chat_id="g-a",
        sender_id=f"u{no}",
        created_at=T0 + timedelta(minutes=no),
        **extra,
    )
    db.add(o)
    db.flush()
    for product_id, name, qty in lines:
        db.add(
            OrderLine(
                order_id=o.id,
                product_id=product_id,
                name=name,
                qty=qty,
                unit="份",
                requested_qty=qty,
            )
        )
    return o.id


def seed(factory: sessionmaker[Session]) -> World:
    """Create the two communities and everything the tests look at."""
    w = World()
    with factory.begin() as db:
        a, b = Community(name="东风社区"), Community(name="光明社区")
        db.add_all([a, b])
        db.flush()
        w.community_a, w.community_b = a.id, b.id
        db.add_all(
            [
                Chat(community_id=a.id, channel="sim", external_id="g-a", title="A群"),
                Chat(community_id=b.id, channel="sim", external_id="g-b", title="B群"),
            ]
        )
        w.household_xss = _household(db, a.id, "3-2-201", XSS_NAME, "13800130201", ["独居老人"])
        w.household_plain = _household(db, a.id, "5-1-1102", "刘洋", "13900151102")
        hb = _household(db, b.id, "7-1-101", "周", "13700000000")
        w.worker_a = _member(db, a.id, "w-a", "社区王", "worker")
        w.worker_b = _member(db, b.id, "w-b", "社区李", "worker")
        _member(db, a.id, "w-a2", "社区赵", "worker")
        w.admin = _member(db, None, "boss", "街道管理员", "admin")
        w.resident = _member(db, a.id, "u-a", "居民张", "resident", w.household_xss)
        _seed_needs(db, w)
        _seed_campaigns(db, w, hb)
    return w


def _seed_needs(db: Session, w: World) -> None:
    plain = Need(
        community_id=w.community_a,
        channel="sim",
        chat_id="g-a",
        sender_id="u-a",
        text="想问一下酒精哪里有卖",
        category="咨询",
        created_at=T0,
    )
    urgent = Need(
        community_id=w.community_a,
        channel="sim",
        chat_id="g-a",
        sender_id="u-a",
        text=f"{XSS_NAME} 降压药只剩两天了",
        category="代买",
        urgent=True,
        for_whom="独居老人",
        reasons=["药快用完"],
        created_at=T0 + timedelta(hours=1),
    )
    other = Need(
        community_id=None,
        channel="sim",
        chat_id="g-b",
        sender_id="u-b",
        text="B社区的需求",
        category="求助",
        created_at=T0,
    )
    db.add_all([plain, urgent, other])
    db.flush()
    w.need_plain, w.need_urgent, w.need_b = plain.id, urgent.id, other.id


def _seed_campaigns(db: Session, w: World, household_b: int) -> None:
    ca = Campaign(
        community_id=w.community_a,
        chat_id="g-a",
        channel="sim",
        title="周六蔬菜团购",
        status="arrived",
        created_by="w-a",
        created_at=T0,
        pickup_point="活动中心",
    )
    cb = Campaign(
        community_id=None,
        chat_id="g-b",
        channel="sim",
        title="B社区大米",
        status="arrived",
        created_by="w-b",
        created_at=T0,
    )
    db.add_all([ca, cb])
    db.flush()
    w.campaign_a, w.campaign_b = ca.id, cb.id
    veg = Product(
        campaign_id=ca.id, name="蔬菜套餐", price=38, unit="份", per_household_limit=2, stock=2
    )
    rice = Product(campaign_id=cb.id, name="大米", unit="袋")
    db.add_all([veg, rice])
    db.flush()
    slot = PickupSlot(
        campaign_id=ca.id,
        start_at=T0 + timedelta(hours=1),
        end_at=T0 + timedelta(hours=1, minutes=30),
        capacity=2,
        buildings=["3"],
    )
    db.add(slot)
    db.flush()
    p1 = _order(db, ca.id, 1, w.household_xss, "pending", [(veg.id, "蔬菜套餐", 2)])
    p2 = _order(db, ca.id, 2, w.household_plain, "late", [(veg.id, "蔬菜套餐", 1)])
    w.pending_orders = (p1, p2)
    w.ready_order = _order(
        db,
        ca.id,
        3,
        w.household_plain,
        "ready",
        [(veg.id, "蔬菜套餐", 1)],
        pickup_code="K7Q2",
        slot_id=slot.id,
        slot_start_at=slot.start_at,
        slot_end_at=slot.end_at,
    )
    w.order_b = _order(
        db, cb.id, 1, household_b, "ready", [(rice.id, "大米", 1)], pickup_code="B111"
    )
    chain = Chain(
        chat_id="g-a",
        key="周六蔬菜团购",
        title="周六蔬菜团购",
        is_order_list=True,
        opened_by="w-a",
        opened_at=T0,
        campaign_id=ca.id,
        next_seq=2,
    )
    db.add(chain)
    db.flush()
    entry = ChainEntry(
        chain_id=chain.id,
        seq=1,
        author_id="u9",
        line_key="x",
        raw="老地方 老样子",
        readable=False,
        flags=["unreadable"],
        first_seen_at=T0,
        updated_at=T0,
    )
    db.add(entry)
    db.flush()
    w.entry_unreadable = entry.id


def login(client: FlaskClient, member_id: int) -> str:
    """Log the member in through the real one-time link (as `后台` in chat gives it); return
    the CSRF token of the new session."""
    rt = runtime_of(client.application)
    with rt.session_factory() as db:
        member = db.get_one(Member, member_id)
        channel, ext = member.channel, member.external_id
    url = link_issuer(rt.settings).login_link(channel, ext, datetime.now(UTC))
    assert url is not None
    status, location = use_link(client, url[url.index("/admin/login/") :])
    assert status == 302, (status, location)
    return form_csrf(client.get("/admin/").get_data(as_text=True))


def use_link(client: FlaskClient, link: str, token: str | None = None) -> tuple[int, str]:
    """What a browser does with a login link: open the page (the #token stays in the browser)
    and press the button (the page's script posts the token). (status, Location or page)."""
    path, _, fragment = link.partition("#")
    page = client.get(path)
    if page.status_code != 200:
        return page.status_code, page.get_data(as_text=True)
    data = {"csrf_token": form_csrf(page.get_data(as_text=True)), "token": token or fragment}
    response = client.post(path, data=data)
    return response.status_code, response.headers.get("Location", response.get_data(as_text=True))


def anonymous_csrf(client: FlaskClient) -> str:
    """The CSRF token of an anonymous session, from the login form."""
    return form_csrf(client.get("/admin/login").get_data(as_text=True))


def link_for(settings: Settings, ext: str, at: datetime | None = None, channel: str = "sim") -> str:
    """The path (and #token) of a login link the bot would send to member `ext`."""
    url = link_issuer(settings).login_link(channel, ext, at or datetime.now(UTC))
    assert url is not None
    return url[url.index("/admin/login/") :]


def form_csrf(html: str) -> str:
    """The csrf_token value in a rendered page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no csrf field on the page"
    return found.group(1)


def member_id(factory: sessionmaker[Session], ext: str) -> int:
    """A member's id by external id."""
    with factory() as db:
        return db.scalars(select(Member.id).where(Member.external_id == ext)).one()
