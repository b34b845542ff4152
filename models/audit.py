"""The 台账 (AuditLog): who did what to which record, before → after; written and read here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Index, String, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from handlers.campaign.repo import AuditEntry
from models.base import Base, JSONText, UTCDateTime, table_of, utcnow


class AuditLog(Base):
    """台账: who did what to which record, when, before and after. Never deleted."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_record", "record_type", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(50))
    record_type: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[str] = mapped_column(String(50))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONText)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONText)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


_INSERT_AUDIT = insert(table_of(AuditLog))


def write_audit(
    session: Session,
    actor: str,
    action: str,
    record_type: str,
    record_id: int | str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    at: datetime,
) -> None:
    """Add one audit row in the caller's transaction."""
    session.add(AuditLog(**audit_row(actor, action, record_type, record_id, before, after, at)))


def audit_row(
    actor: str,
    action: str,
    record_type: str,
    record_id: int | str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    at: datetime,
) -> dict[str, Any]:
    """The column values of one audit row (for `insert_audits`)."""
    return {
        "actor": actor,
        "action": action,
        "record_type": record_type,
        "record_id": str(record_id),
        "before": _plain(before),
        "after": _plain(after),
        "at": at,
    }


def insert_audits(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert many audit rows (`audit_row` values) in one statement, in the given order."""
    if rows:
        conn.execute(_INSERT_AUDIT, list(rows))


def _plain(value: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """JSON-safe copy: datetimes become ISO text."""
    if value is None:
        return None
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in value.items()}


def read_audit(
    session: Session, record_type: str = "", record_id: str = "", limit: int = 500
) -> list[AuditEntry]:
    """Audit rows newest first, optionally for one record."""
    stmt = select(AuditLog).order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(limit)
    if record_type:
        stmt = stmt.where(AuditLog.record_type == record_type)
    if record_id:
        stmt = stmt.where(AuditLog.record_id == record_id)
    return [
        AuditEntry(r.id, r.actor, r.action, r.record_type, r.record_id, r.before, r.after, r.at)
        for r in session.scalars(stmt)
    ]
