"""Import a 快团团 / 群接龙 export into a campaign (issue 17): preview, then store whole.

The worker page and `python -m bot import FILE.xlsx --campaign …` both use these two steps:
`preview` reads the file and plans against the campaign as it is now, storing nothing;
`run_import` plans again inside one transaction with the campaign locked and stores the plan,
or nothing at all when anything is wrong.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.xlsx_reader import read_export
from handlers import texts
from handlers.campaign.format import when_text
from handlers.campaign.import_rows import SheetTable
from handlers.campaign.order_import import import_payments, plan_import, shown_problems
from handlers.campaign.repo import CampaignView
from handlers.campaign.values import ImportPlan
from handlers.statuses import ACTIVE_CAMPAIGNS
from models.campaign import Campaign
from models.campaigns_repo import SqlCampaignRepo
from models.order_imports import ImportWriter, existing_orders, previous_import

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What a preview or an import came to: the plan when the file could be read, and the
    worker's answer (the summary, or why nothing was stored)."""

    ok: bool
    message: str
    plan: ImportPlan | None = None
    table: SheetTable | None = None
    import_id: int | None = None


class _Refused(Exception):
    """Stops an import inside its transaction so nothing is stored."""


def file_digest(data: bytes) -> str:
    """sha256 of the file: the same export is never imported twice into one campaign."""
    return hashlib.sha256(data).hexdigest()


def preview(
    factory: sessionmaker[Session], campaign_id: int, data: bytes, tz: tzinfo
) -> ImportResult:
    """Read and plan; nothing is stored (`tz`: the zone the reply's times are in)."""
    table = read_export(data)
    if isinstance(table, str):
        return ImportResult(False, table)
    with factory() as session:
        try:
            c = _view(session, campaign_id)
            plan = _plan(session, c, table, file_digest(data), tz)
        except _Refused as refusal:
            return ImportResult(False, str(refusal), table=table)
    if not plan.ok:
        message = texts.IMPORT_REFUSED.format(problems=shown_problems(plan.problems))
        return ImportResult(False, message, plan, table)
    return ImportResult(True, summary_text(c, plan), plan, table)


def run_import(
    factory: sessionmaker[Session],
    campaign_id: int,
    data: bytes,
    filename: str,
    actor: str,
    at: datetime,
    tz: tzinfo,
) -> ImportResult:
    """Plan again with the campaign locked and store everything, or nothing."""
    table = read_export(data)
    if isinstance(table, str):
        return ImportResult(False, table)
    digest = file_digest(data)
    try:
        with factory.begin() as session:
            session.get(Campaign, campaign_id, with_for_update=True)
            c = _view(session, campaign_id)
            plan = _plan(session, c, table, digest, tz)
            if not plan.ok:
                raise _Refused(texts.IMPORT_REFUSED.format(problems=shown_problems(plan.problems)))
            import_id = _write(session, c, plan, (digest, filename), (actor, at))
    except _Refused as refusal:
        return ImportResult(False, str(refusal), table=table)
    except IntegrityError:  # the same file, imported at the same moment by someone else
        log.info("import of %s into campaign %s raced a twin", digest[:12], campaign_id)
        with factory() as session:
            return ImportResult(False, _already(session, campaign_id, digest, tz))
    log.info("import %s into campaign %s: %s", import_id, campaign_id, plan.counts())
    return ImportResult(True, summary_text(c, plan), plan, table, import_id)


def _write(
    session: Session,
    c: CampaignView,
    plan: ImportPlan,
    file: tuple[str, str],
    by: tuple[str, datetime],
) -> int:
    """Store the plan: its orders, what the export says was paid for them (as money decides),
    then the import's record; returns the record's id."""
    writer = ImportWriter(session, c, *by)
    written = writer.write_orders(plan)
    repo = SqlCampaignRepo(session)
    drafts = import_payments(c, repo.list_orders(c.id), repo.list_payments(c.id), written)
    repo.add_payments(c.id, drafts, *by)
    return writer.record(plan, *file)


def _plan(
    session: Session, c: CampaignView, table: SheetTable, digest: str, tz: tzinfo
) -> ImportPlan:
    if c.status not in ACTIVE_CAMPAIGNS:
        word = texts.IMPORT_CAMPAIGN_STATUS.get(c.status, c.status)
        raise _Refused(texts.IMPORT_CLOSED.format(title=c.title, status=word))
    if previous_import(session, c.id, digest) is not None:
        raise _Refused(_already(session, c.id, digest, tz))
    return plan_import(table, c, existing_orders(session, c.id))


def _view(session: Session, campaign_id: int) -> CampaignView:
    c = SqlCampaignRepo(session).get_campaign(campaign_id)
    if c is None:
        raise _Refused(texts.IMPORT_NO_CAMPAIGN.format(id=campaign_id))
    return c


def _already(session: Session, campaign_id: int, digest: str, tz: tzinfo) -> str:
    earlier = previous_import(session, campaign_id, digest)
    if earlier is None:
        return texts.IMPORT_REFUSED.format(problems="")
    counts = earlier.counts or {}
    summary = texts.IMPORT_ALREADY_COUNTS.format(
        rows=counts.get("rows", 0), placed=counts.get("placed", 0), merged=counts.get("merged", 0)
    )
    return texts.IMPORT_ALREADY.format(at=when_text(earlier.at, tz), summary=summary)


def summary_text(c: CampaignView, plan: ImportPlan) -> str:
    """The worker's summary: rows in all, placed, merged, 待核实, and skipped with why."""
    counts = plan.counts()
    reasons = Counter(o.why for o in plan.orders if o.outcome == "skipped" for _ in o.rows)
    skipped = ""
    if counts["skipped"]:
        shown = "、".join(f"{why} {n} 行" for why, n in reasons.items())
        skipped = texts.IMPORT_SKIPPED.format(count=counts["skipped"], reasons=shown)
    return texts.IMPORT_SUMMARY.format(
        source=texts.IMPORT_SOURCES[plan.source],
        title=c.title,
        rows=counts["rows"],
        placed=counts["placed"],
        merged=counts["merged"],
        unplaced=counts["unplaced"],
        skipped=skipped,
    )
