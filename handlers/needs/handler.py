"""Needs (需求): recognise a free-form request, store it with a ticket, tell who must know.

`classify_need` is pure; `match_need` adds what the chat knows (an open chain's goods,
the sender's registered flags, the need a `同问` refers to); `handle_need` stores and
acknowledges, and alerts every worker at once when the need is urgent.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from handlers import texts
from handlers.context import Context
from handlers.needs.answers import answered_before, stated_before
from handlers.needs.classify import classify_text, is_metoo, leads_metoo, split_quote
from handlers.needs.followup import chased_need, detail_for_need
from handlers.needs.lexicon import clean, lexicon, normalise
from handlers.needs.repo import NeedDraft, StoredNeed
from handlers.types import Action, Incoming, NotifyWorkers, Reply

log = logging.getLogger(__name__)
_ANSWERED = NeedDraft(text="", category="咨询", urgent=False)  # marker: asked and answered
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


def classify_need(text: str) -> NeedDraft | None:
    """The need in `text`, or None for chatter, offers, notices and thanks. Never raises."""
    return _classify(text, (), ())


def _classify(text: str, extra_items: Iterable[str], flags: Sequence[str]) -> NeedDraft | None:
    """Classify the reply part of a quote-reply; a quoted need answered by 同问 is re-asked."""
    try:
        quoted, reply = split_quote(clean(text))
        draft = classify_text(reply, extra_items, flags)
        if quoted is not None and _defers(draft, reply):
            asked = classify_text(quoted, extra_items, flags)
            if asked is not None:
                draft = second_household(asked, reply, f"同问: {_short(quoted)}", draft)
        return draft
    except Exception:  # user text must never break the pipeline
        log.exception("classify_need failed")
        return None


def _defers(draft: NeedDraft | None, reply: str) -> bool:
    """A 同问 is a second household's need of the category it answers ("同问，我家老人也烧到
    38度多了" under a question where to buy fever medicine is 物资), urgent by either, even
    when it tells its own story ("同问，我家阿爸也在吸氧…" under a 就医 need)."""
    return is_metoo(reply, loose=True) or leads_metoo(reply)


def _short(text: str, limit: int = 24) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[:limit] + "…"


def product_words(names: Iterable[str]) -> list[str]:
    """Words a question may use for a chain's goods: 散养土鸡蛋 → 散养土鸡蛋, 土鸡蛋, 鸡蛋."""
    words: set[str] = set()
    for name in names:
        for run in _CJK_RUN.findall(name):
            words.update(run[i:] for i in range(len(run) - 1))
    return sorted(words)


def _chain_words(msg: Incoming, ctx: Context) -> list[str]:
    chain = ctx.chains.latest_chain(msg.chat_id)
    return [] if chain is None else product_words(p.name for p in chain.products)


def _flags(msg: Incoming, ctx: Context) -> tuple[str, ...]:
    household = ctx.members.household(msg.channel, msg.sender_id)
    return () if household is None else household.flags


def second_household(first: NeedDraft, text: str, reason: str, own: NeedDraft | None) -> NeedDraft:
    """The need a 同问 answers, as this household's: its category, urgent by either."""
    urgent = own is not None and own.urgent
    reasons = (reason, *first.reasons, *(own.reasons[1:] if own is not None and urgent else ()))
    return replace(first, text=text, urgent=first.urgent or urgent, reasons=reasons)


def _metoo(msg: Incoming, ctx: Context, own: NeedDraft | None) -> NeedDraft | None:
    """A `同问` is a second household's need of the category of the chat's latest need."""
    since = msg.received_at - timedelta(hours=lexicon().metoo_window_hours)
    latest = _asked_above(msg, ctx, since) or ctx.needs.latest_need(msg.chat_id, since=since)
    if latest is None or latest.sender_id == msg.sender_id:
        return None
    if latest.answer is not None and not latest.draft.urgent:
        return _ANSWERED  # 同问 after the answer: the question is settled
    first = latest.draft
    return second_household(first, clean(msg.text), f"同问: #{latest.id} {first.category}", own)


