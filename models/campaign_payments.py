"""SqlCampaignRepo's money (issue 17): payment and refund rows, each write in the 台账."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.money.repo import PaymentDraft, PaymentKind, PaymentView
from models.audit import write_audit
from models.campaign import Campaign
from models.payment import Payment

STATE_LABELS = {"unpaid": "未付", "paid": "已付", "refunded": "已退"}


def payment_view(row: Payment) -> PaymentView:
    """Payment row → value."""
    kind: PaymentKind = "refund" if row.kind == "refund" else "payment"
    return PaymentView(
        row.id, row.order_id, kind, row.amount, row.method, row.note, row.actor, row.at, row.done_at
    )


class CampaignPayments:
    """The money part of SqlCampaignRepo."""

    session: Session

    def list_payments(self, campaign_id: int) -> list[PaymentView]:
        rows = self.session.scalars(
            select(Payment).where(Payment.campaign_id == campaign_id).order_by(Payment.id)
        )
        return [payment_view(r) for r in rows]

    def add_payments(
        self, campaign_id: int, drafts: Sequence[PaymentDraft], actor: str, at: datetime
    ) -> list[PaymentView]:
        if drafts:  # the campaign row is the lock: two workers marking at once stay in order
            self.session.get_one(Campaign, campaign_id, with_for_update=True)
        rows = [_row(campaign_id, d, actor, at) for d in drafts]
        self.session.add_all(rows)
        self.session.flush()
        for draft, row in zip(drafts, rows, strict=True):
            write_audit(
                self.session,
                actor,
                f"payment.{draft.kind}" if draft.done else "payment.refund_due",
                "order",
                draft.order_id,
                {"payment": STATE_LABELS[draft.before]},
                {
                    "payment": STATE_LABELS[draft.after],
                    "amount": row.amount,
                    "method": row.method,
                    "note": row.note,
                    "payment_id": row.id,
                },
                at,
            )
        return [payment_view(r) for r in rows]

    def settle_refunds(
        self, payment_ids: Collection[int], actor: str, at: datetime
    ) -> list[PaymentView]:
        rows = self.session.scalars(
            select(Payment)
            .where(
                Payment.id.in_(list(payment_ids)),
                Payment.kind == "refund",
                Payment.done_at.is_(None),
            )
            .order_by(Payment.id)
            .with_for_update()
        ).all()
        for row in rows:
            write_audit(
                self.session,
                actor,
                "payment.refund",
                "order",
                row.order_id,
                {"refund": "待退", "amount": row.amount, "payment_id": row.id},
                {"refund": "已退", "amount": row.amount, "payment_id": row.id},
                at,
            )
            row.done_at, row.done_by = at, actor
        return [payment_view(r) for r in rows]


def _row(campaign_id: int, d: PaymentDraft, actor: str, at: datetime) -> Payment:
    return Payment(
        campaign_id=campaign_id,
        order_id=d.order_id,
        kind=d.kind,
        amount=d.amount,
        method=d.method,
        note=d.note[:500],
        actor=actor,
        at=at,
        done_at=at if d.done else None,
        done_by=actor if d.done else None,
    )
