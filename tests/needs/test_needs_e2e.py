"""Needs end to end through the real pipeline on a migrated SQLite file.

A resident's need → ticket → a worker's 接单 → the resident is told (outbox) → 完成 → told
again → the scheduler's daily report shows it closed; an urgent need nobody takes is
escalated exactly once per interval; 需求汇总 → 汇总开团 invites the households, and a 接龙
from the invited group becomes an order of that campaign.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import DEFAULT_ZONE, SchedulerSettings
from bot.pipeline import process
from handlers.types import Incoming
from models.audit import AuditLog
from models.base import make_engine, make_session_factory
from models.campaign import Campaign, Order
from models.community import Chat, Community, Household, Member
from models.messaging import Notice
from models.migrate import upgrade_to_head
from models.need import Need
from scheduler.report import escalate_unacknowledged_needs, report_text, send_daily_report
from tests.campaign_support import SHANGHAI

T0 = datetime(2022, 4, 11, 9, 0, tzinfo=SHANGHAI)
SCHED = SchedulerSettings(escalate_after_minutes=30, daily_report_time="20:00")
URGENT = "我家老人独居，降压药只剩两天的了，谁能帮忙代买？"


@dataclass
class Community_:
    """A seeded community and a chat driver whose clock only moves forward."""

    factory: sessionmaker[Session]
    now: datetime = T0
    ids: itertools.count[int] = field(default_factory=itertools.count)

    def send(self, chat: str, sender: str, text: str, minutes: float = 1) -> str:
        self.now += timedelta(minutes=minutes)
        msg = Incoming(
            channel="sim",
            msg_id=f"m{next(self.ids)}",
            sender_id=sender,
            chat_id=chat,
            text=text,
            received_at=self.now,
            sender_name=sender,
            is_group=chat.startswith("g"),
        )
        return process(self.factory, msg) or ""

    def notices(self, target: str, kind: str | None = None) -> list[str]:
        with self.factory() as s:
            stmt = select(Notice.text).where(Notice.target == target).order_by(Notice.id)
            if kind is not None:
                stmt = stmt.where(Notice.kind == kind)
            return list(s.scalars(stmt))

    def need(self, ticket: int) -> Need:
        with self.factory() as s:
            return s.get_one(Need, ticket)


@pytest.fixture
def town(tmp_path: Path) -> Community_:
    engine = make_engine(f"sqlite:///{tmp_path / 'needs.db'}")
    upgrade_to_head(engine)
    factory = make_session_factory(engine)
    with factory.begin() as s:
        c = Community(name="联谊苑")
        s.add(c)
        s.flush()
        s.add(Chat(community_id=c.id, channel="sim", external_id="g1", title="3号楼群"))
        for ext, name in (("w1", "王芳"), ("w2", "李强")):
            s.add(
                Member(
                    community_id=c.id,
                    channel="sim",
                    external_id=ext,
                    display_name=name,
                    role="worker",
                )
            )
        for ext, room in (("r1", "201"), ("r2", "302"), ("r3", "501")):
            h = Household(community_id=c.id, building="3", unit="2", room=room, name=ext)
            s.add(h)
            s.flush()
            s.add(Member(community_id=c.id, channel="sim", external_id=ext, household_id=h.id))
    return Community_(factory)


def test_need_is_taken_done_and_reported_closed(town: Community_) -> None:
    assert "已记录 #1（代买，紧急）" in town.send("g1", "r1", URGENT)
    assert any("【紧急需求 #1】" in t for t in town.notices("w2"))  # every worker, at once
    assert "已收到您的需求（物资），编号 #2" in town.send(
        "r2", "r2", "我家酒精快用完了，去哪儿买？"
    )
    with town.factory() as s:  # the resident spoke of their own home: remembered
        assert s.scalars(select(Household.flags).where(Household.room == "201")).one() == [
            "独居老人"
        ]

    listing = town.send("w1", "w1", "查看需求").splitlines()
    assert listing[1].startswith("#1 急·独居老人·代买｜3-2-201") and listing[2].startswith("#2")

    taken = town.send("w1", "w1", "接单 1")
    assert "已接单 #1" in taken and "3-2-201" in taken
    assert town.notices("g1")[-1] == "#1（代买）已由社区工作人员王芳接单，会尽快联系。"
    assert town.need(1).status == "acknowledged"
    assert "已由王芳接单" in town.send("w2", "w2", "接单 1")

    start = datetime(2022, 4, 11, tzinfo=SHANGHAI)
    with town.factory() as s:
        before = report_text(s, None, start.date(), start)
    assert "未办结 2 件（其中紧急 1 件）" in before and "紧急 #1" in before

    assert town.send("w1", "w1", "完成 1 已送药上门") == "已完成 #1，已告诉居民。"
    assert "#1（代买）已处理完成" in town.notices("g1")[-1]
    assert "已送药上门" not in town.notices("g1")[-1]  # the note stays out of the group
    town.send("w2", "w2", "接单 2")
    town.send("w2", "w2", "完成 2 已放在门口")
    told = town.notices("r2")
    assert "已由社区工作人员李强接单" in told[0] and "处理说明：已放在门口" in told[1]
    assert (town.need(1).status, town.need(1).resolution) == ("resolved", "已送药上门")

    evening = datetime(2022, 4, 11, 20, 0, tzinfo=SHANGHAI)
    assert send_daily_report(town.factory, evening, SCHED, DEFAULT_ZONE) == 2
    (report,) = town.notices("w1", kind="report")
    assert "新需求 2 件，未办结 0 件（其中紧急 0 件）" in report and "#1" not in report
    assert town.send("w1", "w1", "查看需求") == "目前没有未办结的需求。"
    with town.factory() as s:
        actions = s.scalars(select(AuditLog.action).where(AuditLog.record_type == "need")).all()
    assert actions == ["need.take", "need.done", "need.take", "need.done"]


def test_urgent_need_escalated_once_per_interval(town: Community_) -> None:
    town.send("g1", "r1", URGENT, minutes=0)
    created = town.now
    assert escalate_unacknowledged_needs(town.factory, created + timedelta(minutes=29), SCHED) == []
    for minutes, expected in ((31, [1]), (45, []), (60, []), (62, [1]), (80, [])):
        got = escalate_unacknowledged_needs(
            town.factory, created + timedelta(minutes=minutes), SCHED
        )
        assert got == expected, minutes
    assert len(town.notices("w1", kind="escalation")) == 2
    town.now = created + timedelta(minutes=85)
    town.send("w2", "w2", "接单 1", minutes=0)
    assert escalate_unacknowledged_needs(town.factory, created + timedelta(minutes=95), SCHED) == []
    assert len(town.notices("w1", kind="escalation")) == 2


def test_group_of_needs_becomes_a_campaign(town: Community_) -> None:
    town.send("g1", "r1", "请问哪里还能买到酒精？")
    town.send("g1", "r2", "酒精没有了，哪里能买")
    town.send("r3", "r3", "我家酒精快用完了，去哪儿买？")
    town.send("g1", "r1", "家里没米了，哪里能买到大米？")
    assert "酒精：3户" in town.send("w1", "w1", "需求汇总").splitlines()
    assert "社区工作人员用的命令" in town.send("g1", "r2", "汇总开团 酒精 12元/瓶")

    opened = town.send("w1", "w1", "汇总开团 酒精 12元/瓶 截单：明晚8点 取货：社区活动中心")
    assert "已邀请问过酒精的3户（2个会话）" in opened and "#接龙" in opened
    with town.factory() as s:
        campaign = s.scalars(select(Campaign)).one()
        assert campaign.title == "酒精团购"
        statuses = {ticket: status for ticket, status in s.execute(select(Need.id, Need.status))}
    assert [statuses[i] for i in (1, 2, 3)] == ["in_progress"] * 3
    assert "酒精" not in town.send("w1", "w1", "需求汇总")  # handled: no longer waiting
    invite = town.notices("g1")[-1]
    assert invite.startswith("之前在群里问酒精的2户邻居") and "#接龙\n酒精团购" in invite
    assert town.notices("r3")[-1].startswith("您之前问过酒精")

    template = invite.split("\n", 1)[1]
    town.send("g1", "r2", template + "\n\n1. 3-2-302 r2 2瓶")
    with town.factory() as s:
        order = s.scalars(select(Order)).one()
        assert order.campaign_id == campaign.id


def test_workers_see_only_their_community(town: Community_) -> None:
    with town.factory.begin() as s:
        other = Community(name="别的社区")
        s.add(other)
        s.flush()
        s.add(Chat(community_id=other.id, channel="sim", external_id="g-other", title="别的群"))
        s.add(
            Member(community_id=other.id, channel="sim", external_id="w9", role="worker"),
        )
    town.send("g-other", "x1", "我家酒精快用完了，去哪儿买？")
    town.send("g1", "r2", "我家酒精快用完了，去哪儿买？")
    assert town.need(1).community_id != town.need(2).community_id
    listing = town.send("w1", "w1", "查看需求")
    assert "#2" in listing and "#1 " not in listing
    assert "没有编号 #1 的需求" in town.send("w1", "w1", "接单 1")
    assert "可以转给：王芳、李强" in town.send("w1", "w1", "转 2 w9")
    assert "酒精：1户" in town.send("w9", "w9", "需求汇总")


def test_resident_is_told_on_their_own_channel_when_a_worker_answers_elsewhere(
    town: Community_,
) -> None:
    town.send("r2", "r2", "我家酒精快用完了，去哪儿买？")  # the resident asked on the sim channel
    taken = Incoming(
        channel="wecom_app",  # the worker answers from the 企业微信 app
        msg_id="wecom-1",
        sender_id="w1",
        chat_id="w1",
        text="接单 1",
        received_at=town.now + timedelta(minutes=5),
        is_group=False,
    )
    with town.factory.begin() as s:
        s.add(Member(channel="wecom_app", external_id="w1", display_name="王芳", role="worker"))
    assert "已接单 #1" in (process(town.factory, taken) or "")
    with town.factory() as s:
        told = s.scalars(select(Notice).where(Notice.target == "r2")).all()
    assert [(n.channel, "已由社区工作人员" in n.text) for n in told] == [("sim", True)]


def test_an_urgent_need_reaches_only_its_communitys_workers_and_the_admins(
    town: Community_,
) -> None:
    """NotifyWorkers goes to the sender's community (its group's, else the sender's own), the
    same rule escalation uses; a worker of another community hears nothing of it."""
    with town.factory.begin() as s:
        other = Community(name="光明里")
        s.add(other)
        s.flush()
        s.add(Chat(community_id=other.id, channel="sim", external_id="g9", title="光明里群"))
        s.add(Member(community_id=other.id, channel="sim", external_id="w9", role="worker"))
        s.add(Member(community_id=None, channel="sim", external_id="boss", role="admin"))
    town.send("g1", "r1", URGENT)
    assert town.notices("w1") and town.notices("w2") and town.notices("boss")
    assert town.notices("w9") == []
    town.send("r2", "r2", "我家老人摔倒了起不来，快来人帮忙！")  # 1:1: the sender's community
    assert len(town.notices("w1")) == 2 and town.notices("w9") == []
    town.send("g9", "r9", URGENT)  # the other community's group
    assert len(town.notices("w9")) == 1 and len(town.notices("w1")) == 2
    town.now += timedelta(hours=1)
    escalate_unacknowledged_needs(town.factory, town.now, SCHED)
    assert len(town.notices("w9")) == 2 and len(town.notices("w1")) == 4
