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
class ChatRegistration:
    """One chat as storage registered it on one channel (`row_id`: its row, for the page);
    `handlers.reach` decides from these which groups Linli can post to."""

    channel: str
    chat_id: str
    title: str = ""
    is_group: bool = True
    has_webhook: bool = False  # a 企业微信 robot's webhook is known
    community_id: int | None = None
    community: str = ""
    row_id: int = 0


@dataclass(frozen=True, slots=True)
class NamedChat:
    """A chat something names (a campaign's group, an order's chat) with its registrations,
    none when it was never registered: then `channel` and `title` are all that is known."""

    chat_id: str
    channel: str = "sim"
    title: str = ""
    registrations: tuple[ChatRegistration, ...] = ()


@dataclass(frozen=True, slots=True)
class OrderContact:
    """What storage knows about reaching the resident of one order (`handlers.reach.reach_order`
    decides with it)."""

    order_id: int
    chat: NamedChat  # the order's chat (`channel`: the campaign's, for a chat never registered)
    sender_id: str
    opened_by: str  # who opened the campaign: their 1:1 chat is never the resident's group
    followers: tuple[Follower, ...] = ()  # the household's 公众号 members
    sender: Follower | None = None  # the order's sender on the 公众号, for an order sent 1:1
    phone: str | None = None  # the household's
    mention_consent: bool = False  # the household agreed to @-mentions with its phone


@dataclass(frozen=True, slots=True)
class GroupRow:
    """A group of a community as the page and the CLI list it (its row id, to rename it)."""

    id: int
    ref: GroupRef


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
