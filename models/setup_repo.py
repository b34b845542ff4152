"""Communities, invitations and the groups' community: one place for the chat, the CLI and the
worker page.

A Member is one person on one channel; its role (worker / admin) holds in its community
(admins see every community). A Chat belongs to at most one Community; a group heard before
anyone assigned it waits with no community, and its records join the community on assignment.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from handlers.community.repo import AssignOutcome, BindOutcome, BindStatus
from handlers.community.values import CODE_ALPHABET, normalize_code
from models.audit import AuditLog, write_audit
from models.base import core_connection, table_of
from models.campaign import Campaign
from models.community import Chat, Community, Household, Invitation, Member
from models.messaging import InboxMessage
from models.need import Need

log = logging.getLogger(__name__)

CODE_LENGTH = 8  # 31^8 ≈ 8.5e11 codes; with 5 tries an hour a guess never lands
INVITE_HOURS = 24
MAX_BIND_FAILURES = 5  # per sender and channel within BIND_WINDOW
BIND_WINDOW = timedelta(hours=1)
ROLE_RANK = {"resident": 0, "worker": 1, "admin": 2}
NAME_MAX = 100
_chats = table_of(Chat)
_CHAT_STATE = select(_chats.c.community_id, _chats.c.announced_at).where(
    _chats.c.channel == bindparam("channel_"), _chats.c.external_id == bindparam("chat_id_")
)


class SetupError(ValueError):
    """A request that cannot be done as asked; the message says why, in the worker's words."""


def clean_name(name: str) -> str:
    """A community's name as stored: NFKC, inner spaces collapsed, trimmed."""
    return " ".join(unicodedata.normalize("NFKC", name).split())


def find_community(db: Session, name: str) -> Community | None:
    """The community of this name (compared after `clean_name`)."""
    return db.scalar(select(Community).where(Community.name == clean_name(name)))


def community_names(db: Session) -> list[str]:
    """Every community's name, oldest first."""
    return list(db.scalars(select(Community.name).order_by(Community.id)))


def add_community(db: Session, name: str, actor: str, at: datetime) -> Community:
    """A new community (audited); SetupError for an empty, too long or taken name."""
    cleaned = _valid_name(name)
    if find_community(db, cleaned) is not None:
        raise SetupError(f"社区“{cleaned}”已经有了")
    row = Community(name=cleaned, created_at=at)
    db.add(row)
    db.flush()
    write_audit(db, actor, "community.add", "community", row.id, None, {"name": cleaned}, at)
    return row


def rename_community(db: Session, old: str, new: str, actor: str, at: datetime) -> Community:
    """Rename a community (its groups, workers and households stay with it)."""
    row = find_community(db, old)
    if row is None:
        raise SetupError(f"没有叫“{clean_name(old)}”的社区")
    cleaned = _valid_name(new)
    taken = find_community(db, cleaned)
    if taken is not None and taken.id != row.id:
        raise SetupError(f"社区“{cleaned}”已经有了")
    before = {"name": row.name}
    row.name = cleaned
    write_audit(db, actor, "community.rename", "community", row.id, before, {"name": cleaned}, at)
    return row


def _valid_name(name: str) -> str:
    cleaned = clean_name(name)
    if not cleaned or len(cleaned) > NAME_MAX:
        raise SetupError(f"社区名称须为1到{NAME_MAX}个字")
    return cleaned


@dataclass(frozen=True, slots=True)
class CommunitySummary:
    """One community as the list shows it."""

    id: int
    name: str
    groups: int
    workers: int
    households: int
    on_roster: int


def list_communities(db: Session) -> list[CommunitySummary]:
    """Every community with its counts of groups, workers and households."""

    def counts(stmt: Select[int | None, int]) -> dict[int, int]:
        return {cid: n for cid, n in db.execute(stmt) if cid is not None}

    groups = counts(
        select(Chat.community_id, func.count())
        .where(Chat.is_group.is_(True))
        .group_by(Chat.community_id)
    )
    workers = counts(
        select(Member.community_id, func.count())
        .where(Member.role.in_(("worker", "admin")))
        .group_by(Member.community_id)
    )
    homes = select(Household.community_id, func.count()).where(Household.purged_at.is_(None))
    households = counts(homes.group_by(Household.community_id))
    roster = counts(homes.where(Household.on_roster.is_(True)).group_by(Household.community_id))
    return [
        CommunitySummary(
            c.id,
            c.name,
            groups.get(c.id, 0),
            workers.get(c.id, 0),
            households.get(c.id, 0),
            roster.get(c.id, 0),
        )
        for c in db.scalars(select(Community).order_by(Community.id))
    ]


