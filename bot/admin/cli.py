"""`flask --app bot.app:create_app create-admin NAME`: the first admin (or a password reset)."""

from __future__ import annotations

import logging

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.admin.auth import hash_password
from bot.admin.security import revoke_sessions
from bot.runtime import runtime
from models.admin import AdminCredential
from models.base import utcnow
from models.community import Community, Member

log = logging.getLogger(__name__)

WEB_CHANNEL = "web"  # members who exist only for the worker page


@click.command("create-admin")
@with_appcontext
@click.argument("name")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="at least 8 characters (asked for when not given)",
)
@click.option("--role", type=click.Choice(["admin", "worker"]), default="admin", show_default=True)
@click.option("--community", default="", help="community name (a worker needs one)")
def create_admin(name: str, password: str, role: str, community: str) -> None:
    """Create a worker-page account with a password; an existing NAME gets the new password."""
    if len(password) < 8:
        raise click.BadParameter("密码至少8位 (at least 8 characters)", param_hint="--password")
    with runtime().session_factory.begin() as db:
        community_id = _community_id(db, community) if community else None
        if role == "worker" and community_id is None:
            raise click.BadParameter("worker 需要 --community", param_hint="--community")
        created = _upsert(db, name, hash_password(password), role, community_id)
    click.echo(f"{'created' if created else 'updated'} {role} {name}")
    log.info("create-admin name=%s role=%s created=%s", name, role, created)


def _community_id(db: Session, name: str) -> int:
    row = db.scalar(select(Community).where(Community.name == name))
    if row is None:
        raise click.BadParameter(f"no community named {name!r}", param_hint="--community")
    return row.id


def _upsert(
    db: Session, name: str, password_hash: str, role: str, community_id: int | None
) -> bool:
    cred = db.scalar(select(AdminCredential).where(AdminCredential.username == name))
    if cred is not None:
        cred.password_hash, cred.disabled_at = password_hash, None
        revoke_sessions(db, cred.member_id, utcnow())  # a new password ends old sessions
        member = db.get_one(Member, cred.member_id)
        member.role, member.community_id = role, community_id
        return False
    member = db.scalar(
        select(Member).where(Member.channel == WEB_CHANNEL, Member.external_id == name)
    ) or Member(channel=WEB_CHANNEL, external_id=name, display_name=name)
    member.role, member.community_id = role, community_id
    db.add(member)
    db.flush()
    db.add(AdminCredential(member_id=member.id, username=name, password_hash=password_hash))
    return True
