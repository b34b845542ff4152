"""bot.pipeline's inbox: a delivery is stored once and committed before handling, on SQLite
and on PostgreSQL (the duplicate is found after the unique constraint refuses it)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.pipeline import from_payload, process, store_inbox
from handlers.types import Incoming
from models import InboxMessage, make_engine, make_session_factory
from models.migrate import upgrade_to_head

T0 = datetime(2022, 4, 10, 1, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def factory(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[sessionmaker[Session]]:
    """A migrated database: a SQLite file, or a fresh database on the suite's PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('inbox') / 'linli.db'}"
    else:
        url = request.getfixturevalue("pg_migrated_url")
    engine = make_engine(url)
    upgrade_to_head(engine)
    yield make_session_factory(engine)
    engine.dispose()


def message(sender: str = "o_u1", msg_id: str = "m1", text: str = "你好") -> Incoming:
    return Incoming("sim", msg_id, sender, "g1", text, T0, is_group=True)


def test_a_delivery_is_stored_once_and_a_retry_finds_it(
    factory: sessionmaker[Session],
) -> None:
    first_id, first_new = store_inbox(factory, message())
    again_id, again_new = store_inbox(factory, message(text="changed on the way"))
    other_id, other_new = store_inbox(factory, message(sender="o_u2"))  # ids collide across users
    assert (first_new, again_id, again_new) == (True, first_id, False)
    assert other_new and other_id != first_id
    with factory() as session:
        rows = session.execute(select(InboxMessage.id, InboxMessage.payload)).all()
    assert sorted(i for i, _ in rows) == sorted([first_id, other_id])
    assert {from_payload(p).text for _, p in rows} == {"你好"}  # the first delivery is kept


def test_a_retry_after_handling_gets_the_stored_reply(factory: sessionmaker[Session]) -> None:
    msg = Incoming("sim", "m2", "o_u1", "o_u1", "帮助", T0)
    first = process(factory, msg)
    assert first
    assert process(factory, msg) == first
    with factory() as session:
        assert len(session.scalars(select(InboxMessage.id)).all()) == 1
