"""The campaign route: worker and resident commands, and the sync after every 接龙 message.

`match_campaign_command` / `handle_campaign_command` form the route placed before the general
commands; `follow_chain_changes` takes the `ChainChanged` a 接龙 handler reports, so each repost
or sentence order becomes orders at once. The scheduler calls `close_due` and `arrive_due`.
"""

from __future__ import annotations

import logging
from datetime import datetime, tzinfo

from handlers import texts
from handlers.campaign.arrival import allocate, arrive, delivery_list, not_picked, pickup
from handlers.campaign.commands import (
    CLAIM_WORDS,
    LABELS,
    RESIDENT_WORDS,
    CampaignCommand,
    parse_command,
)
from handlers.campaign.goal_ops import announce_reached
from handlers.campaign.opening import OpenRequest, open_campaign
from handlers.campaign.ops import adjust, close, close_due, confirm, confirm_all, reject
from handlers.campaign.parse import parse_when
from handlers.campaign.repo import (
    AllocationRule,
    CampaignRepo,
    CampaignView,
    SyncReport,
)
from handlers.campaign.residents import handle_resident, has_orders, orders_notes
from handlers.campaign.sync import sync_chain
from handlers.campaign.values import FLAG_NOT_ON_ROSTER
from handlers.context import Context
from handlers.money.commands import claim_payment, money_command
from handlers.staff_only import refuse_resident
from handlers.types import Action, ChainChanged, Incoming, NotifyWorkers, Reply

log = logging.getLogger(__name__)
MAX_ROSTER_DETAILS = 5

__all__ = [
    "arrive_due",
    "close_due",
    "follow_chain_changes",
    "handle_campaign_command",
    "match_campaign_command",
]


def match_campaign_command(msg: Incoming, ctx: Context) -> CampaignCommand | None:
    """A campaign command; resident words only when the sender has an order to talk about."""
    if msg.kind not in ("text", "voice"):
        return None
    cmd = parse_command(msg.text)
    if cmd is None:
        return None
    if cmd.word in CLAIM_WORDS and ctx.members.role(msg.channel, msg.sender_id) == "resident":
        return cmd if has_orders(msg, ctx) else None  # "已付" from a household with orders
    if cmd.word not in RESIDENT_WORDS:
        return cmd
    return cmd if has_orders(msg, ctx) else None


def handle_campaign_command(msg: Incoming, cmd: CampaignCommand, ctx: Context) -> list[Action]:
    """Run one command; worker commands from a resident get a clear refusal."""
    if cmd.word in RESIDENT_WORDS:
        return handle_resident(msg, cmd, ctx)
    refusal = refuse_resident(msg, ctx, LABELS[cmd.word])
    if refusal is not None:
        return claim_payment(msg, ctx) if cmd.word in CLAIM_WORDS else [Reply(refusal)]
    if cmd.word == "open":
        return _open(msg, cmd, ctx)
    campaign = ctx.campaigns.current_campaign(msg.chat_id, msg.channel, msg.sender_id)
    if campaign is None:
        return [Reply(texts.CAMPAIGN_NONE)]
    return [Reply(_worker(cmd, campaign, ctx.campaigns, msg.sender_id, ctx))]


def _worker(
    cmd: CampaignCommand, c: CampaignView, repo: CampaignRepo, actor: str, ctx: Context
) -> str:
    now = ctx.now()
    match cmd.word:
        case "close":
            return close(repo, c, actor, now)
        case "confirm":
            return confirm(repo, c, cmd.nos, actor, now)
        case "confirm_all":
            return confirm_all(repo, c, actor, now)
        case "reject":
            return reject(repo, c, cmd.nos[0], cmd.arg, actor, now)
        case "adjust":
            return adjust(repo, c, cmd.nos[0], cmd.name, cmd.qty or 0.0, actor, now)
        case "allocate":
            rule: AllocationRule = "proportional" if "比例" in cmd.arg else "first_come"
            return allocate(repo, c, rule, actor, now)
        case "arrive":
            at = parse_when(cmd.arg, now, ctx.tz, 15) if cmd.arg else None
            return arrive(repo, c, actor, now, ctx.tz, at)
        case "pickup":
            return pickup(repo, c, cmd.arg, actor, now, ctx.tz)
        case "not_picked":
            return not_picked(repo, c, now, ctx.tz)
        case "delivery":
            return delivery_list(repo, c)
        case _:
            return money_command(cmd, c, repo, actor, now)


