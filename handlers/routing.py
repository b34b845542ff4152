"""How a feature declares what it answers: a Route (matcher → handler), and a table of command
words turned into one Route. `handlers/routes.py` puts the features' routes in order.

Matchers take the Context as well as the message because some forms mean something only
while a chain is open in the chat (a sentence order, a 取消); they only read from it.
A command word is recognised by `WordCommands`: the word first (after an @mention or a slash),
then only what its spec allows to follow, so "麻烦帮忙登记两袋水饺" (a sentence order) is never
mistaken for `登记`. A worker-only word from a resident gets the one refusal of `staff_only`.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from handlers.context import Context
from handlers.staff_only import refuse_resident
from handlers.types import Action, Incoming, Reply

log = logging.getLogger(__name__)
P = TypeVar("P")

_MENTION = re.compile(r"^(?:@\S+\s+)+")
ARG_TRIM = " :：?？!！。.~～"
BARE = re.compile(r"[\s?？!！。.~～]*")  # the word alone, maybe with a question mark
WITH_TEXT = re.compile(r"(?:[\s:：].*)?", re.S)  # the word, then a space or colon and free text
_HEAD = 200  # a command word is at the start: a long 接龙 repost is not normalised whole


@dataclass(frozen=True, slots=True)
class Route(Generic[P]):
    """A named (matcher → handler) pair."""

    name: str
    match: Callable[[Incoming, Context], P | None]
    handle: Callable[[Incoming, P, Context], list[Action]]


def run_first(msg: Incoming, ctx: Context, routes: Sequence[Route[Any]]) -> list[Action]:
    """Run the first route whose matcher returns a payload; [] if none match."""
    for route in routes:
        payload = route.match(msg, ctx)
        if payload is not None:
            log.info("route=%s channel=%s msg_id=%s", route.name, msg.channel, msg.msg_id)
            return route.handle(msg, payload, ctx)
    return []


@dataclass(frozen=True, slots=True)
class Command:
    """A recognised command: its word and the rest of the message."""

    word: str
    args: str


CommandHandler = Callable[[Incoming, Command, Context], list[Action]]


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """How a command word is recognised and handled."""

    handler: CommandHandler
    follows: re.Pattern[str] = BARE  # what may come after the word (fullmatch)
    workers_only: bool = False
    only_if: Callable[[Incoming, Context], bool] | None = None  # else the word is not a command
    glued: Callable[[str], bool] | None = None  # may follow with no space (`登记3-2-201`)


def command_text(text: str) -> str:
    """NFKC, no leading @mention or slash, trimmed."""
    folded = unicodedata.normalize("NFKC", text).strip()
    return _MENTION.sub("", folded).lstrip("/").strip()


class WordCommands:
    """One feature's command words and their specs, matched longest word first."""

    def __init__(self, specs: Mapping[str, CommandSpec]) -> None:
        self.specs = dict(specs)
        self._longest_first = tuple(sorted(self.specs, key=len, reverse=True))

    def match(self, msg: Incoming, ctx: Context) -> Command | None:
        """A command when the message starts with a word followed by what it allows."""
        if msg.kind not in ("text", "voice"):
            return None
        head = command_text(msg.text[:_HEAD]).lower()
        words = [w for w in self._longest_first if head.startswith(w)]
        if not words:
            return None
        text = command_text(msg.text)
        for word in words:
            rest, spec = text[len(word) :], self.specs[word]
            if not (spec.follows.fullmatch(rest) or (spec.glued and spec.glued(rest))):
                continue
            if spec.only_if is None or spec.only_if(msg, ctx):
                return Command(word=word, args=rest.strip(ARG_TRIM))
        return None

    def handle(self, msg: Incoming, cmd: Command, ctx: Context) -> list[Action]:
        """Run the word's handler; a resident sending a worker-only word is refused."""
        spec = self.specs[cmd.word]
        refusal = refuse_resident(msg, ctx, cmd.word) if spec.workers_only else None
        return [Reply(refusal)] if refusal else spec.handler(msg, cmd, ctx)

    def route(self, name: str) -> Route[Command]:
        """These words as one route."""
        return Route(name, self.match, self.handle)
