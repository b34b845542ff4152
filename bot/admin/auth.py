"""Login to the worker page: a one-time link from the bot (`后台`) or a password; logout."""

from __future__ import annotations

import logging
from datetime import datetime

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from bot.admin.security import (
    admin_now,
    client_key,
    end_session,
    record_failure,
    safe_next,
    start_session,
    to_staff,
    too_many_failures,
)
from bot.local_state import secret_key
from bot.runtime import runtime
from handlers.community.admin_link import LoginClaim, read_login_token
from models.admin import AdminCredential, UsedLoginToken
from models.community import Member

log = logging.getLogger(__name__)

bp = Blueprint("auth", __name__)

# Compared against when the username is unknown, so both paths cost one scrypt.
_DUMMY_HASH = generate_password_hash("linli-no-such-user", method="scrypt")


def hash_password(password: str) -> str:
    """scrypt hash (werkzeug's format, salted)."""
    return generate_password_hash(password, method="scrypt")


@bp.get("/login")
def login() -> str:
    """The password form (the link from the bot is the usual way in)."""
    return render_template("admin/login.html", next=safe_next(request.args.get("next")))


@bp.post("/login")
def login_post() -> ResponseReturnValue:
    """Check the password; failures count towards the client's rate limit."""
    now, key = admin_now(), client_key()
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    with runtime().session_factory.begin() as db:
        if too_many_failures(db, key, now):
            return render_template("admin/login.html", error="尝试次数过多，请15分钟后再试。"), 429
        member = _password_member(db, username, password)
        if member is None:
            record_failure(db, key, now)
            return render_template("admin/login.html", error="用户名或密码不对。"), 401
        start_session(db, member.id, now)
        log.info("admin login by password member=%s", member.id)
    return redirect(safe_next(request.form.get("next")) or url_for("admin.today.index"))


def _password_member(db: Session, username: str, password: str) -> Member | None:
    cred = db.scalar(select(AdminCredential).where(AdminCredential.username == username))
    ok = check_password_hash(cred.password_hash if cred else _DUMMY_HASH, password)
    if cred is None or not ok or cred.disabled_at is not None:
        return None
    member = db.get(Member, cred.member_id)
    return member if member is not None and to_staff(member) is not None else None


@bp.get("/login/link")
def link() -> ResponseReturnValue:
    """The page a one-time link opens. The token is in the link's #fragment, which browsers
    never send: it stays out of access logs, proxies and Referer; the page's script puts it in
    the form. Nothing is used on GET: chat apps prefetch links."""
    return render_template("admin/link.html")


@bp.post("/login/link")
def link_post() -> ResponseReturnValue:
    """Use the link once: a second use, an expired link or a non-worker gets no session."""
    now, key = admin_now(), client_key()
    token = request.form.get("token", "").strip()
    claim = read_login_token(secret_key(runtime().settings), token, now) if token else None
    try:
        with runtime().session_factory.begin() as db:
            if too_many_failures(db, key, now):
                return render_template(
                    "admin/link.html", error="尝试次数过多，请15分钟后再试。"
                ), 429
            member = _use_link(db, claim, now) if claim else None
            if member is None:
                record_failure(db, key, now)
                return render_template(
                    "admin/link.html", error="链接无效、已用过或已过期，请在聊天里重新发送“后台”。"
                ), 400
            start_session(db, member.id, now)
    except IntegrityError:  # the same link used twice at the same moment: one wins
        return render_template("admin/link.html", error="链接已用过。"), 400
    log.info("admin login by link member=%s", member.id)
    return redirect(url_for("admin.today.index"))


def _use_link(db: Session, claim: LoginClaim, now: datetime) -> Member | None:
    member = db.scalar(
        select(Member).where(Member.channel == claim.channel, Member.external_id == claim.sender_id)
    )
    if member is None or to_staff(member) is None:
        return None
    if db.get(UsedLoginToken, claim.token_id) is not None:
        return None
    db.add(
        UsedLoginToken(
            token_id=claim.token_id,
            member_id=member.id,
            used_at=now,
            expires_at=claim.expires_at,
        )
    )
    db.flush()
    return member


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """End the session here and on the server: a copy of the cookie no longer logs in."""
    with runtime().session_factory.begin() as db:
        end_session(db, admin_now())
    return redirect(url_for("admin.auth.login"))
