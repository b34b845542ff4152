"""`更正商品 蔬菜包 58元/份`: the organiser or a worker corrects a chain's header as read.

The correction is stored on the chain and every entry is read again, so a wrong product costs
one message, not 210 orders; the entries that changed go through the campaign sync like edits.
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers import texts
from handlers.context import Context
from handlers.jielong.reading import (
    catalogue_text,
    corrected_products,
    match_correction,
    reread_chain,
)
from handlers.jielong.repo import ChainRef
from handlers.types import Action, ChainChanged, Incoming, Reply

WORKER_ROLES = ("worker", "admin")
_HEAD = 200  # as the command matchers do: a long message is looked at by its start first


@dataclass(frozen=True, slots=True)
class CatalogueCorrection:
    """A correction aimed at the chat's latest chain (None: there is none)."""

    chain: ChainRef | None
    written: str


def match_catalogue_correction(msg: Incoming, ctx: Context) -> CatalogueCorrection | None:
    """`更正商品 …` in a chat; the chain it corrects is the chat's latest one."""
    if msg.kind != "text" or not msg.text:
        return None
    # Every message meets this matcher before the 接龙 route, and a correction has its form at
    # its start: a 1,000-line repost was normalised whole here (a quarter of bench/jielong.py).
    if len(msg.text) > _HEAD and match_correction(msg.text[:_HEAD]) is None:
        return None
    written = match_correction(msg.text)
    if written is None:
        return None
    return CatalogueCorrection(ctx.chains.latest_chain(msg.chat_id), written)


def handle_catalogue_correction(
    msg: Incoming, fix: CatalogueCorrection, ctx: Context
) -> list[Action]:
    """Store the corrected catalogue, read every entry again, say what changed."""
    chain = fix.chain
    if chain is None:
        return [Reply(texts.CORRECT_NO_CHAIN)]
    allowed = chain.opened_by == msg.sender_id or (
        ctx.members.role(msg.channel, msg.sender_id) in WORKER_ROLES
    )
    if not allowed:
        return [Reply(texts.CORRECT_NOT_ALLOWED)]
    products = corrected_products(chain.products, fix.written)
    if products is None:
        return [Reply(texts.CORRECT_USAGE)]
    seqs = reread_chain(ctx.chains, chain, products, msg.received_at)
    catalogue = catalogue_text(products)
    template = texts.CORRECTED if seqs else texts.CORRECTED_NOTHING
    reply = Reply(template.format(title=chain.title, catalogue=catalogue, count=len(seqs)))
    return [reply, ChainChanged(chain.id, tuple(seqs))]
