"""A resident orders 1:1 (the 公众号 — the one channel every resident has — or the simulator)
while their community's campaign takes orders, in the words a group sentence order uses
(`4-1-101 蔬菜套餐1份`, `我要蔬菜套餐2份`).

The order joins the campaign's list as an entry of the resident: a chain of the campaign in
their 1:1 chat, linked to it, so the same sync gives it the same limits, confirmation, 截单
(a late one is 迟到) and reminders as a 接龙 line. A resident Linli does not know is asked
for their address once; the address they give registers them in that community. An address
outside the community (not on its roster) is refused, with nothing stored.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

from handlers import texts
from handlers.campaign.format import address, items_text, when_text
from handlers.campaign.repo import CampaignView, ProductSpec
from handlers.campaign.residents import orders_notes
from handlers.campaign.sync import sync_chain
from handlers.context import Context
from handlers.household.repo import Household
from handlers.jielong.normalize import line_key
from handlers.jielong.repo import FLAG_SENTENCE, NewEntry, ParsedEntry, Product
from handlers.jielong.sentence import parse_sentence_order, reply_part
from handlers.types import Action, Incoming, Reply

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DirectOrder:
    """A 1:1 order: the campaign it is for, what it says (the address filled in from the
    sender's household when the sentence has none), and whether the sender is registered."""

    campaign: CampaignView
    parsed: ParsedEntry
    text: str
    registered: bool


def catalogue(c: CampaignView) -> tuple[Product, ...]:
    """The campaign's products as the 接龙 reader knows them."""
    return tuple(Product(p.name, p.price, p.unit) for p in c.products)


def match_resident_order(msg: Incoming, ctx: Context) -> DirectOrder | None:
    """A resident's 1:1 sentence that orders from a campaign of their community."""
    if msg.is_group or msg.kind not in ("text", "voice") or not msg.text.strip():
        return None
    if ctx.members.role(msg.channel, msg.sender_id) != "resident":
        return None
    campaigns = ctx.community.resident_campaigns(msg.channel, msg.sender_id)
    if not campaigns:
        return None
    text = reply_part(msg.text)
    options = [
        (c, parsed)
        for c in campaigns
        if (parsed := parse_sentence_order(text, catalogue(c))) is not None
    ]
    if not options:
        return None
    home = ctx.members.household(msg.channel, msg.sender_id)
    c, parsed = options[0] if home is not None else _by_roster(options, ctx)
    if parsed.room is None and parsed.building is None and home is not None:
        parsed = replace(parsed, building=home.building, unit=home.unit, room=home.room)
    return DirectOrder(c, parsed, text, home is not None)


def _by_roster(
    options: Sequence[tuple[CampaignView, ParsedEntry]], ctx: Context
) -> tuple[CampaignView, ParsedEntry]:
    """For a resident of no known community: the campaign whose community's roster has the
    address written, else the newest."""
    for c, parsed in options:
        if ctx.community.roster_status(c.community_id, _home(parsed)):
            return c, parsed
    return options[0]


def _home(parsed: ParsedEntry) -> Household:
    return Household(parsed.building, parsed.unit, parsed.room)


def _example(c: CampaignView) -> str:
    first: ProductSpec = c.products[0]
    return f"{first.name}1{first.unit or '份'}"


def handle_resident_order(msg: Incoming, order: DirectOrder, ctx: Context) -> list[Action]:
    """Ask for the address, refuse an address outside the community, or take the order."""
    c, parsed = order.campaign, order.parsed
    if parsed.room is None and parsed.building is None:
        return [Reply(texts.ORDER_ASK_ADDRESS.format(title=c.title, example=_example(c)))]
    home = _home(parsed)
    if ctx.community.roster_status(c.community_id, home) is False:
        names = dict(
            ctx.community.scope(msg.channel, msg.sender_id, msg.chat_id, False).communities
        )
        return [
            Reply(
                texts.ORDER_OFF_ROSTER.format(
                    address=home.label(),
                    community=names.get(c.community_id or 0, ""),
                    title=c.title,
                )
            )
        ]
    if not order.registered:  # the address once given is theirs: never asked again
        ctx.members.register(
            msg.channel, msg.sender_id, msg.sender_name, home, community_id=c.community_id
        )
    return _take(msg, order, ctx)


def _take(msg: Incoming, order: DirectOrder, ctx: Context) -> list[Action]:
    """Add the entry to the resident's chain of the campaign and turn it into an order."""
    c, now = order.campaign, ctx.now()
    key = f"campaign:{c.id}"
    chain = ctx.chains.find_chain(msg.chat_id, key)
    if chain is None:
        chain = ctx.chains.create_chain(
            msg.chat_id, key, c.title, True, catalogue(c), msg.sender_id, msg.received_at
        )
        ctx.community.link_chain(chain.id, c.id, msg.channel, msg.chat_id, now)
    lk = line_key(order.text)
    if ctx.chains.seen_counts(chain.id, [lk]).get(lk, 0):
        return [Reply(texts.ORDER_TAKEN_AGAIN)]
    entry = NewEntry(msg.sender_id, lk, order.parsed, msg.received_at, (FLAG_SENTENCE,))
    (seq,) = ctx.chains.add_entries(chain.id, [entry])
    ctx.chains.add_seen(chain.id, {lk: 1})
    created = [o for r in sync_chain(ctx.campaigns, chain.id, (seq,), now) for o in r.created]
    log.info("1:1 order in campaign %s from %s: %d order(s)", c.id, msg.sender_id, len(created))
    if not created:
        return [Reply(texts.ORDER_TAKEN_AGAIN)]
    taken = [
        texts.ORDER_TAKEN.format(
            title=c.title,
            no=o.no,
            address=address(o.household),  # never the household's name: the sender may not be it
            items=items_text(o.lines),
            cutoff=when_text(c.cutoff_at, ctx.tz),
            name=c.products[0].name,
        )
        for o in created
        if o.status != "late"
    ]
    return [Reply("\n".join([*taken, *orders_notes(c, created)]))]
