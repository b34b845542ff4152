"""A chat driver over the campaign fakes, the database-free twin of
`tests.campaign_support.Chat_`: messages go through `handlers.routes.dispatch` (the real route
table) with a Context of fakes whose clock is the message's time, as the pipeline's is."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from handlers.community.values import ChatRegistration
from handlers.household.repo import Household
from handlers.routes import dispatch
from handlers.types import Action, Incoming, Notify, NotifyWorkers, Reply
from tests.campaign_support import CHANNEL, T0, Person
from tests.fakes_campaigns import FakeCampaignRepo, make_campaign_context


def seed_fake(repo: FakeCampaignRepo, people: list[Person], groups: list[str]) -> None:
    """What `tests.campaign_support.seed` stores, in the fakes: the groups, a worker `w1` and
    the residents with their households. No community: the Context has no CommunityRepo fake
    (`NO_COMMUNITY`), so the groups and people belong to none, as in a Linli not set up yet."""
    for row, g in enumerate(groups, 1):
        repo.chats.append(ChatRegistration(CHANNEL, g, g, True, False, None, "", row))
    repo.add_member(CHANNEL, "w1", "社区小王", role="worker")
    for p in people:
        phone = f"138{int(p.room):04d}{len(p.id):04d}"
        home = Household(p.building, p.unit, p.room, p.name, phone, p.flags)
        repo.add_member(CHANNEL, p.id, p.name, home)


@dataclass
class FakeChat:
    """Sends messages through the route table with the fakes; keeps the clock moving forward.
    `told` holds what the last message asked to be sent to people besides its reply."""

    repo: FakeCampaignRepo = field(default_factory=FakeCampaignRepo)
    now: datetime = T0
    ids: itertools.count[int] = field(default_factory=itertools.count)
    told: list[Notify | NotifyWorkers] = field(default_factory=list)

    def send(self, chat: str, sender: str, text: str, at: datetime | None = None) -> str:
        self.now = at or self.now + timedelta(seconds=20)
        msg = Incoming(
            channel=CHANNEL,
            msg_id=f"m{next(self.ids)}",
            sender_id=sender,
            chat_id=chat,
            text=text,
            received_at=self.now,
            sender_name=sender,
            is_group=chat.startswith("g"),
        )
        actions: list[Action] = dispatch(msg, make_campaign_context(self.repo, lambda: self.now))
        self.told = [a for a in actions if isinstance(a, Notify | NotifyWorkers)]
        return "\n\n".join(a.text for a in actions if isinstance(a, Reply))
