"""bot.pipeline's inbox: a delivery is stored once, with its handling in one transaction, on
SQLite and on PostgreSQL (the duplicate is found by the unique constraint)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import pipeline
from bot.pipeline import from_payload, process, store_inbox
from handlers import texts
from handlers.context import Context
from handlers.routes import dispatch
from handlers.types import Action, Incoming
from models import InboxMessage, Member, Need

T0 = datetime(2022, 4, 10, 1, 0, tzinfo=UTC)


def message(sender: str = "o_u1", msg_id: str = "m1", text: str = "你好") -> Incoming:
    return Incoming("sim", msg_id, sender, "g1", text, T0, is_group=True)


def test_a_delivery_is_stored_once_and_a_retry_finds_it(
    db_factory: sessionmaker[Session],
) -> None:
    first_id, first_new = store_inbox(db_factory, message())
    again_id, again_new = store_inbox(db_factory, message(text="changed on the way"))
    # the same MsgId from another user is another message
    other_id, other_new = store_inbox(db_factory, message(sender="o_u2"))
    assert (first_new, again_id, again_new) == (True, first_id, False)
    assert other_new and other_id != first_id
    with db_factory() as session:
        rows = session.execute(select(InboxMessage.id, InboxMessage.payload)).all()
    assert sorted(i for i, _ in rows) == sorted([first_id, other_id])
    assert {from_payload(p).text for _, p in rows} == {"你好"}  # the first delivery is kept


def test_a_retry_after_handling_gets_the_stored_reply(db_factory: sessionmaker[Session]) -> None:
    msg = Incoming("sim", "m2", "o_u1", "o_u1", "帮助", T0)
    first = process(db_factory, msg)
    assert first
    assert process(db_factory, msg) == first
    with db_factory() as session:
        assert len(session.scalars(select(InboxMessage.id)).all()) == 1


def last_message(factory: sessionmaker[Session], channel: str, sender: str) -> datetime | None:
    with factory() as session:
        return session.scalar(
            select(Member.last_message_at).where(
                Member.channel == channel, Member.external_id == sender
            )
        )


def test_every_message_moves_the_senders_last_message_forward(
    db_factory: sessionmaker[Session],
) -> None:
    """The 公众号 window opens at the resident's real message: a follower Linli never met
    becomes a member, a later message moves the time, an older one (a slow retry) does not."""
    later = T0 + timedelta(hours=3)
    process(db_factory, Incoming("mp", "m1", "o_new", "o_new", "你好", T0, is_group=False))
    assert last_message(db_factory, "mp", "o_new") == T0
    process(db_factory, Incoming("mp", "m2", "o_new", "o_new", "在吗", later, is_group=False))
    process(db_factory, Incoming("mp", "m0", "o_new", "o_new", "旧的", T0, is_group=False))
    assert last_message(db_factory, "mp", "o_new") == later
    gone = Incoming("mp", "", "o_new", "o_new", "", later + timedelta(hours=1), is_group=False)
    process(db_factory, dataclasses.replace(gone, kind="event", event="unsubscribe"))
    assert last_message(db_factory, "mp", "o_new") == later


def test_a_group_sender_on_another_channel_is_not_made_a_member(
    db_factory: sessionmaker[Session],
) -> None:
    with db_factory.begin() as session:
        session.add(Member(channel="sim", external_id="u-known", role="resident"))
    process(db_factory, message(sender="u-known", msg_id="k1"))
    process(db_factory, message(sender="u-stranger", msg_id="s1"))
    assert last_message(db_factory, "sim", "u-known") == T0
    with db_factory() as session:
        senders = session.scalars(select(Member.external_id)).all()
    assert senders == ["u-known"]


def test_a_handler_bug_keeps_the_message_flagged_and_undoes_what_it_began(
    db_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The row and its effects commit together: a bug after the need was written leaves no
    half-handled need, the message stays (flagged for a worker) and a retry gets the same
    answer without a second try."""

    def buggy(msg: Incoming, ctx: Context) -> list[Action]:
        dispatch(msg, ctx)  # writes the need …
        raise RuntimeError("a bug after the need was written")

    monkeypatch.setattr(pipeline, "dispatch", buggy)
    msg = Incoming("sim", "b1", "o_u1", "o_u1", "请帮忙代买一盒降压药", T0, is_group=False)
    assert process(db_factory, msg) == texts.INTERNAL_ERROR
    monkeypatch.setattr(pipeline, "dispatch", dispatch)
    assert process(db_factory, msg) == texts.INTERNAL_ERROR
    with db_factory() as session:
        [row] = session.scalars(select(InboxMessage)).all()
        assert session.scalars(select(Need)).all() == []
    assert row.error and row.handled_at is not None and from_payload(row.payload) == msg
