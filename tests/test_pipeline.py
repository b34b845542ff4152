"""bot.pipeline's inbox: a delivery is stored once and committed before handling, on SQLite
and on PostgreSQL (the duplicate is found after the unique constraint refuses it)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.pipeline import from_payload, process, store_inbox
from handlers.types import Incoming
from models import InboxMessage

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
