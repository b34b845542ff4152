"""The Context every handler receives: repositories, a clock and the zone people read times in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from handlers.campaign.repo import NO_CAMPAIGNS, CampaignRepo
from handlers.community.repo import (
    NO_COMMUNITY,
    NO_LINKS,
    NO_SETUP,
    CommunityRepo,
    LinkIssuer,
    SetupRepo,
)
from handlers.household.repo import NO_CONSENT, ConsentRepo, MemberRepo
from handlers.jielong.repo import ChainRepo
from handlers.needs.repo import NO_CHAT_LOG, ChatLog, NeedRepo
from handlers.pictures.repo import NO_PICTURES, PictureRepo


@dataclass(frozen=True, slots=True)
class Context:
    """Ports a handler may use; `models.repos.sql_context` builds the real one."""

    chains: ChainRepo
    needs: NeedRepo
    members: MemberRepo
    now: Callable[[], datetime]
    tz: tzinfo  # the configured `timezone`: times are read and shown in it, stored in UTC
    links: LinkIssuer = NO_LINKS  # worker-page login links (`后台`); none without the app secret
    campaigns: CampaignRepo = NO_CAMPAIGNS  # 团购; the default knows no campaign (other tests)
    setup: SetupRepo = NO_SETUP  # invitations, groups' communities (issue 18)
    community: CommunityRepo = NO_COMMUNITY  # a campaign's community and its groups (issue 20)
    pictures: PictureRepo = NO_PICTURES  # 接龙 screenshots and photos waiting for or read by OCR
    consent: ConsentRepo = NO_CONSENT  # residents' 同意@提醒 / 取消@提醒 (issue 20)
    chat_log: ChatLog = NO_CHAT_LOG  # a chat's recent messages (a notice that already answers)
