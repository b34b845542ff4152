"""The community's value types: its groups as campaigns see them, where a notice about a
resident can go, a staff member's scope, and invitation codes.

Storage (`models/`) builds and reads these; the rules that decide with them are in
`handlers.reach` (who may be posted to, one group per chat, where a notice goes) and
`handlers.community.setup`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

WECHAT_GROUP = "wechat"  # an ordinary WeChat group: no robot or relay, so Linli cannot post there
POSTING_CHANNELS = frozenset({"bridge", "sim"})  # a relay polls; the simulator shows it
ROBOT = "wecom_robot"  # reachable while its robot's webhook is known
MANUAL_CHANNEL = "manual"  # an outbox row no sender claims: a worker must reach the household
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud, typed by hand


@dataclass(frozen=True, slots=True)
class GroupRef:
    """A group chat as a campaign sees it: where it is, what it is called, whether Linli can
    post there, and the community it belongs to (None: waiting for `本群属于`)."""

    channel: str
    chat_id: str
    title: str = ""
    reachable: bool = True
    community_id: int | None = None
    community: str = ""

    @property
    def label(self) -> str:
        """The name workers know the group by."""
        return self.title or self.chat_id


def group_key(name: str) -> str:
    """A group name as compared (two names are one when their keys are equal): NFKC, no
    spaces, lower case. Part of what a group's name is, so storage checks names with it."""
    return "".join(unicodedata.normalize("NFKC", name).lower().split())


@dataclass(frozen=True, slots=True)
class Follower:
    """A 公众号 member of the household (or the order's own 1:1 sender) and their last message."""

    open_id: str
    last_message_at: datetime | None


@dataclass(frozen=True, slots=True)
class ResidentFacts:
    """What deciding where a notice about one order goes needs to know."""

    followers: tuple[Follower, ...] = ()
    group: GroupRef | None = None  # the group the order came from
    personal_chat: tuple[str, str] | None = None  # (channel, chat) of a 1:1 with no window
    mention_mobile: str | None = None  # the household's phone, when it agreed to @-mentions


@dataclass(frozen=True, slots=True)
class Destination:
    """Where to send; `personal` means 1:1, `manual` means no channel reaches the resident."""

    channel: str
    target: str
    personal: bool = False
    manual: bool = False
    mention_mobile: str | None = None


@dataclass(frozen=True, slots=True)
class StaffScope:
    """The community a message's sender serves, and the one its chat belongs to."""

    community_id: int | None = None  # the sender's (a worker's community; admins: often none)
    community: str = ""
    chat_community_id: int | None = None  # the group's, when the message came from a group
    chat_community: str = ""
    communities: tuple[tuple[int, str], ...] = ()  # every community, oldest first


def normalize_code(text: str) -> str:
    """An invitation code's one written form: `k7qm-3xpa`, `Ｋ７ＱＭ３ＸＰＡ` → `K7QM3XPA` (spaces
    and dashes dropped). What a code is, so storage hashes this form and chat reads it."""
    folded = unicodedata.normalize("NFKC", text).upper()
    return "".join(ch for ch in folded if ch.isalnum())
