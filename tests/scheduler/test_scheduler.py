"""Scheduler jobs and process: fixed-id jobs, rows as the schedule, lock, crash and restart."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.channels import FakeChannel, SimChannel
from bot.config import DEFAULT_ZONE, SchedulerSettings, Settings
from models import Campaign, Chat, Community, Household, Member, Need, Notice, Order, Picture
from models.base import make_engine, make_session_factory
from scheduler import build_scheduler, jobs
from scheduler.lock import LeaseLock
from tests.scheduler_support import T0, make_factory

SCHED = SchedulerSettings()


def notices(factory: sessionmaker[Session]) -> list[Notice]:
    with factory() as s:
        return list(s.scalars(select(Notice).order_by(Notice.id)))


def test_build_scheduler_registers_fixed_jobs_in_shanghai_time(tmp_path: Path) -> None:
    factory = make_factory(tmp_path)
    sched = build_scheduler(
        Settings(),
        factory,
        {"sim": SimChannel()},
        scheduler=BackgroundScheduler(timezone="Asia/Shanghai"),
    )
    sched.start(paused=True)
    try:
        ids = {j.id for j in sched.get_jobs()}
        assert {
            "push_due_notices",
            "close_due_campaigns",
            "queue_campaign_notices",
            "send_daily_report",
            "escalate_unacknowledged_needs",
            "purge_expired_personal_data",
            "handle_stale_inbox",
        } <= ids
        assert all(j.max_instances == 1 and j.coalesce for j in sched.get_jobs())
        report = sched.get_job("send_daily_report")
        assert str(report.trigger.timezone) == "Asia/Shanghai" and "hour='20'" in str(
            report.trigger
        )
    finally:
        sched.shutdown(wait=False)
    default = build_scheduler(Settings(), factory, {"sim": SimChannel()})
    assert str(default.timezone) == "Asia/Shanghai"


def _campaign(factory: sessionmaker[Session], **fields: object) -> int:
    with factory.begin() as s:
        s.add(Chat(channel="sim", external_id="g1"))
        camp = Campaign(
            chat_id="g1", title="鸡蛋团购", created_by="w", pickup_point="活动中心", **fields
        )
        s.add(camp)
        s.flush()
        return camp.id


def test_cutoff_missed_while_down_runs_at_start_once(tmp_path: Path) -> None:
    factory = make_factory(tmp_path)
    camp_id = _campaign(factory, cutoff_at=T0 - timedelta(hours=3))
    assert jobs.close_due_campaigns(factory, T0, DEFAULT_ZONE) == [camp_id]
    assert jobs.close_due_campaigns(factory, T0 + timedelta(minutes=1), DEFAULT_ZONE) == []
    with factory() as s:
        assert s.get_one(Campaign, camp_id).status == "closed"
    assert [n.dedupe_key for n in notices(factory)] == [f"cutoff:{camp_id}:g1"]


def _order(factory: sessionmaker[Session], camp_id: int, slot_in: timedelta) -> int:
    with factory.begin() as s:
        hh = Household(building="3", unit="2", room="201", phone="13800001234")
        s.add(hh)
        s.flush()
        order = Order(
            campaign_id=camp_id,
            household_id=hh.id,
            status="ready",
            no=hh.id,
            slot_start_at=T0 + slot_in,
            pickup_code="K9",
        )
        s.add(order)
        s.flush()
        return order.id


def test_reminder_is_queued_before_its_slot_and_sent(tmp_path: Path) -> None:
    factory = make_factory(tmp_path)
    order_id = _order(factory, _campaign(factory), timedelta(minutes=40))
    assert (
        jobs.queue_campaign_notices(factory, T0, SCHED, DEFAULT_ZONE) == 0
    )  # 40 min > 30 min ahead
    assert (
        jobs.queue_campaign_notices(factory, T0 + timedelta(minutes=11), SCHED, DEFAULT_ZONE) == 1
    )
    assert (
        jobs.queue_campaign_notices(factory, T0 + timedelta(minutes=12), SCHED, DEFAULT_ZONE) == 0
    )
    fake = FakeChannel()
    jobs.push_due_notices(factory, {"sim": fake}, T0 + timedelta(minutes=12))
    [n] = notices(factory)
    assert n.order_id == order_id and n.status == "sent" and "14:40–15:10" in fake.texts()[0]


def test_reminder_whose_slot_passed_is_skipped_not_sent(tmp_path: Path) -> None:
    factory = make_factory(tmp_path)
    camp = _campaign(factory)
    _order(factory, camp, timedelta(minutes=20))
    jobs.queue_campaign_notices(
        factory, T0, SCHED, DEFAULT_ZONE
    )  # queued, then the sender was down
    _order(factory, camp, timedelta(minutes=-5))  # a slot that began while we were down
    fake = FakeChannel()
    later = T0 + timedelta(minutes=25)
    jobs.queue_campaign_notices(factory, later, SCHED, DEFAULT_ZONE)
    jobs.push_due_notices(factory, {"sim": fake}, later)
    assert fake.sent == []
    assert [n.status for n in notices(factory) if n.kind == "reminder"] == ["skipped", "skipped"]


def test_restart_keeps_everything_rows_are_the_schedule(tmp_path: Path) -> None:
    factory = make_factory(tmp_path)
    _order(factory, _campaign(factory), timedelta(minutes=20))
    jobs.queue_campaign_notices(factory, T0, SCHED, DEFAULT_ZONE)
    factory.kw["bind"].dispose()  # "restart": a new engine on the same file
    engine = make_engine(str(factory.kw["bind"].url))
    fresh = make_session_factory(engine)
    fake = FakeChannel()
    assert jobs.push_due_notices(fresh, {"sim": fake}, T0 + timedelta(minutes=1)) == 1


def _workers(factory: sessionmaker[Session], count: int = 2) -> None:
    with factory.begin() as s:
        community = Community(name="阳光社区")
        s.add(community)
        s.flush()
        s.add_all(
            Member(channel="sim", external_id=f"w{i}", role="worker", community_id=community.id)
            for i in range(count)
        )


def test_daily_report_is_sent_when_everything_is_zero(tmp_path: Path) -> None:
    factory = make_factory(tmp_path)
    _workers(factory)
    before = T0 + timedelta(hours=5)  # 19:00 Shanghai
    assert jobs.send_daily_report(factory, before, SCHED, DEFAULT_ZONE) == 0
    at = T0 + timedelta(hours=6)  # 20:00 Shanghai
    assert jobs.send_daily_report(factory, at, SCHED, DEFAULT_ZONE) == 2
    assert jobs.send_daily_report(factory, at + timedelta(minutes=5), SCHED, DEFAULT_ZONE) == 0
    text = notices(factory)[0].text
    assert "新需求 0 件" in text and "今日订单 0 单" in text and "发送失败 0 条" in text


def test_urgent_need_escalates_exactly_once_per_interval(tmp_path: Path) -> None:
    factory = make_factory(tmp_path)
    _workers(factory)
    with factory.begin() as s:
        cid = s.scalar(select(Community.id))
        s.add(
            Need(
                chat_id="o1",
                sender_id="o1",
                text="老人摔倒了",
                category="求助",
                urgent=True,
                created_at=T0,
                community_id=cid,
            )
        )
    runs = [
        jobs.escalate_unacknowledged_needs(factory, T0 + timedelta(minutes=m), SCHED)
        for m in (10, 29, 30, 31, 45, 59, 60, 61)
    ]
    assert [len(r) for r in runs] == [0, 0, 1, 0, 0, 0, 1, 0]
    assert len([n for n in notices(factory) if n.kind == "escalation"]) == 4  # 2 workers × 2
    with factory.begin() as s:
        need = s.scalars(select(Need)).one()
        assert need.escalated_at == T0 + timedelta(minutes=60)
        need.status, need.acknowledged_at = "acknowledged", T0 + timedelta(minutes=70)
    assert jobs.escalate_unacknowledged_needs(factory, T0 + timedelta(hours=3), SCHED) == []


def test_retention_erases_personal_data_and_keeps_counts(tmp_path: Path) -> None:
    factory = make_factory(tmp_path)
    with factory.begin() as s:
        s.add(
            Need(
                chat_id="o1",
                sender_id="o1",
                text="王阿姨 13800001234 需要药",
                category="代买",
                created_at=T0 - timedelta(days=100),
            )
        )
        s.add(Need(chat_id="o1", sender_id="o1", text="最近的", category="代买", created_at=T0))
        s.add(
            Household(
                building="1", name="王", phone="13800001234", created_at=T0 - timedelta(days=100)
            )
        )
        old = T0 - timedelta(days=100)
        s.add(Picture(channel="mp", chat_id="o1", sender_id="o1", data=b"png", created_at=old))
        s.add(Picture(channel="mp", chat_id="o1", sender_id="o1", data=b"new", created_at=T0))
    counts = jobs.purge_expired_personal_data(factory, T0, 90)
    assert counts["needs"] == 1 and counts["households"] == 1 and counts["pictures"] == 1
    with factory() as s:
        texts = sorted(s.scalars(select(Need.text)))
        assert s.scalar(select(func.count(Need.id))) == 2 and "最近的" in texts
        assert all("1380000" not in t for t in texts)
        assert s.scalars(select(Household.phone)).one() is None
        assert sorted(s.scalars(select(Picture.data)), key=str) == [None, b"new"]


def test_lease_lock_admits_one_holder_until_it_expires(tmp_path: Path) -> None:
    factory = make_factory(tmp_path)
    first, second = LeaseLock(factory, timedelta(seconds=1)), LeaseLock(factory, timedelta(1))
    assert first.acquire() and not second.acquire() and first.renew()
    time.sleep(1.1)
    assert second.acquire() and not first.renew()
