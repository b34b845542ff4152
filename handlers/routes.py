"""The one ordered route table: the features' tables in order; first match wins.

Where a feature appears twice, its forms must be tried on both sides of another feature's: a
campaign's 1:1 order sentence comes after a 接龙 post but before a sentence aimed at a chain
open in the chat, and the community's `后台` after pictures (one is text, the other an image,
so only the order of the log lines is at stake there). A new worker command goes into its
feature's table (`handlers/<feature>/routes.py`), never here.
"""

from __future__ import annotations

from typing import Any

from handlers.campaign.handler import follow_chain_changes
from handlers.campaign.routes import COMMAND_ROUTES as CAMPAIGN_COMMANDS
from handlers.campaign.routes import RESIDENT_ORDER_ROUTES
from handlers.chatter import CHATTER_ROUTES
from handlers.community.routes import LINK_ROUTES, SETUP_ROUTES
from handlers.context import Context
from handlers.household.routes import ROUTES as HOUSEHOLD_COMMANDS
from handlers.jielong.routes import LINE_ROUTES, POST_ROUTES
from handlers.needs.routes import COMMAND_ROUTES as NEED_COMMANDS
from handlers.needs.routes import NEED_ROUTES
from handlers.pictures.routes import ROUTES as PICTURE_ROUTES
from handlers.routing import Route, run_first
from handlers.types import Action, Incoming

ROUTES: tuple[Route[Any], ...] = (  # order is priority; first match wins
    *SETUP_ROUTES,
    *PICTURE_ROUTES,
    *LINK_ROUTES,
    *CAMPAIGN_COMMANDS,
    *HOUSEHOLD_COMMANDS,
    *NEED_COMMANDS,
    *POST_ROUTES,
    *RESIDENT_ORDER_ROUTES,  # 1:1 (issue 20)
    *LINE_ROUTES,
    *NEED_ROUTES,
    *CHATTER_ROUTES,
)


def dispatch(msg: Incoming, ctx: Context, routes: tuple[Route[Any], ...] = ROUTES) -> list[Action]:
    """The first matching route's actions, after the campaign has followed the 接龙 entries they
    changed (the one consumer of `ChainChanged`)."""
    return follow_chain_changes(run_first(msg, ctx, routes), ctx)
