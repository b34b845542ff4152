"""The PaymentRepo part of `tests.fakes_campaigns.FakeCampaignRepo`, as
`models.campaign_payments.CampaignPayments` stores it: rows in order, a 台账 row each."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import datetime

from handlers.money.repo import PaymentDraft, PaymentView
from tests.fakes_campaign_rows import CampaignTables

STATE_LABELS = {"unpaid": "未付", "paid": "已付", "refunded": "已退"}


class FakePayments(CampaignTables):
    """Payment and refund rows of the fake's campaigns (each order names its campaign)."""

    def list_payments(self, campaign_id: int) -> list[PaymentView]:
        return [p for p in self.payments if self.orders[p.order_id].campaign_id == campaign_id]

    def add_payments(
        self, campaign_id: int, drafts: Sequence[PaymentDraft], actor: str, at: datetime
    ) -> list[PaymentView]:
        added = []
        for d in drafts:
            row = PaymentView(
                len(self.payments) + 1,
                d.order_id,
                d.kind,
                d.amount,
                d.method,
                d.note[:500],
                actor,
                at,
                at if d.done else None,
            )
            self.payments.append(row)
            added.append(row)
            after = {
                "payment": STATE_LABELS[d.after],
                "amount": row.amount,
                "method": row.method,
                "note": row.note,
                "payment_id": row.id,
            }
            action = f"payment.{d.kind}" if d.done else "payment.refund_due"
            before = {"payment": STATE_LABELS[d.before]}
            self.write_audit(actor, action, "order", d.order_id, before, after, at)
        return added

    def settle_refunds(
        self, payment_ids: Collection[int], actor: str, at: datetime
    ) -> list[PaymentView]:
        settled = []
        for i, row in enumerate(self.payments):
            if row.id not in payment_ids or row.kind != "refund" or row.done_at is not None:
                continue
            before = {"refund": "待退", "amount": row.amount, "payment_id": row.id}
            after = {"refund": "已退", "amount": row.amount, "payment_id": row.id}
            self.write_audit(actor, "payment.refund", "order", row.order_id, before, after, at)
            self.payments[i] = replace(row, done_at=at)
            settled.append(self.payments[i])
        return settled
