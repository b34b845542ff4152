"""A need's answer reaches the resident who asked, or the workers hear it did not.

End to end: the resident writes to the 公众号 (signed, encrypted), the worker answers in the
企业微信 app, the sender delivers through the fake Tencent, which refuses a customer-service
message outside the 48 h window (45015) as WeChat does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from tests.fake_tencent import FakeTencent, serve_fake_tencent
from tests.reach_support import GROUPS, ROBOT_KEY, Clock, Street, build_street, street_settings

NEED = "我家老人降压药只剩两天了，谁能帮忙代买？"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> Iterator[tuple[str, FakeTencent]]:
    with serve_fake_tencent(FakeTencent(clock=clock.epoch)) as (base, state):
        state.robot_chats[ROBOT_KEY] = set(GROUPS.values())
        yield base, state


@pytest.fixture
def settings(tmp_path: Path, fake: tuple[str, FakeTencent]) -> Settings:
    return street_settings(tmp_path, fake[0])


@pytest.fixture
def street(
    app: Flask,
    client: FlaskClient,
    session_factory: sessionmaker[Session],
    fake: tuple[str, FakeTencent],
    settings: Settings,
    clock: Clock,
) -> Street:
    return build_street(app, client, session_factory, fake[1], settings, clock)


def _asks(street: Street) -> int:
    """张奶奶 registers and asks for help on the 公众号; the ticket number."""
    assert "4-1-101" in street.mp("o-zhang", "登记 4-1-101 张奶奶 13800040101")
    reply = street.mp("o-zhang", NEED)
    found = re.search(r"#(\d+)", reply)
    assert found, reply
    return int(found[1])


def test_a_need_finished_after_the_window_is_told_to_the_workers(street: Street) -> None:
    """Taken within the hour (the resident hears it 1:1); finished three days later, when the
    公众号 may no longer write to her: the worker must not believe she was told."""
    ticket = _asks(street)
    street.clock.at(street.clock.now + timedelta(minutes=30))
    street.app_says(f"接单 {ticket}")
    street.drain()
    assert any(f"#{ticket}" in t and "接单" in t for t in street.mp_texts("o-zhang"))
    street.clock.at(street.clock.now + timedelta(days=3))
    street.app_says(f"完成 {ticket} 已送药上门")
    street.drain()

    assert not any("处理完成" in t for t in street.mp_texts("o-zhang"))
    told = [t for t in street.app_texts() if "没能发给居民" in t]
    assert len(told) == 1, street.app_texts()
    assert "4-1-101" in told[0] and f"#{ticket}" in told[0] and "处理完成" in told[0]
