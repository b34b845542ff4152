"""Neutral message and action types shared by every channel and every handler."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Kind = Literal["text", "image", "voice", "event", "other"]


@dataclass(frozen=True, slots=True)
class Incoming:
    """One message from any channel, after the adapter has verified and decoded it."""

    channel: str  # "mp", "wecom_robot", "wecom_app", "bridge", "sim", "replay"
    msg_id: str
    sender_id: str
    chat_id: str  # group id, or sender_id for a 1:1 conversation
    text: str
    received_at: datetime  # timezone-aware
    sender_name: str = ""
    is_group: bool = True
    kind: Kind = "text"
    event: str = ""  # "subscribe", "unsubscribe", ... when kind == "event"
    # kind == "image": where the picture is ("mp:MEDIA_ID", "wecom:MEDIA_ID", "url:https://…",
    # "upload:ID" for a picture already stored by the simulator or replay)
    media: str = ""
    picture_id: int = 0  # a text read from that stored picture (the OCR job's message)


@dataclass(frozen=True, slots=True)
class Reply:
    """Answer the sender in the conversation the message came from."""

    text: str


@dataclass(frozen=True, slots=True)
class Notify:
    """Post a message to another chat (a group notice, a resident's 1:1 chat).

    `channel` names the chat's channel when it differs from the incoming one (a worker on
    企业微信 answering a resident who asked on the 公众号); empty means the incoming channel.
    """

    chat_id: str
    text: str
    channel: str = ""


@dataclass(frozen=True, slots=True)
class NotifyWorkers:
    """Tell every worker of the sender's community and every admin (urgent needs, flagged
    lines); the whole staff when the message's community is unknown (`models.staff.staff_of`)."""

    text: str
    urgent: bool = False
    dedupe_key: str = ""


@dataclass(frozen=True, slots=True)
class ChainChanged:
    """A 接龙 message opened its chain and/or added, edited or withdrew these entries (seqs).

    Consumed inside handlers: `handlers/routes.py` hands it to the campaign feature, which turns
    just these entries into orders, so an adapter never receives it. `doubts` is the chain's
    own 待核实 reply in the same actions: a linked campaign's notes say it instead.
    """

    chain_id: int
    seqs: tuple[int, ...] = ()
    created: bool = False
    doubts: Reply | None = None


Action = Reply | Notify | NotifyWorkers | ChainChanged


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a handler decided: the actions to perform plus a label for logs and replay."""

    actions: list[Action] = field(default_factory=list)
    label: str = ""
