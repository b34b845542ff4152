"""Chatter: whatever no other route took. Silent in groups; a short hint in a 1:1 chat."""

from __future__ import annotations

from handlers import texts
from handlers.context import Context
from handlers.needs.answers import note_answer
from handlers.needs.classify import is_ack
from handlers.needs.lexicon import normalise
from handlers.routing import Route
from handlers.types import Action, Incoming, Reply

SUBSCRIBE = "subscribe"
EVENT = "event"
NON_TEXT = "non_text"
THANKS = "thanks"
ACK = "ack"
TEXT = "text"
_THANKS_WORDS = ("谢", "感谢", "辛苦")
_GREETINGS = ("你好", "您好", "在吗", "hi", "hello", "大家好")


def match_chatter(msg: Incoming, ctx: Context) -> str | None:
    """Label any message reaching this last route: subscribe, event, non_text, thanks, ack, text."""
    if msg.kind == "event":
        return SUBSCRIBE if msg.event == "subscribe" else EVENT
    if msg.kind in ("image", "other") or not msg.text.strip():
        return NON_TEXT
    norm = normalise(msg.text)
    if is_ack(norm) and not any(word in norm for word in _GREETINGS):
        return THANKS if any(word in norm for word in _THANKS_WORDS) else ACK
    return TEXT


def handle_chatter(msg: Incoming, label: str, ctx: Context) -> list[Action]:
    """A welcome on subscribe; in 1:1 a polite hint; in groups nothing (never spam a group)."""
    if label == SUBSCRIBE:
        return [Reply(texts.WELCOME)]
    if label == TEXT:
        note_answer(msg, ctx)  # a neighbour's or a worker's answer to the open question
    if msg.is_group or label in (EVENT, ACK):  # 收到 / 👍 need no answer
        return []
    if label == NON_TEXT:
        return [Reply(texts.UNSUPPORTED_MESSAGE)]
    if label == THANKS:
        return [Reply(texts.CHATTER_THANKS)]
    return [Reply(texts.CHATTER_HINT)]


CHATTER_ROUTES = (Route("chatter", match_chatter, handle_chatter),)  # last: whatever is left
