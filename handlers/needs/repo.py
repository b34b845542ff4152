"""Value types of a need (需求) and the repository Protocol that storage implements."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from handlers.household.repo import Household
from handlers.statuses import OPEN_NEED_STATUSES, NeedStatus

Category = Literal["物资", "代买", "就医", "送餐", "咨询", "求助", "其他"]
CATEGORIES: tuple[Category, ...] = ("物资", "代买", "就医", "送餐", "咨询", "求助", "其他")


@dataclass(frozen=True, slots=True)
class NeedDraft:
    """A need as the classifier understood it, with the reasons a worker can read."""

    text: str
    category: Category
    urgent: bool
    item: str | None = None
    for_whom: str | None = None  # 独居老人, 孕妇, 残疾, 隔离, ...
    reasons: tuple[str, ...] = ()
    adds_to: int | None = None  # the sender's open need (ticket) this message chases


@dataclass(frozen=True, slots=True)
class StoredNeed:
    """A need as storage holds it; `id` is the ticket number residents and workers use."""

    id: int
    chat_id: str
    sender_id: str
    draft: NeedDraft
    status: NeedStatus
    created_at: datetime
    assignee_id: str | None = None
    channel: str = ""
    resolution: str | None = None
    acknowledged_at: datetime | None = None
    resolved_at: datetime | None = None
    household: Household | None = None  # the sender's registered household, when known
    answer: str | None = None  # a question someone answered in the group, with the answer

    @property
    def is_group(self) -> bool:
        """Asked in a group (a 1:1 conversation's chat id is the sender's)."""
        return self.chat_id != self.sender_id

    @property
    def vulnerable(self) -> tuple[str, ...]:
        """Who makes it a vulnerable household's need: the need's for_whom and the flags."""
        flags = () if self.household is None else self.household.flags
        mine = (self.draft.for_whom,) if self.draft.for_whom else ()
        return tuple(dict.fromkeys((*mine, *flags)))

    @property
    def household_key(self) -> str:
        """One key per household (its address when registered, else the sender)."""
        if self.household is not None and self.household.label() != "?":
            return "h:" + self.household.label()
        return f"s:{self.channel}:{self.sender_id}"


@dataclass(frozen=True, slots=True)
class WorkerRef:
    """A worker or admin a need can be handed to (`转 12 王芳`)."""

    sender_id: str
    name: str
    channel: str = ""


def need_order(need: StoredNeed) -> tuple[bool, bool, bool, datetime, int]:
    """Sort key: urgent first, then vulnerable households, then not yet taken, then oldest."""
    return (
        not need.draft.urgent,
        not need.vulnerable,
        need.status != "new",
        need.created_at,
        need.id,
    )


class NeedRepo(Protocol):
    """Storage of needs."""

    def add_need(self, chat_id: str, sender_id: str, draft: NeedDraft, at: datetime) -> StoredNeed:
        """Store a new need with status `new`; return it with its ticket number."""

    def latest_need(self, chat_id: str, since: datetime) -> StoredNeed | None:
        """The newest need posted in this chat since `since` (a `同问` refers to it)."""

    def recent_needs(self, chat_id: str, since: datetime) -> list[StoredNeed]:
        """The chat's needs since then, newest first (a few dozen at most)."""

    def record_answer(self, need_id: int, text: str, by: str, at: datetime) -> None:
        """Keep the answer someone gave to a question in the group (the need stays open)."""

    def list_needs(self) -> list[StoredNeed]:
        """Every need in ticket order."""

    def get_need(self, need_id: int, visible_to: str | None = None) -> StoredNeed | None:
        """One need by ticket; None if unknown or outside `visible_to`'s community."""

    def list_by_status(
        self, statuses: Collection[NeedStatus] = OPEN_NEED_STATUSES, visible_to: str | None = None
    ) -> list[StoredNeed]:
        """Needs with these statuses in `need_order` (urgent, vulnerable, untaken, oldest).

        `visible_to` is a worker's sender id: only their community's needs (admins: all)."""

    def take_need(self, need_id: int, worker_id: str, at: datetime) -> StoredNeed:
        """接单: the worker becomes the assignee; `new` becomes `acknowledged`."""

    def transfer_need(self, need_id: int, to_worker: str, actor: str, at: datetime) -> StoredNeed:
        """转: another worker becomes the assignee; `new` becomes `acknowledged`."""

    def resolve_need(self, need_id: int, note: str, actor: str, at: datetime) -> StoredNeed:
        """完成: status `resolved` with the worker's note (the actor is assignee if none)."""

    def start_needs(self, need_ids: Collection[int], actor: str, note: str, at: datetime) -> None:
        """Open needs become `in_progress` (e.g. a campaign was opened for them)."""

    def list_workers(self, visible_to: str | None = None) -> list[WorkerRef]:
        """Workers and admins (of `visible_to`'s community, when given)."""

    def flag_household(self, channel: str, sender_id: str, flag: str, at: datetime) -> bool:
        """Remember a vulnerability flag on the sender's registered household; True if added."""


@dataclass(frozen=True, slots=True)
class ChatLine:
    """A text someone posted in a chat, as the inbox keeps it (`at` is when it was sent)."""

    sender_id: str
    text: str
    at: datetime


class ChatLog(Protocol):
    """A chat's recent messages, read from storage: every worker process sees the same chat."""

    def recent_lines(self, chat_id: str, since: datetime, excluding: str) -> list[ChatLine]:
        """The chat's text messages sent since `since` by anyone but `excluding`, newest
        first (the newest few hundred at most)."""


class NoChatLog:
    """A ChatLog that remembers nothing (handler tests that do not need one)."""

    def recent_lines(self, chat_id: str, since: datetime, excluding: str) -> list[ChatLine]:
        """Nothing was said."""
        return []


NO_CHAT_LOG: ChatLog = NoChatLog()
