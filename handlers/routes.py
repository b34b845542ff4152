"""The one ordered route table: first match wins; each matcher returns its parsed payload.

Matchers take the Context as well as the message because some forms mean something only
while a chain is open in the chat (a sentence order, a 取消); they only read from it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from handlers.campaign.handler import (
    handle_campaign_command,
    match_campaign_command,
    with_campaign_sync,
)
from handlers.campaign.resident_orders import handle_resident_order, match_resident_order
from handlers.chatter import handle_chatter, match_chatter
from handlers.community.admin_link import handle_admin_link, match_admin_link
from handlers.community.setup import handle_setup, match_setup
from handlers.context import Context
from handlers.household.commands import handle_command, match_command
from handlers.jielong.correction import (
    handle_catalogue_correction,
    match_catalogue_correction,
)
from handlers.jielong.handler import (
    handle_chain_line,
    handle_jielong,
    match_chain_line,
    match_jielong,
)
from handlers.needs.aggregate import with_flag_memory
from handlers.needs.handler import handle_need, match_need
from handlers.pictures.handler import (
    handle_picture,
    handle_picture_text,
    match_picture,
    match_picture_text,
)
from handlers.types import Action, Incoming

log = logging.getLogger(__name__)
P = TypeVar("P")


@dataclass(frozen=True, slots=True)
class Route(Generic[P]):
    """A named (matcher → handler) pair."""

    name: str
    match: Callable[[Incoming, Context], P | None]
    handle: Callable[[Incoming, P, Context], list[Action]]


ROUTES: tuple[Route[Any], ...] = (  # order is priority; first match wins
    Route("setup", match_setup, handle_setup),
    Route("picture", match_picture, handle_picture),
    Route("picture_text", match_picture_text, handle_picture_text),
    Route("admin_link", match_admin_link, handle_admin_link),
    Route("campaign_command", match_campaign_command, handle_campaign_command),
    Route("command", match_command, handle_command),
    Route(
        "catalogue_correction",
        match_catalogue_correction,
        with_campaign_sync(handle_catalogue_correction),
    ),
    Route("jielong", match_jielong, with_campaign_sync(handle_jielong)),
    Route("resident_order", match_resident_order, handle_resident_order),  # 1:1 (issue 20)
    Route("chain_line", match_chain_line, with_campaign_sync(handle_chain_line)),
    Route("need", match_need, with_flag_memory(handle_need)),
    Route("chatter", match_chatter, handle_chatter),
)


def dispatch(msg: Incoming, ctx: Context, routes: Sequence[Route[Any]] = ROUTES) -> list[Action]:
    """Run the first route whose matcher returns a payload; [] if none match."""
    for route in routes:
        payload = route.match(msg, ctx)
        if payload is not None:
            log.info("route=%s channel=%s msg_id=%s", route.name, msg.channel, msg.msg_id)
            return route.handle(msg, payload, ctx)
    return []