# --- invitations --------------------------------------------------------------------------


def code_hash(code: str) -> str:
    """What is stored of a code: its SHA-256 (the code itself is shown once)."""
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()


def new_code() -> str:
    """A random code, shown as K7QM-3XPA."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def create_invitation(
    db: Session,
    community: Community,
    role: str,
    actor: str,
    at: datetime,
    hours: int = INVITE_HOURS,
) -> tuple[str, Invitation]:
    """A one-time code for `role` in the community, valid for `hours` (audited)."""
    if role not in ("worker", "admin"):
        raise SetupError("角色只能是 worker 或 admin")
    if not 1 <= hours <= 24 * 7:
        raise SetupError("有效期须在1到168小时之间")
    code = new_code()
    row = Invitation(
        code_hash=code_hash(code),
        community_id=community.id,
        role=role,
        created_by=actor,
        created_at=at,
        expires_at=at + timedelta(hours=hours),
    )
    db.add(row)
    db.flush()
    after = {"community": community.name, "role": role, "expires_at": row.expires_at}
    write_audit(db, actor, "invite.create", "invitation", row.id, None, after, at)
    return code, row


def _bind_key(channel: str, sender_id: str) -> str:
    """Audit record id of one sender's bind attempts (ids can be longer than the column)."""
    return hashlib.sha256(f"{channel}:{sender_id}".encode()).hexdigest()[:32]


class SqlSetupRepo:
    """SetupRepo on one open Session (the message's transaction)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def bind(
        self, channel: str, sender_id: str, display_name: str, code: str, at: datetime
    ) -> BindOutcome:
        key = _bind_key(channel, sender_id)
        if self._failures(key, at) >= MAX_BIND_FAILURES:
            return self._fail(key, sender_id, "locked", at)
        inv = self.session.scalar(
            select(Invitation).where(Invitation.code_hash == code_hash(code)).with_for_update()
        )
        problem = _invitation_problem(inv, at)
        if inv is None or problem is not None:
            return self._fail(key, sender_id, problem or "unknown", at)
        return self._redeem(inv, channel, sender_id, display_name, at)

    def _redeem(
        self, inv: Invitation, channel: str, sender_id: str, name: str, at: datetime
    ) -> BindOutcome:
        community = self.session.get_one(Community, inv.community_id)
        member = self._member(channel, sender_id) or Member(
            channel=channel, external_id=sender_id, display_name=name or ""
        )
        if member.role in ("worker", "admin") and member.community_id not in (None, community.id):
            mine = self.session.get_one(Community, member.community_id)
            return BindOutcome("other_community", mine.name, member.role)
        if ROLE_RANK.get(member.role, 0) >= ROLE_RANK[inv.role]:
            return BindOutcome("already", community.name, member.role)
        before = {"role": member.role, "community_id": member.community_id}
        member.role, member.community_id = inv.role, community.id
        member.display_name = member.display_name or name or ""
        inv.used_at, inv.used_channel, inv.used_by = at, channel, sender_id
        self.session.add(member)
        self.session.flush()
        after = {"role": inv.role, "community_id": community.id, "invitation": inv.id}
        write_audit(self.session, sender_id, "member.bind", "member", member.id, before, after, at)
        log.info("member %s:%s bound as %s of %s", channel, sender_id, inv.role, community.name)
        return BindOutcome("bound", community.name, inv.role)

    def _member(self, channel: str, sender_id: str) -> Member | None:
        return self.session.scalar(
            select(Member).where(Member.channel == channel, Member.external_id == sender_id)
        )

    def _failures(self, key: str, at: datetime) -> int:
        return int(
            self.session.scalar(
                select(func.count())
                .select_from(AuditLog)
                .where(
                    AuditLog.record_type == "bind",
                    AuditLog.record_id == key,
                    AuditLog.action == "invite.bind_failed",
                    AuditLog.at > at - BIND_WINDOW,
                )
            )
            or 0
        )

    def _fail(self, key: str, sender_id: str, status: BindStatus, at: datetime) -> BindOutcome:
        """Every failed try is written to the 台账 and counts towards the lock."""
        after = {"reason": status}
        write_audit(self.session, sender_id, "invite.bind_failed", "bind", key, None, after, at)
        log.warning("bind refused sender=%s reason=%s", sender_id, status)
        return BindOutcome(status)

    def revoke_code(self, code: str, actor: str, at: datetime) -> bool:
        inv = self.session.scalar(select(Invitation).where(Invitation.code_hash == code_hash(code)))
        if inv is None or _invitation_problem(inv, at) is not None:
            return False
        inv.expires_at = at
        after = {"reason": "shown in a group"}
        write_audit(self.session, actor, "invite.revoke", "invitation", inv.id, None, after, at)
        return True

    def assign_chat(
        self, channel: str, chat_id: str, community: str, actor: str, at: datetime
    ) -> AssignOutcome:
        target = find_community(self.session, community)
        if target is None:
            return AssignOutcome("unknown", names=tuple(community_names(self.session)))
        member = self._member(channel, actor)
        chat = group_chat(self.session, channel, chat_id, at)
        if chat.community_id == target.id:
            return AssignOutcome("already", target.name)
        is_admin = member is not None and member.role == "admin"
        if chat.community_id is not None and not is_admin:
            current = self.session.get_one(Community, chat.community_id).name
            return AssignOutcome("taken", target.name, current=current)
        if not is_admin and (member is None or member.community_id != target.id):
            return AssignOutcome("not_yours", target.name)
        count = assign_chat_to(self.session, chat, target, actor, at)
        return AssignOutcome("assigned", target.name, messages=count)

    def community_names(self) -> list[str]:
        return community_names(self.session)

    def first_heard(self, channel: str, chat_id: str, at: datetime) -> str | None:
        # Every group message asks: a group already placed or announced is answered by one
        # prebuilt lookup, without loading the Chat (14 % of bench/jielong.py 1000 before).
        params = {"channel_": channel, "chat_id_": chat_id}
        known = core_connection(self.session).execute(_CHAT_STATE, params).first()
        if known is not None and (known[0] is not None or known[1] is not None):
            return None
        chat = group_chat(self.session, channel, chat_id, at)
        if chat.community_id is not None or chat.announced_at is not None:
            return None
        chat.announced_at = at
        return chat.title or chat.external_id


def _invitation_problem(inv: Invitation | None, at: datetime) -> BindStatus | None:
    if inv is None:
        return "unknown"
    if inv.used_at is not None:
        return "used"
    if inv.expires_at <= at:
        return "expired"
    return None


def group_chat(session: Session, channel: str, chat_id: str, at: datetime) -> Chat:
    """The group's Chat row, created (in a savepoint: a concurrent first message may win)."""
    stmt = select(Chat).where(Chat.channel == channel, Chat.external_id == chat_id)
    found = session.scalar(stmt)
    if found is not None:
        return found
    try:
        with session.begin_nested():
            row = Chat(channel=channel, external_id=chat_id, is_group=True, created_at=at)
            session.add(row)
        return row
    except IntegrityError:
        return session.scalars(stmt).one()


