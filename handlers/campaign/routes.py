"""The campaign feature's routes: its commands (the words are in `handlers.campaign.commands`),
and a resident's 1:1 sentence that orders from a campaign of their community."""

from __future__ import annotations

from handlers.campaign.handler import handle_campaign_command, match_campaign_command
from handlers.campaign.resident_orders import handle_resident_order, match_resident_order
from handlers.routing import Route

COMMAND_ROUTES = (Route("campaign_command", match_campaign_command, handle_campaign_command),)
RESIDENT_ORDER_ROUTES = (Route("resident_order", match_resident_order, handle_resident_order),)
