"""Nothing acknowledged waits for a restart: a retry of a row a killed worker left unhandled
handles it, and the scheduler's sweeper hands any row left unhandled for a few seconds to the
pipeline, once, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from bot.pipeline import process, store_inbox
from bot.wechat_mp import parse_message
from handlers import texts
from handlers.types import Incoming
from models import InboxMessage, Notice
from scheduler.inbox import handle_stale_inbox
from tests import wechat_client as wc
from tests.wechat_client import WeChatActions, make_text_xml

STALE = timedelta(seconds=10)


def resident_message(msg_id: str = "6000000000000000001", sender: str = "o_kill") -> Incoming:
    xml = make_text_xml("帮助", FromUserName=sender, MsgId=msg_id, CreateTime=int(time.time()))
    return parse_message(xml).incoming


def rows(factory: sessionmaker[Session]) -> list[InboxMessage]:
    with factory() as session:
        return list(session.scalars(select(InboxMessage).order_by(InboxMessage.id)))


def notices(factory: sessionmaker[Session]) -> list[tuple[str, str, str]]:
    with factory() as session:
        found = session.execute(select(Notice.channel, Notice.target, Notice.text)).all()
    return [tuple(n) for n in found]  # type: ignore[misc]


def test_a_wechat_retry_of_an_unhandled_row_gets_the_real_reply(
    wechat: WeChatActions, session_factory: sessionmaker[Session]
) -> None:
    """The first delivery's worker was killed after the inbox commit: the retry handles it
    (it used to get the stored empty reply, and the message waited for a restart)."""
    msg = resident_message(wc.next_msg_id())
    store_inbox(session_factory, msg)
    reply = wechat.send_text("帮助", sender_id=msg.sender_id, msg_id=msg.msg_id, safe=True)
    assert reply == texts.HELP_TEXT
    [row] = rows(session_factory)
    assert row.handled_at is not None and row.reply == texts.HELP_TEXT
    assert notices(session_factory) == []  # answered passively: nothing through the outbox


def test_a_retry_of_an_unhandled_row_is_handled_through_the_pipeline(
    db_factory: sessionmaker[Session],
) -> None:
    msg = Incoming("sim", "r1", "u1", "u1", "帮助", datetime.now(UTC), is_group=False)
    store_inbox(db_factory, msg)
    assert process(db_factory, msg) == texts.HELP_TEXT
    assert process(db_factory, msg) == texts.HELP_TEXT  # and once handled, the stored reply


def test_the_sweeper_handles_a_stale_row_once_and_sends_its_reply(
    db_factory: sessionmaker[Session],
) -> None:
    msg = resident_message()
    store_inbox(db_factory, msg)  # answered 200, then the worker was killed
    now = datetime.now(UTC)
    assert handle_stale_inbox(db_factory, now + timedelta(seconds=5), STALE) == 0  # still young
    assert handle_stale_inbox(db_factory, now + timedelta(seconds=11), STALE) == 1
    assert handle_stale_inbox(db_factory, now + timedelta(seconds=13), STALE) == 0
    [row] = rows(db_factory)
    assert row.handled_at is not None and row.reply == texts.HELP_TEXT
    assert notices(db_factory) == [("mp", "o_kill", texts.HELP_TEXT)]  # 客服消息, once
    assert process(db_factory, msg) == texts.HELP_TEXT  # a late retry reads the stored reply
    assert len(notices(db_factory)) == 1


@pytest.mark.postgres
def test_the_sweeper_leaves_a_row_another_delivery_is_handling(pg_migrated_url: str) -> None:
    """PostgreSQL: the sweeper skips a row whose handling transaction is open (no waiting, no
    second handling) and takes it only if that transaction ends without handling it."""
    from models.base import make_engine, make_session_factory

    engine = make_engine(pg_migrated_url)
    factory = make_session_factory(engine)
    try:
        inbox_id, _ = store_inbox(factory, resident_message())
        later = datetime.now(UTC) + timedelta(seconds=11)
        holding, release = threading.Event(), threading.Event()

        def in_flight() -> None:
            with engine.connect() as conn:
                conn.execute(
                    text("SELECT id FROM inbox_messages WHERE id = :i FOR UPDATE"), {"i": inbox_id}
                )
                holding.set()
                release.wait(10)
                conn.rollback()  # the worker died without handling it

        worker = threading.Thread(target=in_flight)
        worker.start()
        assert holding.wait(10)
        started = time.monotonic()
        assert handle_stale_inbox(factory, later, STALE) == 0
        assert time.monotonic() - started < 2
        release.set()
        worker.join(10)
        assert handle_stale_inbox(factory, later, STALE) == 1
    finally:
        engine.dispose()
