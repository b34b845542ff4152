"""Who is logged in, CSRF tokens, login rate limits, phone masks and security headers."""

from __future__ import annotations

import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Response, abort, request, session
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.admin import LoginAttempt
from models.base import utcnow
from models.community import Member

log = logging.getLogger(__name__)

SESSION_LIFETIME = timedelta(hours=12)
CSRF_FIELD = "csrf_token"
MAX_FAILURES = 5  # per client address within FAILURE_WINDOW
FAILURE_WINDOW = timedelta(minutes=15)
STAFF_ROLES = ("worker", "admin")
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


def start_session(member_id: int, now: datetime) -> None:
    """A fresh session (no fixation: everything from before is dropped) with a new CSRF token."""
    session.clear()
    session["uid"] = member_id
    session["login_at"] = now.timestamp()
    session[CSRF_FIELD] = secrets.token_urlsafe(32)


def end_session() -> None:
    """Log out."""
    session.clear()


def load_staff(db: Session, now: datetime) -> Staff | None:
    """The session's staff member while the session is fresh and the role still allows it."""
    uid, login_at = session.get("uid"), session.get("login_at")
    if not isinstance(uid, int) or not isinstance(login_at, int | float):
        return None
    if now.timestamp() - login_at > SESSION_LIFETIME.total_seconds():
        session.clear()
        return None
    member = db.get(Member, uid)
    return None if member is None else to_staff(member)


def csrf_token() -> str:
    """The session's CSRF token (created for anonymous sessions too: the login form has one)."""
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


def check_csrf() -> None:
    """Refuse a POST whose form token does not match the session's (400)."""
    expected = session.get(CSRF_FIELD)
    given = request.form.get(CSRF_FIELD, "")
    if not isinstance(expected, str) or not hmac.compare_digest(expected, given):
        log.warning("csrf mismatch path=%s", request.path)
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
