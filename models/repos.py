"""Build the handlers' Context from one open Session."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo

from sqlalchemy.orm import Session

from handlers.community.repo import NO_LINKS, LinkIssuer
from handlers.context import Context
from models.base import utcnow
from models.campaigns_repo import SqlCampaignRepo
from models.chains_repo import SqlChainRepo
from models.chat_log import SqlChatLog
from models.community_repo import SqlCommunityRepo
from models.consent import SqlConsentRepo
from models.needs_repo import SqlMemberRepo, SqlNeedRepo
from models.pictures_repo import SqlPictureRepo
from models.setup_repo import SqlSetupRepo


def sql_context(
    session: Session,
    tz: tzinfo,
    channel: str = "",
    now: Callable[[], datetime] = utcnow,
    links: LinkIssuer = NO_LINKS,
) -> Context:
    """The real Context: every repository shares the caller's transaction; `tz` is the
    configured zone (`Settings.zone`) people's times are read and shown in."""
    return Context(
        chains=SqlChainRepo(session),
        needs=SqlNeedRepo(session, channel),
        members=SqlMemberRepo(session),
        now=now,
        tz=tz,
        links=links,
        campaigns=SqlCampaignRepo(session),
        setup=SqlSetupRepo(session),
        community=SqlCommunityRepo(session),
        pictures=SqlPictureRepo(session),
        consent=SqlConsentRepo(session),
        chat_log=SqlChatLog(session),
    )
