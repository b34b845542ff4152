"""What Linli read in a campaign's 接龙 header, on the campaign page, and its one-tap correction.

The correction is the chat command's (`更正商品`): the same pure functions store the catalogue,
read every entry again, and the campaign's orders follow through the campaign sync.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.admin.audit import record_audit
from bot.admin.scope import require_campaign
from bot.runtime import runtime
from handlers.campaign.sync import sync_chain
from handlers.jielong.reading import catalogue_text, corrected_products, reread_chain
from handlers.jielong.repo import ChainRef, Product
from models.base import utcnow
from models.campaigns_repo import SqlCampaignRepo
from models.chain import Chain
from models.chains_repo import SqlChainRepo

bp = Blueprint("chains", __name__)
MAX_CATALOGUE_CHARS = 300


@dataclass(frozen=True, slots=True)
class ChainReading:
    """One linked chain as the page shows it."""

    id: int
    title: str
    catalogue: str  # 「蔬菜包」58元/份
    written: str  # the form's starting text: 蔬菜包 58元/份


def campaign_chains(db: Session, campaign_id: int) -> list[ChainReading]:
    """The order-list chains linked to the campaign, with what was read in their headers."""
    ids = set(db.scalars(select(Chain.id).where(Chain.campaign_id == campaign_id)))
    chains = [c for c in SqlChainRepo(db).all_chains() if c.id in ids and c.is_order_list]
    return [ChainReading(c.id, c.title, catalogue_text(c.products), _written(c)) for c in chains]


def _written(chain: ChainRef) -> str:
    return "；".join(_one(p) for p in chain.products)


def _one(p: Product) -> str:
    price = f" {p.price:g}元/{p.unit}" if p.price is not None and p.unit else ""
    return f"{p.name}{price}"


@bp.post("/campaigns/<int:campaign_id>/chains/<int:chain_id>/catalogue")
def correct(campaign_id: int, chain_id: int) -> ResponseReturnValue:
    """更正商品 from the page: the catalogue as the worker typed it, every entry read again."""
    written = request.form.get("catalogue", "").strip()[:MAX_CATALOGUE_CHARS]
    with runtime().session_factory.begin() as db:
        require_campaign(db, g.staff, campaign_id)
        chain = next((c for c in SqlChainRepo(db).all_chains() if c.id == chain_id), None)
        linked = db.scalar(select(Chain.campaign_id).where(Chain.id == chain_id))
        if chain is None or linked != campaign_id:
            abort(404)
        products = corrected_products(chain.products, written)
        if products is None:
            flash("没看懂要改成什么。格式：名称 价格/单位，多个商品用分号隔开，例：蔬菜包 58元/份")
            return _back(campaign_id)
        now = utcnow()
        seqs = reread_chain(SqlChainRepo(db), chain, products, now)
        sync_chain(SqlCampaignRepo(db), chain.id, seqs, now)
        before = {"products": catalogue_text(chain.products)}
        after = {"products": catalogue_text(products), "entries": seqs}
        record_audit(db, g.staff, "chain.catalogue", "chain", chain.id, before, after)
    flash(f"已更正为 {catalogue_text(products)}，重新核对了 {len(seqs)} 条。")
    return _back(campaign_id)


def _back(campaign_id: int) -> ResponseReturnValue:
    return redirect(url_for("admin.campaigns.show", campaign_id=campaign_id) + "#reading")
