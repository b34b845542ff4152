"""Helpers shared by the outbox, channel and scheduler tests (database, rows, settings)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.config import DatabaseSettings, SchedulerSettings, Settings, WeChatSettings, WeComSettings
from models import Base, Chat, Notice, make_engine, make_session_factory
from tests.fake_tencent import FakeTencent

T0 = datetime(2022, 4, 12, 6, 0, tzinfo=UTC)  # 14:00 in Shanghai


def make_factory(tmp_path: Path, name: str = "t.db") -> sessionmaker[Session]:
    """A fresh SQLite file (WAL, BEGIN IMMEDIATE) with every table."""
    engine = make_engine(f"sqlite:///{tmp_path / name}")
    Base.metadata.create_all(engine)
    return make_session_factory(engine)


def add_notices(
    factory: sessionmaker[Session], count: int, prefix: str = "n", **fields: Any
) -> list[int]:
    """`count` notices with texts `<prefix>0`, `<prefix>1`, ... and the given columns."""
    values: dict[str, Any] = {"channel": "sim", "target": "g1", "not_before_at": T0, **fields}
    with factory.begin() as session:
        rows = [
            Notice(text=f"{prefix}{i}", dedupe_key=f"{prefix}:{values['target']}:{i}", **values)
            for i in range(count)
        ]
        session.add_all(rows)
        session.flush()
        return [r.id for r in rows]


def add_robot_chat(
    factory: sessionmaker[Session], chat_id: str, key: str, fake: FakeTencent | None = None
) -> None:
    """A WeCom group with its robot's webhook (and the robot added to it at the fake)."""
    if fake is not None:
        fake.robot_chats.setdefault(key, set()).add(chat_id)
    with factory.begin() as session:
        session.add(
            Chat(
                channel="wecom_robot",
                external_id=chat_id,
                title=chat_id,
                webhook_url=f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={key}",
            )
        )


def settings_for(base_url: str, db_url: str = "sqlite://", **sched: Any) -> Settings:
    """Settings pointing every Tencent API at the fake server."""
    return Settings(
        database=DatabaseSettings(url=db_url),
        wechat=WeChatSettings(
            enabled=True, app_id="wxapp", app_secret="secret", api_base_url=base_url
        ),
        wecom=WeComSettings(
            enabled=True, corp_id="corp", app_secret="secret", app_agent_id=7, api_base_url=base_url
        ),
        scheduler=SchedulerSettings(**sched),
    )
