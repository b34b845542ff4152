"""Setting up a community from the chat: `绑定 <code>` (1:1), `本群属于 <社区>` (in the group),
and the one notice to workers when a group without a community is heard for the first time.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from handlers import texts
from handlers.community.values import normalize_code
from handlers.context import Context
from handlers.staff_only import refuse_resident
from handlers.types import Action, Incoming, NotifyWorkers, Reply

log = logging.getLogger(__name__)

_MENTION = re.compile(r"^(?:@\S+\s+)+")
_BIND = re.compile(r"绑定(?:码)?[\s:：]*(?P<code>[A-Za-z0-9][A-Za-z0-9\-\s]{0,30})?[\s。.!！]*")
_ASSIGN = re.compile(r"本群(?:属于|归属)[\s:：]*(?P<name>[^\n]{0,100}?)[\s。.!！]*")


@dataclass(frozen=True, slots=True)
class SetupCommand:
    """`绑定` with its code, or `本群属于` with the community's name (either may be empty)."""

    kind: Literal["bind", "assign"]
    arg: str


def match_setup(msg: Incoming, ctx: Context) -> SetupCommand | None:
    """A `绑定` or `本群属于` message (the whole message, so a sentence is never one)."""
    if msg.kind not in ("text", "voice") or len(msg.text) > 200:
        return None
    text = _MENTION.sub("", unicodedata.normalize("NFKC", msg.text).strip()).strip()
    if m := _BIND.fullmatch(text):
        return SetupCommand("bind", normalize_code(m["code"] or ""))
    if m := _ASSIGN.fullmatch(text):
        return SetupCommand("assign", m["name"].strip())
    return None


def handle_setup(msg: Incoming, cmd: SetupCommand, ctx: Context) -> list[Action]:
    """Run `绑定` or `本群属于`."""
    if cmd.kind == "bind":
        return [Reply(_bind(msg, cmd.arg, ctx))]
    return [Reply(_assign(msg, cmd.arg, ctx))]


def _bind(msg: Incoming, code: str, ctx: Context) -> str:
    if not code:
        return texts.BIND_USAGE
    if msg.is_group:  # a code read by a whole group is no secret any more
        revoked = ctx.setup.revoke_code(code, msg.sender_id, ctx.now())
        return texts.BIND_IN_GROUP_REVOKED if revoked else texts.BIND_IN_GROUP
    out = ctx.setup.bind(msg.channel, msg.sender_id, msg.sender_name, code, ctx.now())
    log.info("bind channel=%s sender=%s status=%s", msg.channel, msg.sender_id, out.status)
    role = texts.ROLE_LABELS.get(out.role, out.role)
    match out.status:
        case "bound":
            channel = texts.CHANNEL_LABELS.get(msg.channel, msg.channel)
            return texts.BIND_DONE.format(community=out.community, role=role, channel=channel)
        case "already":
            return texts.BIND_ALREADY.format(community=out.community, role=role)
        case "other_community":
            return texts.BIND_OTHER_COMMUNITY.format(community=out.community)
        case "expired":
            return texts.BIND_EXPIRED
        case "used":
            return texts.BIND_USED
        case "locked":
            return texts.BIND_LOCKED
        case _:
            return texts.BIND_UNKNOWN


def _assign(msg: Incoming, name: str, ctx: Context) -> str:
    if not msg.is_group:
        return texts.ASSIGN_PRIVATE
    if (refusal := refuse_resident(msg, ctx, "本群属于")) is not None:
        return refusal
    if not name:
        return texts.ASSIGN_USAGE
    out = ctx.setup.assign_chat(msg.channel, msg.chat_id, name, msg.sender_id, ctx.now())
    log.info("assign chat=%s to=%s status=%s", msg.chat_id, name, out.status)
    match out.status:
        case "assigned":
            return texts.ASSIGN_DONE.format(community=out.community, count=out.messages)
        case "already":
            return texts.ASSIGN_ALREADY.format(community=out.community)
        case "not_yours":
            return texts.ASSIGN_NOT_YOURS.format(community=out.community)
        case "taken":
            return texts.ASSIGN_TAKEN.format(current=out.current, community=out.community)
        case _:
            if not out.names:
                return texts.ASSIGN_NO_COMMUNITIES
            return texts.ASSIGN_UNKNOWN.format(name=name, names="、".join(out.names))


def group_notice(channel: str, chat_id: str, title: str) -> NotifyWorkers:
    """The one notice workers get about a group that has no community yet."""
    label = texts.CHANNEL_LABELS.get(channel, channel)
    return NotifyWorkers(
        text=texts.GROUP_UNASSIGNED.format(chat=title or chat_id, channel=label),
        dedupe_key=group_notice_key(channel, chat_id),
    )


def group_notice_key(channel: str, chat_id: str) -> str:
    """One dedupe key per group, whichever path (event or message) announces it first."""
    return f"group-unassigned:{channel}:{chat_id}"


def announce_new_group(msg: Incoming, ctx: Context) -> list[Action]:
    """Before routing: a group heard for the first time without a community is announced once.

    Its messages are handled as usual meanwhile (nothing waits, an urgent need alerts at once)
    and join the community when a worker assigns the group.
    """
    if not msg.is_group or msg.chat_id == msg.sender_id or msg.channel == "replay":
        return []
    title = ctx.setup.first_heard(msg.channel, msg.chat_id, msg.received_at)
    return [] if title is None else [group_notice(msg.channel, msg.chat_id, title)]
