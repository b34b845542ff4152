"""A street for the campaign-reach tests: one community with three 企业微信 groups served by one
robot, an ordinary WeChat group, a worker on the robot and the 企业微信 app, a roster — and
every message through the real, signed and encrypted callbacks, every send at the fake
Tencent server, on one movable clock."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import webhook_mp, webhook_wecom
from bot.admin import security
from bot.channels import MpCustomerServiceChannel, SimChannel, WeComAppChannel, WeComRobotChannel
from bot.channels.base import Channel
from bot.config import (
    DatabaseSettings,
    ServerSettings,
    Settings,
    WeChatSettings,
    WeComSettings,
)
from models.community import Community, Household, Member
from models.messaging import Notice
from scheduler import jobs
from scheduler.sender import OutboxOptions, push_due_notices
from tests import wechat_client, wecom_client
from tests.admin_support import login
from tests.fake_tencent import FakeTencent
from tests.wechat_client import WeChatActions
from tests.wecom_client import WeComActions

OPEN = (
    "开团：硕诚蔬菜套餐\n商品：蔬菜套餐 38元/份 每户限2份\n截单：今晚8点\n到货：后天下午3点\n"
    "取货：社区活动中心\n时段：30分钟 每段10户"
)
SHANGHAI = timezone(timedelta(hours=8))
T0 = datetime(2022, 4, 11, 9, 0, tzinfo=SHANGHAI)  # Monday 09:00
ROBOT_KEY = "test-robot-key"  # the key in tests.wecom_client.WEBHOOK_URL
COMMUNITY = "和平里社区"
WORKER = "wangsm"  # the worker's 企业微信 userid (robot groups and the app alike)
GROUPS = {"3": "wrk-g3", "5": "wrk-g5", "6": "wrk-g6"}  # building → robot group chat id
ROSTER = {  # address → (name, phone)
    "3-1-101": ("王阿姨", "13800030101"),
    "5-1-302": ("李建国", "13800050302"),
    "4-1-101": ("张奶奶", "13800040101"),
    "6-2-201": ("赵红", "13800060201"),
    "7-1-101": ("孙伟", "13800070101"),
}


@dataclass
class Clock:
    """One clock for the app, its callbacks, the senders and the fake platform."""

    now: datetime = T0

    def epoch(self) -> float:
        return self.now.timestamp()

    def at(self, when: datetime) -> None:
        assert when >= self.now, "the street's clock only moves forward"
        self.now = when


def street_settings(tmp_path: Path, base_url: str) -> Settings:
    """Every channel on, keyed with Tencent's test vectors, every API at the fake."""
    return Settings(
        server=ServerSettings(secret_key="test-secret-key"),
        database=DatabaseSettings(url=f"sqlite:///{tmp_path / 'street.db'}"),
        wechat=WeChatSettings(
            enabled=True,
            token=wechat_client.TOKEN,
            app_id=wechat_client.APP_ID,
            aes_key=wechat_client.AES_KEY,
            app_secret="secret",
            api_base_url=base_url,
        ),
        wecom=WeComSettings(
            enabled=True,
            corp_id=wecom_client.CORP_ID,
            robot_token=wecom_client.TOKEN,
            robot_aes_key=wecom_client.AES_KEY,
            app_token=wecom_client.TOKEN,
            app_aes_key=wecom_client.AES_KEY,
            app_agent_id=1000002,
            app_secret="secret",
            api_base_url=base_url,
        ),
        seed_demo=False,
    )


