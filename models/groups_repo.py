"""A community's groups as workers keep them: a name for each (so `开团 … 发到：3号楼群` can
name it), and ordinary WeChat groups Linli cannot post to (no robot, no relay) added by hand,
so a campaign's reply lists them with the 接龙 to forward. One place for the page and the CLI.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from handlers.community.values import WECHAT_GROUP, group_key
from models.audit import write_audit
from models.community import Chat, Community
from models.reach import community_chats
from models.setup_repo import SetupError, clean_name

log = logging.getLogger(__name__)
TITLE_MAX = 60


def _valid_title(title: str) -> str:
    cleaned = clean_name(title)
    if not cleaned or len(cleaned) > TITLE_MAX:
        raise SetupError(f"群名称须为1到{TITLE_MAX}个字")
    return cleaned


def _taken(db: Session, community_id: int, title: str, skip_chat: str = "") -> bool:
    """True when another group of the community already has this name."""
    key = group_key(title)
    return any(
        group_key(g.title) == key and g.chat_id != skip_chat
        for g in community_chats(db, community_id)
    )


def add_wechat_group(
    db: Session, community: Community, title: str, actor: str, at: datetime
) -> Chat:
    """An ordinary WeChat group of the community, known by its name only (audited)."""
    cleaned = _valid_title(title)
    if _taken(db, community.id, cleaned):
        raise SetupError(f"「{community.name}」已经有叫“{cleaned}”的群了")
    row = Chat(
        channel=WECHAT_GROUP,
        # its own id, not one derived from the name: a group renamed keeps it, and its old
        # name may then be given to a new group
        external_id=f"wechat-{uuid.uuid4().hex[:16]}",
        title=cleaned,
        is_group=True,
        community_id=community.id,
        created_at=at,
        announced_at=at,
    )
    db.add(row)
    db.flush()
    after = {"title": cleaned, "community_id": community.id, "channel": WECHAT_GROUP}
    write_audit(db, actor, "chat.add", "chat", row.id, None, after, at)
    log.info("ordinary WeChat group %s added to %s", cleaned, community.name)
    return row


def name_group(db: Session, chat: Chat, title: str, actor: str, at: datetime) -> Chat:
    """Give a group of a community the name workers know it by (audited)."""
    cleaned = _valid_title(title)
    if chat.community_id is not None and _taken(db, chat.community_id, cleaned, chat.external_id):
        raise SetupError(f"本社区已经有叫“{cleaned}”的群了")
    before = {"title": chat.title}
    chat.title = cleaned
    write_audit(db, actor, "chat.rename", "chat", chat.id, before, {"title": cleaned}, at)
    return chat
