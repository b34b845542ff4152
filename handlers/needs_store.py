"""Value types of a need (需求) and the repository Protocol that storage implements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

Category = Literal["物资", "代买", "就医", "送餐", "咨询", "求助", "其他"]
CATEGORIES: tuple[Category, ...] = ("物资", "代买", "就医", "送餐", "咨询", "求助", "其他")
NeedStatus = Literal["new", "acknowledged", "in_progress", "resolved"]


@dataclass(frozen=True, slots=True)
class NeedDraft:
    """A need as the classifier understood it, with the reasons a worker can read."""

    text: str
    category: Category
    urgent: bool
    item: str | None = None
    for_whom: str | None = None  # 独居老人, 孕妇, 残疾, 隔离, ...
    reasons: tuple[str, ...] = ()


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


class NeedRepo(Protocol):
    """Storage of needs."""

    def add_need(self, chat_id: str, sender_id: str, draft: NeedDraft, at: datetime) -> StoredNeed:
        """Store a new need with status `new`; return it with its ticket number."""

    def latest_need(self, chat_id: str, since: datetime) -> StoredNeed | None:
        """The newest need posted in this chat since `since` (a `同问` refers to it)."""

    def list_needs(self) -> list[StoredNeed]:
        """Every need in ticket order."""