def _open(msg: Incoming, cmd: CampaignCommand, ctx: Context) -> list[Action]:
    """开团: the campaign of the worker's community, announced to its groups (one rule for chat
    and page: `handlers.campaign.opening`)."""
    req = OpenRequest(msg.channel, msg.sender_id, msg.chat_id, msg.is_group)
    return [Reply(open_campaign(req, cmd.text, ctx).reply)]


def follow_chain_changes(actions: list[Action], ctx: Context) -> list[Action]:
    """The campaign's side of a 接龙 message: the entries it changed (each `ChainChanged`)
    become orders at once, with a friendly word about limits, unknown products, late or
    unaddressed lines; the ChainChanged actions themselves are used up here.

    A message that changed nothing in its chain (a repost carrying no new line) costs nothing.
    """
    changes = [a for a in actions if isinstance(a, ChainChanged)]
    if not changes:
        return actions
    now = ctx.now()
    reports = [r for c in changes for r in sync_chain(ctx.campaigns, c.chain_id, c.seqs, now)]
    replaced = {id(c.doubts) for c in changes if c.doubts is not None} if reports else set()
    own = [a for a in actions if not isinstance(a, ChainChanged) and id(a) not in replaced]
    return [*own, *_notes(reports, ctx)]


def _notes(reports: list[SyncReport], ctx: Context) -> list[Action]:
    """A short reply about new orders that need the sender's eye (limit, product, address;
    summarised for a long paste), a word to the workers about addresses that are not on the
    community's roster, and 成团啦 to the groups, once, when new orders reach the minimum."""
    notes: list[str] = []
    for report in reports:
        campaign = ctx.campaigns.get_campaign(report.campaign_id) if report.created else None
        if campaign is None:
            continue
        notes.extend(orders_notes(campaign, report.created))
        if campaign.min_total is not None:
            announce_reached(ctx.campaigns, campaign, ctx.now(), ctx.tz)
    actions: list[Action] = [Reply("\n".join(notes))] if notes else []
    return actions + [n for report in reports if (n := _roster_notice(report, ctx.campaigns))]


def _roster_notice(report: SyncReport, repo: CampaignRepo) -> NotifyWorkers | None:
    """待核实: new orders whose address the roster does not have (3-2-2001 不在住户名单)."""
    off = [o for o in report.created if FLAG_NOT_ON_ROSTER in o.flags and o.household]
    campaign = repo.get_campaign(report.campaign_id) if off else None
    if campaign is None:
        return None
    details = "；".join(
        texts.ROSTER_NOT_ON_ROSTER.format(address=o.household.label())
        for o in off[:MAX_ROSTER_DETAILS]
        if o.household
    ) + ("……" if len(off) > MAX_ROSTER_DETAILS else "")
    text = texts.ROSTER_WORKERS_CHECK.format(title=campaign.title, count=len(off), details=details)
    return NotifyWorkers(text=text, dedupe_key=f"roster-check:{campaign.id}:{off[0].id}")


def arrive_due(repo: CampaignRepo, now: datetime, tz: tzinfo) -> list[int]:
    """The scheduler's arrival job: closed campaigns whose arrival time has come get slots."""
    done = []
    for campaign_id in repo.due_campaigns("closed", "arrival_at", now):
        campaign = repo.get_campaign(campaign_id)
        if campaign is not None:
            arrive(repo, campaign, "scheduler", now, tz, campaign.arrival_at)
            done.append(campaign_id)
    return done