def assign_chat_to(
    session: Session, chat: Chat, community: Community, actor: str, at: datetime
) -> int:
    """Give the chat to the community; what it heard before joins it. Returns that many messages.

    Needs and campaigns stored without a community while the group waited take the group's;
    the 接龙 chains were kept by chat all along, so they count as they are.
    """
    before = {"community_id": chat.community_id}
    chat.community_id = community.id
    for model in (Need, Campaign):
        session.execute(
            update(model)
            .where(
                model.chat_id == chat.external_id,
                model.channel == chat.channel,
                model.community_id.is_(None),
            )
            .values(community_id=community.id)
            .execution_options(synchronize_session=False)
        )
    heard = session.scalar(
        select(func.count())
        .select_from(InboxMessage)
        .where(
            InboxMessage.channel == chat.channel,
            InboxMessage.chat_id == chat.external_id,
            InboxMessage.handled_at.is_not(None),  # not the `本群属于` being handled now
        )
    )
    after = {"community_id": community.id, "community": community.name, "messages": heard}
    write_audit(session, actor, "chat.assign", "chat", chat.id, before, after, at)
    log.info("chat %s:%s assigned to %s", chat.channel, chat.external_id, community.name)
    return int(heard or 0)


@dataclass(frozen=True, slots=True)
class WaitingGroup:
    """A group with no community: where it is, when it was first heard, how much it said."""

    id: int
    channel: str
    external_id: str
    title: str
    created_at: datetime
    messages: int


def waiting_groups(db: Session) -> list[WaitingGroup]:
    """Groups without a community, newest first, with their message counts."""
    heard = (
        select(func.count())
        .select_from(InboxMessage)
        .where(InboxMessage.channel == Chat.channel, InboxMessage.chat_id == Chat.external_id)
        .scalar_subquery()
    )
    rows = db.execute(
        select(Chat, heard)
        .where(Chat.community_id.is_(None), Chat.is_group.is_(True))
        .order_by(Chat.created_at.desc(), Chat.id.desc())
    ).all()
    return [
        WaitingGroup(c.id, c.channel, c.external_id, c.title or c.external_id, c.created_at, n)
        for c, n in rows
    ]
