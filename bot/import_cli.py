"""`python -m bot import FILE.xlsx [--campaign …]` (issue 17): preview an export's import into a
campaign (without --campaign, the only one still taking orders), and with --yes store it
(whole, or nothing). Exit 0 when done or previewed cleanly, 1 when the file is refused, 2 when
the file or the campaign cannot be found (or several campaigns could take it).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.imports import ImportResult, preview, run_import
from handlers import texts
from handlers.campaign.values import ImportPlan
from handlers.statuses import ACTIVE_CAMPAIGNS
from models.base import make_engine, make_session_factory, utcnow
from models.campaign import Campaign
from models.migrate import upgrade_to_head


def find_campaign(factory: sessionmaker[Session], wanted: str | None) -> tuple[int | None, str]:
    """The campaign an id or a word of its title names (without one, the only campaign still
    taking orders), or why none (not found, ambiguous)."""
    if wanted is None:
        return only_active_campaign(factory)
    with factory() as session:
        if wanted.isdigit():
            row = session.get(Campaign, int(wanted))
            return (row.id, "") if row else (None, texts.IMPORT_NO_CAMPAIGN.format(id=wanted))
        rows = session.scalars(
            select(Campaign).where(Campaign.title.contains(wanted)).order_by(Campaign.id.desc())
        ).all()
    if len(rows) == 1:
        return rows[0].id, ""
    if not rows:
        return None, texts.IMPORT_NO_CAMPAIGN.format(id=wanted)
    return None, _which(rows)


def only_active_campaign(factory: sessionmaker[Session]) -> tuple[int | None, str]:
    """The one open (接龙中, 已截单 or 已到货) campaign an export could go into, or why none."""
    with factory() as session:
        rows = session.scalars(
            select(Campaign)
            .where(Campaign.status.in_(ACTIVE_CAMPAIGNS))
            .order_by(Campaign.id.desc())
        ).all()
    if len(rows) == 1:
        return rows[0].id, texts.IMPORT_CLI_CAMPAIGN.format(id=rows[0].id, title=rows[0].title)
    if not rows:
        return None, texts.IMPORT_NO_OPEN_CAMPAIGN
    return None, _which(rows)


def _which(rows: Sequence[Campaign]) -> str:
    names = "、".join(f"{r.id}「{r.title}」" for r in rows)
    return texts.IMPORT_WHICH_CAMPAIGN.format(names=names)


def import_command(
    settings: Settings,
    path: Path,
    wanted: str | None,
    store: bool,
    actor: str,
    out: TextIO = sys.stdout,
) -> int:
    """Print the preview (and, with `store`, import); the exit status."""
    if not path.is_file():
        sys.stderr.write(f"no such file: {path}\n")
        return 2
    engine = make_engine(settings.database.url)
    try:
        upgrade_to_head(engine)
        factory = make_session_factory(engine)
        campaign_id, word = find_campaign(factory, wanted)  # why none, or which was chosen
        if campaign_id is None:
            sys.stderr.write(word + "\n")
            return 2
        if word:
            out.write(word + "\n")
        data = path.read_bytes()
        result = preview(factory, campaign_id, data, settings.zone)
        write_preview(result, out)
        if not result.ok:
            return 1
        if not store:
            out.write(texts.IMPORT_CLI_DRY_RUN + "\n")
            return 0
        done = run_import(factory, campaign_id, data, path.name, actor, utcnow(), settings.zone)
        out.write(done.message + "\n")
        return 0 if done.ok else 1
    finally:
        engine.dispose()


def write_preview(result: ImportResult, out: TextIO) -> None:
    """The answer, then one line per export order: rows, number, outcome, address, items."""
    out.write(result.message + "\n")
    if result.plan is not None:
        for line in plan_lines(result.plan):
            out.write(line + "\n")


def plan_lines(plan: ImportPlan) -> list[str]:
    """第3、4行 跟团号3 新建订单 和平里3-1-301 蔬菜套餐×1、鸡蛋×2 …"""
    lines = []
    for o in plan.orders:
        items = "、".join(f"{ln.name}×{ln.qty:g}" for ln in o.lines)
        outcome = texts.IMPORT_OUTCOMES[o.outcome] + (f"：{o.why}" if o.why else "")
        rows = "、".join(map(str, o.rows))
        lines.append(
            texts.IMPORT_CLI_LINE.format(
                rows=rows, key=o.key, outcome=outcome, where=o.where, items=items
            )
        )
    return lines
