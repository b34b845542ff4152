"""Tests of the chatter route: silent in groups, a short hint or welcome in 1:1."""

from __future__ import annotations

import pytest

from handlers import texts
from handlers.chatter import handle_chatter, match_chatter
from handlers.types import Kind, Reply
from tests.fakes_needs import World, message


def _run(text: str, *, is_group: bool, kind: Kind = "text", event: str = "") -> list[object]:
    ctx = World().ctx()
    msg = message(text, is_group=is_group, kind=kind, event=event)
    label = match_chatter(msg, ctx)
    assert label is not None  # the last route matches everything
    return list(handle_chatter(msg, label, ctx))


@pytest.mark.parametrize("text", ["今天天气不错", "谢谢周姐🙏", "[强][强]", "👍", "收到"])
def test_silent_in_groups(text: str) -> None:
    assert _run(text, is_group=True) == []


def test_images_in_groups_are_ignored() -> None:
    assert _run("", is_group=True, kind="image") == []


def test_hint_in_1to1() -> None:
    assert _run("你好", is_group=False) == [Reply(texts.CHATTER_HINT)]


def test_thanks_in_1to1_get_a_short_answer() -> None:
    assert _run("谢谢你们，辛苦了🙏", is_group=False) == [Reply(texts.CHATTER_THANKS)]


@pytest.mark.parametrize("text", ["收到", "好的", "👍👍", "[强]"])
def test_plain_acknowledgements_need_no_answer(text: str) -> None:
    assert _run(text, is_group=False) == []


@pytest.mark.parametrize("kind", ["image", "other"])
def test_non_text_in_1to1(kind: Kind) -> None:
    assert _run("", is_group=False, kind=kind) == [Reply(texts.UNSUPPORTED_MESSAGE)]


def test_voice_without_recognition_text_is_unsupported() -> None:
    assert _run("", is_group=False, kind="voice") == [Reply(texts.UNSUPPORTED_MESSAGE)]


def test_subscribe_gets_the_welcome() -> None:
    assert _run("", is_group=False, kind="event", event="subscribe") == [Reply(texts.WELCOME)]


def test_other_events_are_silent() -> None:
    assert _run("", is_group=False, kind="event", event="unsubscribe") == []
