"""The community feature's routes: set-up from the chat (绑定, 本群属于 …) and `后台`, a worker's
one-time link to the worker page."""

from __future__ import annotations

from handlers.community.admin_link import handle_admin_link, match_admin_link
from handlers.community.setup import handle_setup, match_setup
from handlers.routing import Route

SETUP_ROUTES = (Route("setup", match_setup, handle_setup),)
LINK_ROUTES = (Route("admin_link", match_admin_link, handle_admin_link),)
