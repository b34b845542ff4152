"""The needs handler tests' World (a Context of the shared fakes) and message().

The fakes themselves live in tests.fakes_chains, one per repository Protocol; they are
re-exported here for tests that import them from this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.config import DEFAULT_ZONE
from handlers.context import Context
from handlers.types import Incoming, Kind
from tests.fakes_chains import FakeChainRepo as FakeChainRepo
from tests.fakes_chains import FakeMemberRepo as FakeMemberRepo
from tests.fakes_chains import FakeNeedRepo as FakeNeedRepo

T0 = datetime(2022, 4, 19, 1, 0, tzinfo=UTC)


@dataclass
class World:
    """A Context plus direct access to its fakes."""

    needs: FakeNeedRepo = field(default_factory=FakeNeedRepo)
    members: FakeMemberRepo = field(default_factory=FakeMemberRepo)
    chains: FakeChainRepo = field(default_factory=FakeChainRepo)

    def __post_init__(self) -> None:
        self.needs.members = self.members

    def ctx(self) -> Context:
        return Context(
            chains=self.chains,
            needs=self.needs,
            members=self.members,
            now=lambda: T0,
            tz=DEFAULT_ZONE,
        )


def message(
    text: str,
    *,
    sender: str = "r1",
    chat: str = "g1",
    is_group: bool = True,
    kind: Kind = "text",
    event: str = "",
    at: datetime = T0,
    name: str = "",
) -> Incoming:
    """An Incoming on the simulator channel; a 1:1 chat's id is the sender's."""
    return Incoming(
        channel="sim",
        msg_id=f"m-{sender}-{at.timestamp()}-{hash(text)}",
        sender_id=sender,
        chat_id=chat if is_group else sender,
        text=text,
        received_at=at,
        sender_name=name,
        is_group=is_group,
        kind=kind,
        event=event,
    )
