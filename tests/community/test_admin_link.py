"""`后台` in chat: workers get a one-time link in a 1:1 chat; groups and residents never do."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import cast
from urllib.parse import urlsplit

from bot.config import DEFAULT_ZONE
from handlers import texts
from handlers.community.admin_link import (
    SignedLinkIssuer,
    handle_admin_link,
    match_admin_link,
    read_login_token,
)
from handlers.community.repo import NO_LINKS, LinkIssuer
from handlers.context import Context
from handlers.household.repo import Household, MemberRepo, Role
from handlers.jielong.repo import ChainRepo
from handlers.needs.repo import NeedRepo
from handlers.types import Incoming, Reply

NOW = datetime(2024, 4, 12, 6, 0, tzinfo=UTC)


@dataclass
class FakeMembers:
    roles: dict[str, Role] = field(default_factory=dict)

    def role(self, channel: str, sender_id: str) -> Role:
        return self.roles.get(sender_id, "resident")

    def household(self, channel: str, sender_id: str) -> Household | None:
        return None

    def register(
        self,
        channel: str,
        sender_id: str,
        display_name: str,
        household: Household,
        chat_id: str = "",
    ) -> None:
        raise AssertionError("not used")


def context(issuer: LinkIssuer = NO_LINKS) -> Context:
    """Only members and the link issuer are asked; the other repositories are never reached."""
    members = cast(MemberRepo, FakeMembers({"w1": "worker"}))
    return Context(
        chains=cast(ChainRepo, None),
        needs=cast(NeedRepo, None),
        members=members,
        now=lambda: NOW,
        tz=DEFAULT_ZONE,
        links=issuer,
    )


def msg(text: str, sender: str = "w1", group: bool = False) -> Incoming:
    return Incoming(
        channel="mp",
        msg_id="1",
        sender_id=sender,
        chat_id="g" if group else sender,
        text=text,
        received_at=NOW,
        is_group=group,
    )


def test_match_only_the_whole_word() -> None:
    ctx = context()
    assert match_admin_link(msg(" 后台 "), ctx) == "后台"
    assert match_admin_link(msg("工作台"), ctx) == "工作台"
    assert match_admin_link(msg("后台怎么登录"), ctx) is None


def test_worker_gets_a_signed_link() -> None:
    issuer = SignedLinkIssuer("secret", "https://linli.example.org/")
    [reply] = handle_admin_link(msg("后台"), "后台", context(issuer))
    assert isinstance(reply, Reply) and "10分钟内有效" in reply.text
    link = urlsplit(reply.text.split("\n")[-1])
    assert (link.scheme, link.netloc, link.path, link.query) == (
        "https",
        "linli.example.org",
        "/admin/login/link",
        "",
    )  # the token only in the #fragment: browsers never send it, no access log holds it
    claim = read_login_token("secret", link.fragment, NOW)
    assert claim is not None and (claim.channel, claim.sender_id) == ("mp", "w1")


def test_resident_is_refused_and_group_gets_no_link() -> None:
    issuer = SignedLinkIssuer("secret", "http://x")
    assert handle_admin_link(msg("后台", sender="r1"), "后台", context(issuer)) == [
        Reply(texts.WORKER_ONLY.format(word="后台"))
    ]
    assert handle_admin_link(msg("后台", group=True), "后台", context(issuer)) == [
        Reply(texts.ADMIN_LINK_PRIVATE_ONLY)
    ]


def test_without_an_issuer_the_worker_is_told() -> None:
    assert handle_admin_link(msg("后台"), "后台", context()) == [
        Reply(texts.ADMIN_LINK_UNAVAILABLE)
    ]
