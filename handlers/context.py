"""The Context every handler receives: repositories, a clock and the zone people read times in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from handlers.admin_link import NO_LINKS, LinkIssuer
from handlers.campaign_store import NO_CAMPAIGNS, CampaignRepo
from handlers.community_store import NO_COMMUNITY, CommunityRepo
from handlers.jielong.store import ChainRepo
from handlers.members_store import NO_CONSENT, ConsentRepo, MemberRepo
from handlers.needs_store import NeedRepo
from handlers.pictures_store import NO_PICTURES, PictureRepo
from handlers.setup_store import NO_SETUP, SetupRepo


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