@dataclass
class Street:
    """Drives the street: people write, the scheduler runs, the fake records what was sent."""

    app: Flask
    client: FlaskClient
    factory: sessionmaker[Session]
    fake: FakeTencent
    settings: Settings
    clock: Clock
    ids: Iterator[int] = field(default_factory=itertools.count)

    def __post_init__(self) -> None:
        for module in (webhook_mp, webhook_wecom, security):
            module.set_clock(self.app, self.clock.epoch)
        w = self.settings.wechat
        self.wechat = WeChatActions(self.client, w.token, w.aes_key, w.app_id, self.clock.epoch)
        self.robot = WeComActions(self.client, "/wecom/robot", receive_id="", now=self.clock.epoch)
        self.app_cb = WeComActions(self.client, "/wecom/app", now=self.clock.epoch)
        s = self.settings
        self.senders: dict[str, Channel] = {
            "mp": MpCustomerServiceChannel(
                self.factory, s.wechat, s.scheduler, clock=lambda: self.clock.now
            ),
            "wecom_robot": WeComRobotChannel(self.factory, s.wecom, s.scheduler),
            "wecom_app": WeComAppChannel(self.factory, s.wecom, s.scheduler),
            "sim": SimChannel(),
        }

    # --- people -------------------------------------------------------------------------
    def mp(self, openid: str, text: str) -> str:
        """A follower writes to the 公众号 (safe mode); Linli's passive reply."""
        return self.fake.resident_writes(self.wechat, openid, text) or ""

    def group(self, building: str, user: str, name: str, text: str) -> str:
        """Someone @-mentions the robot in a group; the robot's passive reply."""
        xml = wecom_client.robot_xml(
            f"@邻里 {text}", chat_id=GROUPS[building], user_id=user, name=name, msg_id=self._id()
        )
        reply = self.robot.reply(self.robot.post(xml))
        return "" if reply is None else reply.findtext("Text/Content", "")

    def robot_event(self, building: str, event: str = "add_to_chat") -> None:
        xml = wecom_client.robot_xml(
            "", chat_id=GROUPS[building], msg_type="event", event_type=event, msg_id=self._id()
        )
        assert self.robot.post(xml).status_code == 200

    def app_says(self, text: str, user: str = WORKER) -> str:
        """The worker writes to the 企业微信 app 1:1; the passive reply."""
        xml = wecom_client.app_xml(
            text, user_id=user, msg_id=str(7 * 10**18 + next(self.ids)), create_time=self._ts()
        )
        reply = self.app_cb.reply(self.app_cb.post(xml))
        return "" if reply is None else reply.findtext("Content", "")

    def _id(self) -> str:
        return f"msg-{next(self.ids)}"

    def _ts(self) -> int:
        return int(self.clock.epoch())

    # --- the scheduler --------------------------------------------------------------------
    def push(self) -> int:
        """The outbox job, once, at the street's time."""
        options = OutboxOptions.from_settings(self.settings.scheduler, self.settings.zone)
        return push_due_notices(self.factory, self.senders, self.clock.now, options)

    def jobs(self) -> None:
        """The campaign jobs (cut-off, arrival, reminders, follow-ups), then the outbox."""
        zone, sched = self.settings.zone, self.settings.scheduler
        jobs.close_due_campaigns(self.factory, self.clock.now, zone)
        jobs.queue_campaign_notices(self.factory, self.clock.now, sched, zone)
        self.push()

    def drain(self) -> None:
        """Push, and again after a throttled minute, until the outbox is empty."""
        for _ in range(4):
            self.push()
            if not self.notices(status="pending"):
                return
            self.clock.at(self.clock.now + timedelta(seconds=61))
        left = [(n.channel, n.target, n.kind, n.last_error) for n in self.notices(status="pending")]
        raise AssertionError(f"notices still pending after four minutes: {left}")

    # --- what Tencent delivered ------------------------------------------------------------
    def robot_posts(self, chat: str) -> list[str]:
        """Contents the robot delivered into this group, in order."""
        return [
            body[body["msgtype"]]["content"]
            for body in self.fake.robot
            if chat in body["delivered_to"]
        ]

    def mp_texts(self, openid: str) -> list[str]:
        return [m["text"]["content"] for m in self.fake.mp_sent if m["touser"] == openid]

    def app_texts(self, user: str = WORKER) -> list[str]:
        return [m["text"]["content"] for m in self.fake.app_delivered if m["touser"] == user]

    def notices(self, **where: Any) -> list[Notice]:
        with self.factory() as s:
            stmt = select(Notice).order_by(Notice.id)
            for column, value in where.items():
                stmt = stmt.where(getattr(Notice, column) == value)
            return list(s.scalars(stmt))


def seed_street(factory: sessionmaker[Session]) -> int:
    """The community, its roster and its worker (on the robot and on the app)."""
    with factory.begin() as s:
        community = Community(name=COMMUNITY)
        s.add(community)
        s.flush()
        for address, (name, phone) in ROSTER.items():
            building, unit, room = address.split("-")
            s.add(
                Household(
                    community_id=community.id,
                    building=building,
                    unit=unit,
                    room=room,
                    name=name,
                    phone=phone,
                    on_roster=True,
                )
            )
        for channel in ("wecom_robot", "wecom_app"):
            s.add(
                Member(
                    community_id=community.id,
                    channel=channel,
                    external_id=WORKER,
                    display_name="社区王士梅",
                    role="worker",
                )
            )
        return community.id


def build_street(
    app: Flask,
    client: FlaskClient,
    factory: sessionmaker[Session],
    fake: FakeTencent,
    settings: Settings,
    clock: Clock,
) -> Street:
    """The seeded street: the robot joins each group and the worker gives it to the community."""
    seed_street(factory)
    street = Street(app, client, factory, fake, settings, clock)
    for building in GROUPS:
        street.robot_event(building)
        assert "本群已归属" in street.group(building, WORKER, "王士梅", "本群属于 和平里社区")
    return street


def login_worker(street: Street) -> str:
    """The worker signs in to the worker page; the page's CSRF token."""
    with street.factory() as s:
        worker = s.scalars(
            select(Member.id).where(Member.channel == "wecom_app", Member.external_id == WORKER)
        ).one()
    return login(street.client, worker)


def street_community(street: Street) -> int:
    """The id of the street's community."""
    with street.factory() as s:
        return (
            s.scalars(select(Member.community_id).where(Member.external_id == WORKER)).first() or 0
        )


def label(address: str) -> str:
    """3-1-101 → 3号楼1单元101, as notices name a household."""
    building, unit, room = address.split("-")
    return f"{building}号楼{unit}单元{room}"
