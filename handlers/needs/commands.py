"""Workers' need commands: 接单 12, 转 12 王芳, 完成 12 已送药上门, 查看需求.

Each handler reads the need through `NeedRepo`, changes it there (an audit row each time) and
describes who must hear about it: the resident in the chat where they asked (their 1:1 chat,
or quietly in the group without the worker's note), and the colleague a need is handed to.
The command table in `handlers.needs.routes` restricts these to workers and admins.
"""

from __future__ import annotations

import logging
import re

from handlers import texts
from handlers.context import Context
from handlers.needs.repo import StoredNeed, WorkerRef
from handlers.routing import Command
from handlers.statuses import OPEN_NEED_STATUSES
from handlers.types import Action, Incoming, Notify, Reply

log = logging.getLogger(__name__)

_TICKET_ARGS = re.compile(r"#?(\d{1,9})\s*号?\s*(?:给\s*)?(.*)", re.S)
LIST_LIMIT = 15
TEXT_CHARS = 16


def parse_ticket(args: str) -> tuple[int, str] | None:
    """`12 王芳` / `#12号 给 王芳` / `12` → (12, rest). None without a number."""
    m = _TICKET_ARGS.fullmatch(args.strip())
    return None if m is None else (int(m[1]), m[2].strip())


def short(text: str, limit: int = TEXT_CHARS) -> str:
    """One line, cut to `limit` characters with an ellipsis (phones show short lines)."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit] + "…"


def who(need: StoredNeed, show_phone: bool = False) -> str:
    """3-2-201 王 13800001234 (独居老人), or 未登记住户."""
    h = need.household
    if h is None:
        return texts.NEED_WHO_UNKNOWN
    parts = [h.label(), h.name or "", h.phone if show_phone and h.phone else ""]
    flags = f"（{'、'.join(h.flags)}）" if h.flags else ""
    return " ".join(p for p in parts if p) + flags


def worker_name(workers: list[WorkerRef], sender_id: str, fallback: str = "") -> str:
    """A worker's display name, for the resident's notice and the list."""
    for w in workers:
        if w.sender_id == sender_id:
            return w.name
    return fallback or texts.NEED_WORKER_FALLBACK


def tell_taken(need: StoredNeed, worker: str) -> Notify:
    """The resident hears their need was taken, where they asked."""
    template = (
        texts.NEED_RESIDENT_TAKEN_GROUP if need.is_group else texts.NEED_RESIDENT_TAKEN_PRIVATE
    )
    return Notify(
        need.chat_id,
        template.format(ticket=need.id, category=need.draft.category, worker=worker),
        channel=need.channel,
    )


def tell_done(need: StoredNeed) -> Notify:
    """The resident hears it is done; the worker's note only in their 1:1 chat (it may hold an
    address or a phone that the group should not see)."""
    if need.is_group:
        text = texts.NEED_RESIDENT_DONE_GROUP.format(ticket=need.id, category=need.draft.category)
    else:
        note = texts.NEED_RESIDENT_DONE_NOTE.format(note=need.resolution) if need.resolution else ""
        text = texts.NEED_RESIDENT_DONE_PRIVATE.format(
            ticket=need.id, category=need.draft.category, note=note
        )
    return Notify(need.chat_id, text, channel=need.channel)


def _find(msg: Incoming, args: str, ctx: Context) -> tuple[StoredNeed, str] | list[Action]:
    """The open need a command names and the rest of its arguments, or the reply saying why not."""
    parsed = parse_ticket(args)
    if parsed is None:
        return [Reply(texts.NEED_TRANSFER_USAGE)]
    ticket, rest = parsed
    need = ctx.needs.get_need(ticket, visible_to=msg.sender_id)
    if need is None:
        return [Reply(texts.NEED_NOT_FOUND.format(ticket=ticket))]
    if need.status == "resolved":
        return [Reply(texts.NEED_ALREADY_DONE.format(ticket=ticket))]
    return need, rest


def handle_take(msg: Incoming, cmd: Command, ctx: Context) -> list[Action]:
    """`接单 12`: the sender takes the need; the resident is told. A need another worker holds
    is not taken over silently: they hand it on with 转."""
    found = _find(msg, cmd.args, ctx)
    if isinstance(found, list):
        return found
    need, _ = found
    workers = ctx.needs.list_workers(visible_to=msg.sender_id)
    if need.assignee_id == msg.sender_id:
        return [Reply(texts.NEED_ALREADY_MINE.format(ticket=need.id))]
    if need.assignee_id is not None:
        name = worker_name(workers, need.assignee_id, need.assignee_id)
        return [Reply(texts.NEED_TAKEN_BY_OTHER.format(ticket=need.id, name=name))]
    taken = ctx.needs.take_need(need.id, msg.sender_id, ctx.now())
    log.info("need #%s taken by %s", need.id, msg.sender_id)
    reply = texts.NEED_TAKEN.format(
        ticket=need.id,
        category=need.draft.category,
        who=who(taken, show_phone=not msg.is_group),
        text=need.draft.text,
    )
    return [Reply(reply), tell_taken(taken, worker_name(workers, msg.sender_id, msg.sender_name))]


def match_worker(workers: list[WorkerRef], query: str) -> list[WorkerRef]:
    """Workers named by `query`: exact id or name, else names containing it."""
    exact = [w for w in workers if query in (w.sender_id, w.name)]
    return exact or [w for w in workers if query and query in w.name]


def handle_transfer(msg: Incoming, cmd: Command, ctx: Context) -> list[Action]:
    """`转 12 王芳`: hand the need to a colleague, who is told; a need nobody had taken yet
    also tells the resident it is taken."""
    found = _find(msg, cmd.args, ctx)
    if isinstance(found, list):
        return found
    need, query = found
    workers = ctx.needs.list_workers(visible_to=msg.sender_id)
    names = "、".join(w.name for w in workers)
    matches = match_worker(workers, query)
    if not query:
        return [Reply(texts.NEED_TRANSFER_USAGE)]
    if not matches:
        return [Reply(texts.NEED_TRANSFER_UNKNOWN.format(query=query, names=names))]
    if len(matches) > 1:
        found_names = "、".join(w.name for w in matches)
        return [Reply(texts.NEED_TRANSFER_AMBIGUOUS.format(query=query, names=found_names))]
    target = matches[0]
    moved = ctx.needs.transfer_need(need.id, target.sender_id, msg.sender_id, ctx.now())
    actions: list[Action] = [Reply(texts.NEED_TRANSFERRED.format(ticket=need.id, name=target.name))]
    if target.sender_id != msg.sender_id:
        actions.append(
            Notify(
                target.sender_id,
                _handover(moved, worker_name(workers, msg.sender_id, msg.sender_name)),
                channel=target.channel,
            )
        )
    if need.status == "new":
        actions.append(tell_taken(moved, target.name))
    return actions


def _handover(need: StoredNeed, sender: str) -> str:
    return texts.NEED_TRANSFER_NOTICE.format(
        sender=sender,
        ticket=need.id,
        category=need.draft.category,
        who=who(need, show_phone=True),
        text=need.draft.text,
    )


def handle_done(msg: Incoming, cmd: Command, ctx: Context) -> list[Action]:
    """`完成 12 已送药上门`: resolve with the note; the resident is told."""
    found = _find(msg, cmd.args, ctx)
    if isinstance(found, list):
        return found
    need, note = found
    done = ctx.needs.resolve_need(need.id, note[:500], msg.sender_id, ctx.now())
    log.info("need #%s resolved by %s", need.id, msg.sender_id)
    return [Reply(texts.NEED_DONE.format(ticket=need.id)), tell_done(done)]


def status_text(need: StoredNeed, workers: list[WorkerRef]) -> str:
    """待接单 / 王芳已接单 / 王芳处理中 (the words of `texts.NEED_STATUS_LABELS`)."""
    if need.assignee_id is None:
        return texts.NEED_STATUS_LABELS["new"]
    name = worker_name(workers, need.assignee_id, need.assignee_id)
    status = "in_progress" if need.status == "in_progress" else "acknowledged"
    return texts.NEED_LIST_STATUS_ASSIGNED.format(
        name=name, status=texts.NEED_STATUS_LABELS[status]
    )


def need_line(need: StoredNeed, workers: list[WorkerRef]) -> str:
    """#12 急·独居老人·代买｜3-2-201｜降压药只剩两天的了…｜待接单"""
    marks = texts.NEED_LIST_URGENT if need.draft.urgent else ""
    marks += "".join(texts.NEED_LIST_FLAG.format(flag=f) for f in need.vulnerable[:1])
    where = need.household.label() if need.household is not None else texts.NEED_WHO_UNKNOWN
    return texts.NEED_LIST_LINE.format(
        ticket=need.id,
        marks=marks,
        category=need.draft.category,
        who=where,
        text=short(need.draft.text),
        status=status_text(need, workers),
    )


def handle_list(msg: Incoming, cmd: Command, ctx: Context) -> list[Action]:
    """`查看需求`: open needs, urgent first, then vulnerable households, one short line each."""
    needs = ctx.needs.list_by_status(OPEN_NEED_STATUSES, visible_to=msg.sender_id)
    if not needs:
        return [Reply(texts.NEED_LIST_EMPTY)]
    workers = ctx.needs.list_workers(visible_to=msg.sender_id)
    urgent = sum(n.draft.urgent for n in needs)
    lines = [texts.NEED_LIST_HEADER.format(count=len(needs), urgent=urgent)]
    lines += [need_line(n, workers) for n in needs[:LIST_LIMIT]]
    if len(needs) > LIST_LIMIT:
        lines.append(texts.NEED_LIST_MORE.format(count=len(needs) - LIST_LIMIT))
    lines.append(texts.NEED_LIST_HINT)
    return [Reply("\n".join(lines))]
