"""Channel senders against the fake Tencent server: pacing, throttling, tokens, window, batching."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot import webhook_mp
from bot.channels import (
    Channel,
    MpCustomerServiceChannel,
    WeComAppChannel,
    WeComRobotChannel,
    channels_from_settings,
)
from bot.channels.base import Message
from bot.channels.batching import pack, split_text, utf8_len
from bot.config import DEFAULT_ZONE, SchedulerSettings
from bot.pipeline import process
from handlers.types import Incoming
from models import AccessToken, Campaign, Chat, Household, Member, Need, Notice, Order
from models.outbox import FALLBACK, PENDING, SENT
from scheduler import jobs
from scheduler.sender import OutboxOptions, push_due_notices
from tests.fake_tencent import FakeTencent, serve_fake_tencent
from tests.scheduler_support import T0, add_notices, add_robot_chat, make_factory, settings_for


class Clock:
    """A movable clock shared by the sender (datetime) and the fake server (epoch seconds)."""

    def __init__(self) -> None:
        self.now = T0

    def epoch(self) -> float:
        return self.now.timestamp()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> Iterator[tuple[str, FakeTencent]]:
    with serve_fake_tencent(FakeTencent(clock=clock.epoch)) as served:
        yield served


@pytest.fixture
def factory(tmp_path: Path) -> sessionmaker[Session]:
    return make_factory(tmp_path)


def statuses(factory: sessionmaker[Session]) -> dict[str, int]:
    with factory() as s:
        rows = s.scalars(select(Notice.status)).all()
    return {st: rows.count(st) for st in set(rows)}


# --- splitting and packing (UTF-8 bytes, not characters) --------------------------------------
def test_split_text_respects_utf8_bytes_and_line_boundaries() -> None:
    lines = [f"{i}号楼2单元201 王阿姨 青菜两斤 鸡蛋一盒" for i in range(200)]
    text = "\n".join(lines)
    pieces = split_text(text, 2048)
    assert all(utf8_len(p) <= 2048 for p in pieces)
    assert "\n".join(pieces) == text  # cut only between lines
    assert all(set(p.split("\n")) <= set(lines) for p in pieces)


def test_split_text_cuts_an_overlong_line_between_characters() -> None:
    pieces = split_text("邻" * 1000, 2048)  # 3000 bytes, one line
    assert [utf8_len(p) for p in pieces] == [2046, 954]
    assert "".join(pieces) == "邻" * 1000


def test_pack_keeps_whole_notices_under_the_limit() -> None:
    items = [(i, f"{i}号楼 取货 15:00–15:30 社区活动中心 «鸡蛋»") for i in range(500)]
    chunks = pack(items, "**取货提醒**", 4096)
    assert all(utf8_len(c.text) <= 4096 for c in chunks)
    assert sorted(i for c in chunks for i in c.notice_ids) == list(range(500))
    assert all(c.text.startswith("**取货提醒**") for c in chunks)


# --- group robot ----------------------------------------------------------------------------
def robot(factory: sessionmaker[Session], base: str) -> WeComRobotChannel:
    s = settings_for(base)
    return WeComRobotChannel(factory, s.wecom, s.scheduler)


def test_robot_is_paced_at_20_per_minute_without_45009(factory, fake, clock) -> None:  # type: ignore[no-untyped-def]
    base, state = fake
    add_robot_chat(factory, "g1", "K1", state)
    add_notices(factory, 25, channel="wecom_robot")
    senders = {"wecom_robot": robot(factory, base)}
    assert push_due_notices(factory, senders, clock.now) == 20
    assert statuses(factory) == {SENT: 20, PENDING: 5}
    clock.now += timedelta(seconds=30)
    assert push_due_notices(factory, senders, clock.now) == 0  # window not yet free
    clock.now += timedelta(seconds=31)
    assert push_due_notices(factory, senders, clock.now) == 5
    assert len(state.robot) == 25 and state.robot_rejected == []


def test_robot_45009_backs_off_without_spending_attempts(factory, fake, clock) -> None:  # type: ignore[no-untyped-def]
    base, state = fake
    add_robot_chat(factory, "g1", "K1", state)
    ids = add_notices(factory, 3, channel="wecom_robot")
    state.fail_next = [45009]  # someone else used this robot's quota
    senders = {"wecom_robot": robot(factory, base)}
    assert push_due_notices(factory, senders, clock.now) == 0
    with factory() as s:
        rows = [s.get_one(Notice, i) for i in ids]
    assert all(r.status == PENDING and r.attempts == 0 for r in rows)
    assert all(r.not_before_at >= clock.now + timedelta(seconds=60) for r in rows)
    clock.now += timedelta(seconds=61)
    assert push_due_notices(factory, senders, clock.now) == 3
    assert state.robot_rejected == [45009]


def test_many_reminders_for_one_group_become_few_markdown_messages(factory, fake, clock) -> None:  # type: ignore[no-untyped-def]
    base, state = fake
    add_robot_chat(factory, "g1", "K1", state)
    add_notices(
        factory,
        300,
        prefix="3号楼2单元20 请于15:00–15:30到社区活动中心领取「鸡蛋」#",
        channel="wecom_robot",
        kind="reminder",
    )
    assert push_due_notices(factory, {"wecom_robot": robot(factory, base)}, clock.now) == 300
    assert all(m["msgtype"] == "markdown" for m in state.robot)
    contents = [m["markdown"]["content"] for m in state.robot]
    assert all(utf8_len(c) <= 4096 for c in contents)
    assert 300 * 80 // 4096 <= len(contents) <= 12
    delivered = [ln for c in contents for ln in c.split("\n")[1:]]
    assert sorted(delivered) == sorted({*delivered}) and len(delivered) == 300


def test_reminders_for_groups_of_one_robot_are_batched_per_group(factory, fake, clock) -> None:  # type: ignore[no-untyped-def]
    """The reminder job queues one row per order, in order id: households of two groups of one
    robot interleave. Each group still gets its reminders in one message, not one push each."""
    base, state = fake
    add_robot_chat(factory, "g1", "K1", state)
    add_robot_chat(factory, "g2", "K1", state)
    for i in range(40):
        add_notices(
            factory,
            1,
            prefix=f"{i}号楼101 请于15:00–15:30到社区活动中心领取「鸡蛋」#",
            channel="wecom_robot",
            kind="reminder",
            target=f"g{1 + i % 2}",
        )
    assert push_due_notices(factory, {"wecom_robot": robot(factory, base)}, clock.now) == 40
    assert sorted(m["delivered_to"] for m in state.robot) == [["g1"], ["g2"]]


def test_mentions_go_as_text_with_mentioned_mobile_list(factory, fake, clock) -> None:  # type: ignore[no-untyped-def]
    base, state = fake
    add_robot_chat(factory, "g1", "K1", state)
    add_notices(
        factory,
        60,
        prefix="5号楼1102 请于16:00到东门领取大米 #",
        channel="wecom_robot",
        kind="reminder",
        mention_mobile="13800001234",
    )
    assert push_due_notices(factory, {"wecom_robot": robot(factory, base)}, clock.now) == 60
    assert all(m["msgtype"] == "text" for m in state.robot) and len(state.robot) >= 2
    assert all(utf8_len(m["text"]["content"]) <= 2048 for m in state.robot)
    assert all(m["text"]["mentioned_mobile_list"] == ["13800001234"] for m in state.robot)


def test_a_push_reaches_only_its_own_chat_of_the_robot(factory, fake, clock) -> None:  # type: ignore[no-untyped-def]
    """One robot, two groups and a 1:1 chat: each notice names its chat (chatid); a push
    without it would go to every group of the robot (@all_group)."""
    base, state = fake
    for chat in ("g1", "g2", "single-zhangsan"):
        add_robot_chat(factory, chat, "K1", state)
    add_notices(factory, 1, prefix="1号楼到货", channel="wecom_robot", target="g1")
    add_notices(factory, 1, prefix="长回复", channel="wecom_robot", target="single-zhangsan")
    assert push_due_notices(factory, {"wecom_robot": robot(factory, base)}, clock.now) == 2
    assert sorted((m["text"]["content"], m["delivered_to"]) for m in state.robot) == [
        ("1号楼到货0", ["g1"]),
        ("长回复0", ["single-zhangsan"]),
    ]


def test_a_broadcast_target_is_never_pushed(factory, fake, clock) -> None:  # type: ignore[no-untyped-def]
    base, state = fake
    add_robot_chat(factory, "@all_group", "K1", state)
    add_notices(factory, 1, channel="wecom_robot", target="@all_group")
    assert push_due_notices(factory, {"wecom_robot": robot(factory, base)}, clock.now) == 0
    assert state.robot == [] and statuses(factory) == {"dead": 1}


# --- 公众号 customer service: token and window ----------------------------------------------
# The window opens where it really does: the fake delivers the resident's message to Linli's
# webhook (safe mode) and notes the time; Linli writes last_message_at on that path.
@pytest.fixture
def mp_factory(  # type: ignore[no-untyped-def]
    app, wechat, clock, session_factory
) -> sessionmaker[Session]:
    """The web app's database, its webhook and the WeChat client on the test's clock (set to
    the real time: the pipeline stamps the notices it queues with it)."""
    clock.now = datetime.now(UTC).replace(microsecond=0)
    webhook_mp.set_clock(app, clock.epoch)
    wechat.now = clock.epoch
    return session_factory  # type: ignore[no-any-return]


def mp_channel(factory: sessionmaker[Session], base: str, clock: Clock) -> MpCustomerServiceChannel:
    s = settings_for(base)
    return MpCustomerServiceChannel(factory, s.wechat, s.scheduler, clock=lambda: clock.now)


def test_mp_token_is_shared_through_the_database(mp_factory, wechat, fake, clock) -> None:  # type: ignore[no-untyped-def]
    base, state = fake
    state.resident_writes(wechat, "o_u1", "帮助")
    mp_channel(mp_factory, base, clock).send(Message("o_u1", "一"))
    mp_channel(mp_factory, base, clock).send(Message("o_u1", "二"))  # another process
    assert state.token_calls == ["stable"]  # one fetch, via the stable-token endpoint
    with mp_factory() as s:
        assert s.get_one(AccessToken, "mp:wxapp").token in state.tokens


@pytest.mark.parametrize(
    ("breakage", "code"), [("expired", 42001), ("invalid", 40014), ("not latest", 40001)]
)
def test_mp_refreshes_token_when_the_platform_says_so(  # type: ignore[no-untyped-def]
    mp_factory, wechat, fake, clock, breakage, code
) -> None:
    """On the 公众号 40014, 42001 and 40001 (invalid credential) all mean: get a new token."""
    base, state = fake
    state.resident_writes(wechat, "o_u1", "帮助")
    mp = mp_channel(mp_factory, base, clock)
    mp.send(Message("o_u1", "一"))
    if breakage == "expired":
        state.expire_all_tokens()  # the server says 42001; our row still looks valid
    elif breakage == "invalid":
        with mp_factory.begin() as s:
            s.get_one(AccessToken, "mp:wxapp").token = "garbage"
    else:
        state.fail_next = [40001]
    mp.send(Message("o_u1", "二"))
    assert [m["text"]["content"] for m in state.mp_sent] == ["一", "二"]
    assert state.mp_rejected == [code]
    # the stable-token endpoint still hands out a token it thinks valid: then force a new one
    forced = ["stable-force"] if breakage == "not latest" else []
    assert state.token_calls == ["stable", "stable", *forced]
    assert state.clear_quota_calls == 0


def test_mp_server_off_the_ip_whitelist_is_told_and_retried(  # type: ignore[no-untyped-def]
    mp_factory, wechat, fake, clock
) -> None:
    base, state = fake
    state.resident_writes(wechat, "o_u1", "帮助")
    state.allowed_ips = {"203.0.113.7"}  # the operator has not added this server yet
    add_notices(mp_factory, 1, channel="mp", target="o_u1", not_before_at=clock.now)
    senders = {"mp": mp_channel(mp_factory, base, clock)}
    assert push_due_notices(mp_factory, senders, clock.now) == 0
    with mp_factory() as s:
        notice = s.scalars(select(Notice)).one()
    assert notice.status == PENDING and notice.attempts == 1
    assert "40164" in (notice.last_error or "") and "IP whitelist" in (notice.last_error or "")
    assert state.token_calls == []  # refused before any token was issued
    state.allowed_ips.add("127.0.0.1")
    clock.now += timedelta(minutes=20)
    assert push_due_notices(mp_factory, senders, clock.now) == 1


def test_a_resident_who_wrote_gets_the_workers_answer_1_to_1(  # type: ignore[no-untyped-def]
    mp_factory, wechat, fake, clock
) -> None:
    """The whole path: a need through the webhook, 接单 by a worker, the notice at the API."""
    base, state = fake
    with mp_factory.begin() as s:
        s.add(Member(channel="sim", external_id="w1", display_name="王", role="worker"))
    reply = state.resident_writes(wechat, "o_res", "我家老人降压药只剩两天了，谁能帮忙代买？")
    assert reply is not None
    with mp_factory() as s:
        ticket = s.scalars(select(Need.id)).one()
    taken = process(mp_factory, _worker_says(f"接单 {ticket}", clock))
    assert taken and str(ticket) in taken
    clock.now += timedelta(hours=47)  # still inside the 48 h after the resident's message
    senders = {"mp": mp_channel(mp_factory, base, clock)}
    assert push_due_notices(mp_factory, senders, clock.now) == 1
    [sent] = state.mp_sent
    assert sent["touser"] == "o_res" and str(ticket) in sent["text"]["content"]
    assert state.mp_rejected == []


def test_a_registered_resident_who_wrote_gets_the_pickup_reminder_1_to_1(  # type: ignore[no-untyped-def]
    mp_factory, wechat, fake, clock
) -> None:
    """The scheduler's reminder chooses the 公众号 because the resident's message (登记)
    opened the window; it used to fall back to the group every time."""
    base, state = fake
    state.resident_writes(wechat, "o_reg", "登记 3-2-201 王 13800001234")
    with mp_factory.begin() as s:
        household = s.scalars(select(Household.id)).one()
        s.add(Chat(channel="wecom_robot", external_id="g1", webhook_url="K1"))
        camp = Campaign(chat_id="g1", channel="wecom_robot", title="鸡蛋", created_by="w")
        s.add(camp)
        s.flush()
        s.add(
            Order(
                campaign_id=camp.id,
                household_id=household,
                status="ready",
                slot_start_at=clock.now + timedelta(minutes=20),
                pickup_code="A7",
            )
        )
    assert (
        jobs.queue_campaign_notices(mp_factory, clock.now, SchedulerSettings(), DEFAULT_ZONE) == 1
    )
    senders: dict[str, Channel] = {
        "mp": mp_channel(mp_factory, base, clock),
        "wecom_robot": robot(mp_factory, base),
    }
    assert push_due_notices(mp_factory, senders, clock.now) == 1
    [sent] = state.mp_sent
    assert sent["touser"] == "o_reg" and "A7" in sent["text"]["content"]
    assert state.robot == []


def _worker_says(text: str, clock: Clock) -> Incoming:
    return Incoming("sim", f"w{clock.epoch()}", "w1", "w1", text, clock.now, is_group=False)


def _order_in_group(factory: sessionmaker[Session], clock: Clock) -> int:
    with factory.begin() as s:
        s.add(Chat(channel="wecom_robot", external_id="g1", webhook_url="K1"))
        hh = Household(building="3", unit="2", room="201")
        s.add(hh)
        s.flush()
        camp = Campaign(chat_id="g1", title="鸡蛋", created_by="w", pickup_point="活动中心")
        s.add(camp)
        s.flush()
        order = Order(
            campaign_id=camp.id,
            household_id=hh.id,
            status="ready",
            slot_start_at=clock.now + timedelta(minutes=20),
            pickup_code="A7",
        )
        s.add(order)
        s.flush()
        s.execute(update(Member).values(household_id=hh.id))
        return order.id


def _someone_else_sends_5(base: str, state: FakeTencent, openid: str) -> None:
    """The account's own staff (the 公众号 console, another tool) use up the window's quota."""
    token = (
        state.current_valid_token()
        or requests.post(
            f"{base}/cgi-bin/stable_token",
            json={"grant_type": "client_credential", "appid": "wxapp", "secret": "secret"},
            timeout=5,
        ).json()["access_token"]
    )
    for i in range(5):
        body = {"touser": openid, "msgtype": "text", "text": {"content": f"客服{i}"}}
        answer = requests.post(
            f"{base}/cgi-bin/message/custom/send?access_token={token}", json=body, timeout=5
        ).json()
        assert answer["errcode"] == 0, answer


@pytest.mark.parametrize(
    ("last_seen", "code"), [(timedelta(hours=49), 45015), (timedelta(hours=1), 45047)]
)
def test_outside_window_falls_back_to_the_group_the_order_came_from(  # type: ignore[no-untyped-def]
    mp_factory, wechat, fake, clock, last_seen, code
) -> None:
    base, state = fake
    clock.now -= last_seen
    state.resident_writes(wechat, "o_u1", "帮助")
    clock.now += last_seen
    if code == 45047:  # the platform counts 5 already sent in this window
        _someone_else_sends_5(base, state, "o_u1")
    order_id = _order_in_group(mp_factory, clock)
    state.robot_chats["K1"] = {"g1"}
    add_notices(
        mp_factory,
        1,
        prefix="您的鸡蛋请于",
        channel="mp",
        target="o_u1",
        kind="reminder",
        order_id=order_id,
        expires_at=clock.now + timedelta(minutes=20),
    )
    senders: dict[str, Channel] = {
        "mp": mp_channel(mp_factory, base, clock),
        "wecom_robot": robot(mp_factory, base),
    }
    assert push_due_notices(mp_factory, senders, clock.now) == 1  # the group notice
    with mp_factory() as s:
        rows = s.scalars(select(Notice).order_by(Notice.id)).all()
    assert [(r.channel, r.status, r.needs_manual) for r in rows] == [
        ("mp", FALLBACK, False),
        ("wecom_robot", SENT, False),  # the group reaches the resident: no worker needed
    ]
    assert "A7" not in state.robot[0]["markdown"]["content"]  # no pickup code in the group
    assert state.mp_rejected == ([] if code == 45015 else [45047])  # 45015 caught before calling


# --- 企业微信 app: tokens and secrets --------------------------------------------------------
def app_channel(
    factory: sessionmaker[Session], base: str, secret: str = "secret"
) -> WeComAppChannel:
    s = settings_for(base)
    return WeComAppChannel(factory, dataclasses.replace(s.wecom, app_secret=secret), s.scheduler)


@pytest.mark.parametrize(("breakage", "code"), [("expired", 42001), ("invalid", 40014)])
def test_app_refreshes_its_token_on_40014_and_42001(factory, fake, clock, breakage, code) -> None:  # type: ignore[no-untyped-def]
    base, state = fake
    app = app_channel(factory, base)
    app.send(Message("worker1", "一"))
    if breakage == "expired":
        state.expire_all_tokens()
    else:
        with factory.begin() as s:
            s.get_one(AccessToken, "wecom_app:corp:7").token = "garbage"
    app.send(Message("worker1", "二"))
    assert [m["text"]["content"] for m in state.app_delivered] == ["一", "二"]
    assert state.app_rejected == [code] and state.token_calls == ["gettoken", "gettoken"]


def test_app_wrong_secret_is_a_configuration_error_not_a_token(factory, fake, clock) -> None:  # type: ignore[no-untyped-def]
    """On 企业微信 40001 is 不合法的secret参数: refreshing cannot help; the operator is told."""
    base, state = fake
    add_notices(factory, 1, channel="wecom_app", target="worker1")
    senders = {"wecom_app": app_channel(factory, base, secret="typo")}
    assert push_due_notices(factory, senders, clock.now) == 0
    with factory() as s:
        notice = s.scalars(select(Notice)).one()
    assert notice.status == PENDING and notice.attempts == 1
    assert "wecom.app_secret is wrong" in (notice.last_error or "")
    assert state.token_calls == [] and state.app_delivered == []


def test_app_server_outside_the_trusted_ips_is_told(factory, fake, clock) -> None:  # type: ignore[no-untyped-def]
    base, state = fake
    state.allowed_ips = {"203.0.113.7"}
    add_notices(factory, 1, channel="wecom_app", target="worker1")
    assert push_due_notices(factory, {"wecom_app": app_channel(factory, base)}, clock.now) == 0
    with factory() as s:
        error = s.scalars(select(Notice.last_error)).one() or ""
    assert "60020" in error and "企业可信IP" in error


# --- 企业微信 app: 30 per minute per member ---------------------------------------------------
def test_app_messages_are_paced_so_none_is_dropped(factory, fake, clock) -> None:  # type: ignore[no-untyped-def]
    base, state = fake
    s = settings_for(base)
    app = WeComAppChannel(factory, s.wecom, s.scheduler)
    add_notices(factory, 35, channel="wecom_app", target="worker1")
    assert push_due_notices(factory, {"wecom_app": app}, clock.now) == 30
    clock.now += timedelta(seconds=61)
    assert push_due_notices(factory, {"wecom_app": app}, clock.now) == 5
    assert len(state.app_delivered) == 35 and state.app_dropped == []
    assert state.token_calls == ["gettoken"]


# --- a notice too long for one message ------------------------------------------------------
def test_a_long_notice_at_the_robots_limit_is_never_sent_twice(factory, fake, clock) -> None:  # type: ignore[no-untyped-def]
    """A reply over 2048 bytes goes as two pushes; when only one push is left in the robot's
    minute, the first part must not go now and again with the second a minute later."""
    base, state = fake
    add_robot_chat(factory, "g1", "K1", state)
    add_notices(factory, 19, prefix="到货通知", channel="wecom_robot")
    long_text = "\n".join(f"{i}号楼2单元201 王阿姨 青菜两斤 鸡蛋一盒" for i in range(60))
    add_notices(factory, 1, prefix=long_text, channel="wecom_robot")
    senders = {"wecom_robot": robot(factory, base)}
    push_due_notices(factory, senders, clock.now)
    clock.now += timedelta(seconds=61)
    push_due_notices(factory, senders, clock.now)
    contents = [m["text"]["content"] for m in state.robot]
    assert statuses(factory) == {SENT: 20}
    assert len(contents) == 21 and len(set(contents)) == 21  # 19 short + the long one in two
    assert "\n".join(c for c in contents if "号楼" in c) == f"{long_text}0"


@pytest.mark.parametrize("code", [45009, -1], ids=["throttled", "system-busy"])
def test_a_long_notice_refused_halfway_sends_only_its_rest(factory, fake, clock, code) -> None:  # type: ignore[no-untyped-def]
    """Tencent takes the first part and refuses the second (45009 from another user of the
    robot, -1 system busy): the retry sends the second part, not the whole notice again."""
    base, state = fake
    add_robot_chat(factory, "g1", "K1", state)
    long_text = "\n".join(f"{i}号楼2单元201 王阿姨 青菜两斤 鸡蛋一盒" for i in range(60))
    add_notices(factory, 1, prefix=long_text, channel="wecom_robot")
    state.fail_next = [0, code]
    senders = {"wecom_robot": robot(factory, base)}
    assert push_due_notices(factory, senders, clock.now) == 0
    clock.now += timedelta(minutes=16)
    assert push_due_notices(factory, senders, clock.now) == 1
    contents = [m["text"]["content"] for m in state.robot]
    assert state.robot_rejected == [code] and len(contents) == 2
    assert "\n".join(contents) == f"{long_text}0"


def test_app_messages_are_paced_under_the_hourly_limit_too(factory, fake, clock) -> None:  # type: ignore[no-untyped-def]
    """30 a minute is 1800 an hour, but WeCom drops what is over 1000 an hour per member."""
    base, state = fake
    s = settings_for(base)
    app = WeComAppChannel(factory, s.wecom, s.scheduler)
    add_notices(factory, 1020, channel="wecom_app", target="worker1")
    for _ in range(40):
        push_due_notices(factory, {"wecom_app": app}, clock.now)
        clock.now += timedelta(seconds=61)
    assert state.app_dropped == []
    assert len(state.app_delivered) == 1000 and statuses(factory) == {SENT: 1000, PENDING: 20}
    clock.now += timedelta(minutes=20)
    assert push_due_notices(factory, {"wecom_app": app}, clock.now) == 20


def test_worker_notices_without_an_app_secret_say_why(factory, fake, clock) -> None:  # type: ignore[no-untyped-def]
    """企业微信 on for the robot and the app's callback, but no app Secret: a worker's notice
    cannot go; it is retried with the missing setting named, and dead-lettered for the list."""
    base, state = fake
    s = settings_for(base)
    s = dataclasses.replace(s, wecom=dataclasses.replace(s.wecom, app_secret=""))
    add_notices(factory, 1, channel="wecom_app", target="worker1")
    assert push_due_notices(factory, channels_from_settings(s, factory), clock.now) == 0
    with factory() as session:
        notice = session.scalars(select(Notice)).one()
    assert notice.status == PENDING and "wecom.app_secret" in (notice.last_error or "")
    assert state.token_calls == [] and state.app_delivered == []


def test_a_second_sender_never_repeats_what_a_slow_first_one_still_holds(factory) -> None:  # type: ignore[no-untyped-def]
    """Tencent answers slowly: the first sender's batch outlives its lease, and a second sender
    (`python -m scheduler --sender`) takes over the rows not yet sent. The first must then
    leave them, or a worker gets the same message twice."""
    with serve_fake_tencent(FakeTencent(latency=0.25)) as (base, state):
        s = settings_for(base)
        app = WeComAppChannel(factory, s.wecom, s.scheduler)
        app.send(Message("w-warmup", "令牌"))  # the token is fetched before the race
        for i in range(8):
            add_notices(factory, 1, prefix=f"紧急需求{i}", channel="wecom_app", target=f"w{i}")
        options = OutboxOptions(lease=timedelta(seconds=1))
        first = threading.Thread(
            target=push_due_notices, args=(factory, {"wecom_app": app}, None, options)
        )
        first.start()
        time.sleep(1.3)
        push_due_notices(factory, {"wecom_app": app}, None, options)
        first.join()
    texts = [m["text"]["content"] for m in state.app_delivered if m["touser"] != "w-warmup"]
    assert sorted(texts) == sorted(f"紧急需求{i}0" for i in range(8))
    assert statuses(factory) == {SENT: 8}


def test_a_deleted_robots_notices_fail_at_once_with_the_reason(factory, fake, clock) -> None:  # type: ignore[no-untyped-def]
    """The robot was deleted in WeCom (93000, invalid webhook url): no retries for an hour; the
    notice goes to the workers' failure list with the platform's reason."""
    base, state = fake
    add_robot_chat(factory, "g1", "K-gone")
    add_notices(factory, 1, channel="wecom_robot")
    assert push_due_notices(factory, {"wecom_robot": robot(factory, base)}, clock.now) == 0
    with factory() as s:
        notice = s.scalars(select(Notice)).one()
    assert notice.status == "dead" and "93000" in (notice.last_error or "")
    assert state.robot_rejected == [93000]


def test_a_worker_the_account_cannot_reach_is_not_told_so_again_and_again(  # type: ignore[no-untyped-def]
    mp_factory, wechat, fake, clock
) -> None:
    """A worker bound only on the 公众号, silent for days: an alert to them is refused (45015).
    It is dead-lettered for the failure list; the other workers had their own copy and hear
    nothing more, and no refusal breeds a notice that is refused in turn (the sender looped
    for ever on that)."""
    base, state = fake
    clock.now -= timedelta(hours=50)
    state.resident_writes(wechat, "o_worker", "帮助")  # wrote 50 h ago: the window is shut
    clock.now += timedelta(hours=50)
    with mp_factory.begin() as s:
        s.execute(update(Member).values(role="worker"))
        s.add(Member(channel="wecom_app", external_id="w2", display_name="李", role="worker"))
    add_notices(mp_factory, 1, prefix="【紧急需求 #1】", channel="mp", target="o_worker")
    senders: dict[str, Channel] = {
        "mp": mp_channel(mp_factory, base, clock),
        "wecom_app": app_channel(mp_factory, base),
    }
    for _ in range(3):
        push_due_notices(mp_factory, senders, clock.now)
        clock.now += timedelta(minutes=1)
    with mp_factory() as s:
        rows = s.scalars(select(Notice).order_by(Notice.id)).all()
    assert [(r.channel, r.target, r.status) for r in rows] == [("mp", "o_worker", "dead")]
    assert state.app_delivered == [] and state.mp_rejected == []  # 45015 known before calling