def _asked_above(msg: Incoming, ctx: Context, since: datetime) -> StoredNeed | None:
    """The question a `同问` sits under when the line right above it asks one again: '明天到底
    上不上班啊' re-asks its sender's own 咨询, which is then the need the 同问 shares."""
    lines = ctx.chat_log.recent_lines(msg.chat_id, since, excluding=msg.sender_id)
    above = next((line for line in lines if line.at <= msg.received_at), None)
    if above is None or not lexicon().patterns["question"].search(normalise(above.text)):
        return None
    for need in ctx.needs.recent_needs(msg.chat_id, since):
        if need.sender_id == above.sender_id:
            return need if need.draft.category == "咨询" else None
    return None


def match_need(msg: Incoming, ctx: Context) -> NeedDraft | None:
    """The need in a text (or voice-recognised) message, using what the chat knows."""
    if msg.kind not in ("text", "voice") or not msg.text.strip():
        return None
    draft = _classify(msg.text, _chain_words(msg, ctx), _flags(msg, ctx))
    quoted, reply = split_quote(clean(msg.text))
    if quoted is None and _defers(draft, reply):
        metoo = _metoo(msg, ctx, draft)
        if metoo is _ANSWERED:
            return None
        draft = metoo or draft
    if draft is None:
        return detail_for_need(msg, ctx)  # '药名叫…' after one's own request
    if answered_before(msg, draft, ctx):
        return None  # asked again after someone answered it in the group
    if stated_before(msg, draft, ctx):
        return None  # a notice or statement above it already answers it
    if (chased := chased_need(msg, draft, ctx)) is not None:
        return replace(draft, adds_to=chased.id)  # the same household chasing its need
    return draft


def _who(msg: Incoming, ctx: Context) -> str:
    household = ctx.members.household(msg.channel, msg.sender_id)
    if household is not None:
        return household.label()
    return msg.sender_name or texts.NEED_WHO_UNKNOWN


def _ack(msg: Incoming, need: StoredNeed) -> Reply:
    draft = need.draft
    if msg.is_group:
        template = texts.NEED_ACK_URGENT_GROUP if draft.urgent else texts.NEED_ACK_GROUP
    else:
        template = texts.NEED_ACK_URGENT_PRIVATE if draft.urgent else texts.NEED_ACK_PRIVATE
    return Reply(template.format(ticket=need.id, category=draft.category))


def urgent_notice(need: StoredNeed, who: str) -> NotifyWorkers:
    """The alert every worker gets for an urgent need, with the reasons it was judged so."""
    draft = need.draft
    text = texts.NEED_URGENT_WORKERS.format(
        ticket=need.id,
        category=draft.category,
        who=who,
        text=draft.text,
        reasons="；".join(draft.reasons),
    )
    return NotifyWorkers(text=text, urgent=True, dedupe_key=f"need:{need.id}:urgent")


def handle_need(msg: Incoming, draft: NeedDraft, ctx: Context) -> list[Action]:
    """Store the need (status new), acknowledge with its ticket, alert workers if urgent;
    a chase of an open need is passed on to the workers under that need's ticket."""
    if draft.adds_to is not None:
        return _added(msg, draft.adds_to, draft, ctx)
    need = ctx.needs.add_need(msg.chat_id, msg.sender_id, draft, at=msg.received_at)
    log.info("need #%s category=%s urgent=%s", need.id, draft.category, draft.urgent)
    actions: list[Action] = [_ack(msg, need)]
    if draft.urgent:
        actions.append(urgent_notice(need, _who(msg, ctx)))
    return actions


def _added(msg: Incoming, ticket: int, draft: NeedDraft, ctx: Context) -> list[Action]:
    """'要的是苯磺酸氨氯地平片' after '谁能帮忙去药店开药': no second ticket, nothing lost."""
    log.info("need #%s added to by %s", ticket, msg.sender_id)
    text = texts.NEED_ADDED_WORKERS.format(ticket=ticket, who=_who(msg, ctx), text=draft.text)
    dedupe = f"need:{ticket}:added:{msg.msg_id}"
    return [
        Reply(texts.NEED_ADDED_ACK.format(ticket=ticket)),
        NotifyWorkers(text=text, urgent=draft.urgent, dedupe_key=dedupe),
    ]
