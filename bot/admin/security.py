"""Who is logged in, CSRF tokens, login rate limits, phone masks and security headers."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import Flask, Response, abort, request, session
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.callbacks import AppClock, Clock
from models.admin import AdminSession, LoginAttempt
from models.base import utcnow
from models.community import Member
from models.staff import STAFF_ROLES

log = logging.getLogger(__name__)

SESSION_LIFETIME = timedelta(hours=12)
CSRF_FIELD = "csrf_token"
SESSION_FIELD = "sid"  # the cookie's session secret
MAX_FAILURES = 5  # per client address within FAILURE_WINDOW
FAILURE_WINDOW = timedelta(minutes=15)
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


@dataclass(frozen=True, slots=True)
class Staff:
    """The logged-in worker or admin, reloaded from the database on every request."""

    member_id: int
    name: str
    role: str
    community_id: int | None
    actor: str  # what audit rows name: the member's channel id, as chat commands do

    @property
    def is_admin(self) -> bool:
        """Admins see every community; workers only their own."""
        return self.role == "admin"


def to_staff(member: Member) -> Staff | None:
    """A member who may use the worker page, or None."""
    if member.role not in STAFF_ROLES:
        return None
    name = member.display_name or member.external_id
    return Staff(member.id, name, member.role, member.community_id, member.external_id)


CLOCK = AppClock("linli.admin_clock")


def admin_now() -> datetime:
    """The worker page's clock (tests move it to see a session expire)."""
    return datetime.fromtimestamp(CLOCK(), UTC)


def set_clock(app: Flask, clock: Clock) -> None:
    """Replace the worker page's wall clock (tests)."""
    CLOCK.replace(app, clock)


def _session_id(secret: str) -> str:
    """The row id of a session: the SHA-256 of the cookie's secret, never the secret itself."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def start_session(db: Session, member_id: int, now: datetime) -> None:
    """A fresh session (no fixation: everything from before is dropped), recorded on the
    server so it can be revoked, with a new CSRF token."""
    secret = secrets.token_urlsafe(32)
    db.add(
        AdminSession(
            id=_session_id(secret),
            member_id=member_id,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    session.clear()
    session[SESSION_FIELD] = secret
    session[CSRF_FIELD] = secrets.token_urlsafe(32)


def end_session(db: Session, now: datetime) -> None:
    """Log out: the session is revoked on the server (a copy of the cookie stops working)."""
    secret = session.get(SESSION_FIELD)
    if isinstance(secret, str):
        db.execute(
            update(AdminSession)
            .where(AdminSession.id == _session_id(secret), AdminSession.revoked_at.is_(None))
            .values(revoked_at=now)
        )
    session.clear()


def revoke_sessions(db: Session, member_id: int, now: datetime) -> int:
    """End every open session of a member (a new password); return how many."""
    result = db.execute(
        update(AdminSession)
        .where(AdminSession.member_id == member_id, AdminSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def load_staff(db: Session, now: datetime) -> Staff | None:
    """The session's staff member while the session is open, unexpired and unrevoked, and the
    role still allows it (checked on every request)."""
    secret = session.get(SESSION_FIELD)
    if not isinstance(secret, str):
        return None
    row = db.get(AdminSession, _session_id(secret))
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        session.pop(SESSION_FIELD, None)
        return None
    member = db.get(Member, row.member_id)
    return None if member is None else to_staff(member)


def csrf_token() -> str:
    """The session's CSRF token (created for anonymous sessions too: the login form has one)."""
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


def check_csrf() -> None:
    """Refuse a POST whose form token does not match the session's (400). The warning names
    the endpoint, not the path: nothing a client sent is logged."""
    expected = session.get(CSRF_FIELD)
    given = request.form.get(CSRF_FIELD, "")
    if not isinstance(expected, str) or not hmac.compare_digest(expected, given):
        log.warning("csrf mismatch endpoint=%s", request.endpoint)
        abort(400, description="页面已过期，请刷新后再试。")


def client_key() -> str:
    """Rate-limit key: the client address (behind a proxy, configure ProxyFix in front)."""
    return f"ip:{request.remote_addr or '?'}"


def too_many_failures(db: Session, key: str, now: datetime) -> bool:
    """True when this client failed MAX_FAILURES times within the window."""
    count = db.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.key == key, LoginAttempt.at > now - FAILURE_WINDOW)
    )
    return int(count or 0) >= MAX_FAILURES


def record_failure(db: Session, key: str, now: datetime | None = None) -> None:
    """Count one failed login for this client."""
    db.add(LoginAttempt(key=key, at=now or utcnow()))
    log.info("failed admin login key=%s", key)


def mask_phone(phone: str | None) -> str:
    """138****1234; short or odd numbers keep only their last two characters."""
    if not phone:
        return ""
    if len(phone) >= 7:
        return f"{phone[:3]}****{phone[-4:]}"
    return "*" * max(len(phone) - 2, 1) + phone[-2:]


def add_security_headers(response: Response) -> Response:
    """No caching of worker data, no framing, no referrer (login links live in URLs), strict CSP."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = CSP
    return response


def safe_next(target: str | None) -> str | None:
    """A post-login redirect only within /admin (no open redirect)."""
    if target and target.startswith("/admin") and "//" not in target and "\\" not in target:
        return target
    return None
