"""Money of a campaign (issue 17): payment and refund rows, and the PaymentRepo Protocol.

Amounts are whole fen (分), never floats, so 38元 × 3 is exactly 11400 and sums never drift.
A payment row records money a household paid; a refund row money going back to it, waiting
(待退, `done_at` None) until a worker says it was sent. Every write leaves a 台账 row.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

PaymentKind = Literal["payment", "refund"]
PaymentState = Literal["unpaid", "paid", "refunded"]  # 未付 → 已付 → 已退

# How a row came to be: the worker in chat, a pasted transfer note, the worker page, an
# imported export, or Linli itself (a refund line after a short delivery or a cancellation).
METHOD_CHAT = "chat"
METHOD_TRANSFER = "transfer"
METHOD_PAGE = "page"
METHOD_IMPORT = "import"
METHOD_AUTO = "auto"


@dataclass(frozen=True, slots=True)
class PaymentView:
    """One stored payment or refund row."""

    id: int
    order_id: int
    kind: PaymentKind
    amount: int  # fen
    method: str
    note: str
    actor: str
    at: datetime
    done_at: datetime | None  # a refund waiting to be sent back has None

    @property
    def waiting(self) -> bool:
        """A refund line nobody has sent back yet (待退)."""
        return self.kind == "refund" and self.done_at is None


@dataclass(frozen=True, slots=True)
class PaymentDraft:
    """A row to store, with the order's payment state before and after it (for the 台账)."""

    order_id: int
    kind: PaymentKind
    amount: int  # fen, > 0
    method: str
    note: str = ""
    done: bool = True  # False: a refund line waiting to be sent back
    before: PaymentState = "unpaid"
    after: PaymentState = "unpaid"


class PaymentRepo(Protocol):
    """Storage of payment and refund rows; every write records an audit row."""

    def list_payments(self, campaign_id: int) -> list[PaymentView]:
        """The campaign's payment and refund rows, oldest first."""

    def add_payments(
        self, campaign_id: int, drafts: Sequence[PaymentDraft], actor: str, at: datetime
    ) -> list[PaymentView]:
        """Store the rows (one audit row each); return them as stored."""

    def settle_refunds(
        self, payment_ids: Collection[int], actor: str, at: datetime
    ) -> list[PaymentView]:
        """Mark waiting refund rows as sent back (已退); return the rows that changed."""


class NoPayments:
    """The PaymentRepo half of NoCampaigns: nothing stored, writes refused."""

    def list_payments(self, campaign_id: int) -> list[PaymentView]:
        return []

    def add_payments(
        self, campaign_id: int, drafts: Sequence[PaymentDraft], actor: str, at: datetime
    ) -> list[PaymentView]:
        raise RuntimeError("no campaign storage in this Context")

    def settle_refunds(
        self, payment_ids: Collection[int], actor: str, at: datetime
    ) -> list[PaymentView]:
        raise RuntimeError("no campaign storage in this Context")
