"""The outbox writer: one insert for many rows, dedupe by key, long keys shortened; and the
channel a group notice goes out on when one chat id is registered on several channels."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.base import make_engine, make_session_factory
from models.community import Chat
from models.messaging import Notice
from models.migrate import upgrade_to_head
from models.notices import digest_key, insert_notices
from scheduler.destinations import group_destination

NOW = datetime(2022, 4, 12, 12, 0, tzinfo=UTC)


def _factory(tmp_path: Path) -> sessionmaker[Session]:
    engine = make_engine(f"sqlite:///{tmp_path / 'n.db'}")
    upgrade_to_head(engine)
    return make_session_factory(engine)


def _row(key: str, text: str = "明天下午3点到货") -> dict[str, object]:
    return {"channel": "sim", "target": "g1", "text": text, "dedupe_key": key, "not_before_at": NOW}


def test_rows_are_added_once_per_key(tmp_path: Path) -> None:
    factory = _factory(tmp_path)
    with factory.begin() as s:
        assert insert_notices(s, [_row("arrival:1"), _row("arrival:2")]) == 2
    with factory.begin() as s:
        assert insert_notices(s, [_row("arrival:1", "again"), _row("arrival:3")]) == 1
    with factory() as s:
        rows = s.scalars(select(Notice).order_by(Notice.id)).all()
    assert [(n.dedupe_key, n.text) for n in rows] == [
        ("arrival:1", "明天下午3点到货"),
        ("arrival:2", "明天下午3点到货"),
        ("arrival:3", "明天下午3点到货"),
    ]
    assert all(n.not_before_at == NOW for n in rows)


def test_a_long_key_is_stored_as_its_digest_and_still_dedupes(tmp_path: Path) -> None:
    factory = _factory(tmp_path)
    key = "reminder:" + "x" * 300
    with factory.begin() as s:
        assert insert_notices(s, [_row(key)]) == 1
        assert insert_notices(s, [_row(key)]) == 0
    with factory() as s:
        assert s.scalars(select(Notice.dedupe_key)).one() == digest_key(key)
    assert len(digest_key(key)) == 40 and digest_key("short") == "short"


def test_group_notice_goes_out_on_the_campaigns_channel(tmp_path: Path) -> None:
    factory = _factory(tmp_path)
    with factory.begin() as s:
        s.add(Chat(channel="sim", external_id="g-1", title="3号楼群"))
        s.add(Chat(channel="wecom_robot", external_id="g-1", title="3号楼群"))
    with factory() as s:
        assert group_destination(s, "g-1", "wecom_robot").channel == "wecom_robot"
        assert group_destination(s, "g-1", "sim").channel == "sim"
        assert group_destination(s, "g-1", "bridge").channel == "sim"  # first registered
        assert group_destination(s, "g-unknown", "bridge").channel == "bridge"
