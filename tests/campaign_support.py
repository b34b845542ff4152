"""Helpers for the campaign tests: a seeded community on a tmp SQLite and a chat driver."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.pipeline import process
from handlers.types import Incoming
from models.base import make_engine, make_session_factory
from models.community import Chat, Community, Household, Member
from models.messaging import Notice
from models.migrate import upgrade_to_head

SHANGHAI = timezone(timedelta(hours=8))
T0 = datetime(2022, 4, 11, 9, 0, tzinfo=SHANGHAI)
CHANNEL = "sim"


def new_factory(tmp_path: Path) -> sessionmaker[Session]:
    """A fresh file database upgraded by the Alembic migration, as in production."""
    engine = make_engine(f"sqlite:///{tmp_path / 'campaign.db'}")
    upgrade_to_head(engine)
    return make_session_factory(engine)


@dataclass(frozen=True, slots=True)
class Person:
    """A seeded member: id, name and address parts."""

    id: str
    name: str
    building: str
    unit: str
    room: str
    flags: tuple[str, ...] = ()

    @property
    def address(self) -> str:
        return f"{self.building}-{self.unit}-{self.room}"


def seed(factory: sessionmaker[Session], people: list[Person], groups: list[str]) -> int:
    """Community, groups, a worker `w1` and the residents with their households."""
    with factory.begin() as s:
        community = Community(name="测试社区")
        s.add(community)
        s.flush()
        for g in groups:
            s.add(Chat(community_id=community.id, channel=CHANNEL, external_id=g, title=g))
        s.add(
            Member(
                community_id=community.id,
                channel=CHANNEL,
                external_id="w1",
                display_name="社区小王",
                role="worker",
            )
        )
        for p in people:
            h = Household(
                community_id=community.id,
                building=p.building,
                unit=p.unit,
                room=p.room,
                name=p.name,
                phone=f"138{int(p.room):04d}{len(p.id):04d}",
                flags=list(p.flags),
            )
            s.add(h)
            s.flush()
            s.add(
                Member(
                    community_id=community.id,
                    channel=CHANNEL,
                    external_id=p.id,
                    display_name=p.name,
                    household_id=h.id,
                )
            )
        return community.id


@dataclass
class Chat_:
    """Sends messages through the real pipeline; keeps the clock moving forward."""

    factory: sessionmaker[Session]
    now: datetime = T0
    ids: itertools.count[int] = field(default_factory=itertools.count)

    def send(self, chat: str, sender: str, text: str, at: datetime | None = None) -> str:
        self.now = at or self.now + timedelta(seconds=20)
        msg = Incoming(
            channel=CHANNEL,
            msg_id=f"m{next(self.ids)}",
            sender_id=sender,
            chat_id=chat,
            text=text,
            received_at=self.now,
            sender_name=sender,
            is_group=chat.startswith("g"),
        )
        return process(self.factory, msg) or ""

    def notices(self, target: str | None = None, kind: str | None = None) -> list[Notice]:
        with self.factory() as s:
            stmt = select(Notice).order_by(Notice.id)
            if target:
                stmt = stmt.where(Notice.target == target)
            if kind:
                stmt = stmt.where(Notice.kind == kind)
            return list(s.scalars(stmt))
