"""The 接龙 routes: what residents and workers are told, and what stays silent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from handlers.household.repo import Household
from handlers.jielong.handler import match_chain_line, match_jielong
from handlers.jielong.repo import FLAG_SENTENCE
from handlers.jielong.routes import LINE_ROUTES, POST_ROUTES
from handlers.routes import dispatch
from handlers.types import Action, Incoming, NotifyWorkers, Reply
from tests.fakes_chains import FakeChainRepo, FakeMemberRepo, make_context

T0 = datetime(2022, 4, 24, 2, 0, tzinfo=UTC)
HEAD = "#接龙\n手工水饺 30元/袋\n周日中午前截单\n\n"


class Group:
    """A group chat wired to the 接龙 routes only."""

    def __init__(self) -> None:
        self.repo = FakeChainRepo()
        self.ctx = make_context(self.repo)
        self.clock = T0
        self.n = 0

    def say(self, sender: str, text: str, chat: str = "g1") -> list[Action]:
        self.n += 1
        self.clock += timedelta(minutes=1)
        msg = Incoming("sim", f"m{self.n}", sender, chat, text, self.clock)
        return dispatch(msg, self.ctx, (*POST_ROUTES, *LINE_ROUTES))

    def matched(self, sender: str, text: str) -> bool:
        msg = Incoming("sim", "probe", sender, "g1", text, self.clock)
        return match_jielong(msg, self.ctx) is not None or (
            match_chain_line(msg, self.ctx) is not None
        )


def replies(actions: list[Action]) -> list[str]:
    return [a.text for a in actions if isinstance(a, Reply)]


@pytest.fixture
def group() -> Group:
    return Group()


def test_new_chain_is_acknowledged_once_then_silence(group: Group) -> None:
    first = group.say("bai", HEAD + "1. 10-1-502 柏 2袋")
    assert len(replies(first)) == 1 and "手工水饺" in replies(first)[0]
    assert group.say("shui", HEAD + "1. 10-1-502 柏 2袋\n2. 3栋1201 水 1袋") == []
    assert group.say("shui", HEAD + "1. 10-1-502 柏 2袋\n2. 3栋1201 水 1袋") == []


def test_paste_reports_count_and_workers_hear_of_duplicates(group: Group) -> None:
    lines = "\n".join(f"{i}. 3-{i}01 住户{i} 1袋" for i in range(1, 7)) + "\n7. 3-101 住户1 1袋"
    actions = group.say("worker", HEAD + lines)
    assert "7条" in replies(actions)[0]
    notices = [a for a in actions if isinstance(a, NotifyWorkers)]
    assert len(notices) == 1 and "第7条" in notices[0].text


def test_unreadable_line_gets_a_reply_and_a_worker_notice(group: Group) -> None:
    group.say("bai", HEAD + "1. 10-1-502 柏 2袋")
    actions = group.say("x", HEAD + "1. 10-1-502 柏 2袋\n2. ？？？")
    assert any("第2条" in r for r in replies(actions))
    assert any(isinstance(a, NotifyWorkers) and "？？？" in a.text for a in actions)


def test_edit_and_withdrawal_are_confirmed_to_their_author(group: Group) -> None:
    group.say("bai", HEAD + "1. 10-1-502 柏 2袋")
    group.say("shui", HEAD + "1. 10-1-502 柏 2袋\n2. 3栋1201 水 1袋")
    assert "第2条" in replies(group.say("shui", HEAD + "1. 10-1-502 柏 2袋\n2. 3栋1201 水 3袋"))[0]
    assert "撤回" in replies(group.say("shui", HEAD + "1. 10-1-502 柏 2袋"))[0]


def test_signup_chain_is_silent_and_opens_nothing(group: Group) -> None:
    assert group.say("he", "#接龙 志愿者报名\n6:30南门集合\n\n1. 3号楼 许建国") == []
    assert not group.matched("r", "帮我也报一份，8栋603")


def test_sentence_order_joins_the_open_chain(group: Group) -> None:
    group.say("bai", HEAD + "1. 10-1-502 柏 2袋")
    actions = group.say("old", "麻烦帮忙登记两袋水饺，11栋1204")
    assert "第2条" in replies(actions)[0]
    entry = group.repo.list_entries(1)[1]
    assert (entry.author_id, entry.flags, entry.parsed.room) == ("old", (FLAG_SENTENCE,), "1204")
    assert group.say("old", "麻烦帮忙登记两袋水饺，11栋1204") == []  # the same sentence again


def test_sentence_without_address_uses_the_registered_household(group: Group) -> None:
    members = group.ctx.members
    assert isinstance(members, FakeMemberRepo)
    members.homes["r9"] = Household("9", "1", "101")
    group.say("bai", HEAD + "1. 10-1-502 柏 2袋")
    group.say("r9", "算我一份")
    group.say("r9", "+1")
    group.say("r8", "+1")  # unknown home: not an order
    got = [(e.author_id, e.parsed.room) for e in group.repo.list_entries(1)]
    assert got == [("bai", "502"), ("r9", "101"), ("r9", "101")]


def test_questions_and_chatter_go_to_the_next_route(group: Group) -> None:
    group.say("bai", HEAD + "1. 10-1-502 柏 2袋")
    for text in ["水饺是生的还是熟的？", "收到，都记上了", "谢谢", "[强][强]", "好的"]:
        assert not group.matched("q", text)


def test_no_chain_no_chain_lines(group: Group) -> None:
    assert not group.matched("r", "帮我也报一份，8栋603")
    assert not group.matched("r", "我那份取消")


def test_cancel_by_the_author(group: Group) -> None:
    group.say("wu", HEAD + "1. 3-1-101 吴 2袋")
    group.say("liao", HEAD + "1. 3-1-101 吴 2袋\n2. 3-2-502 廖 1袋")
    assert not group.matched("stranger", "我那份取消")
    assert not group.matched("liao", "明天的团购取消了吗？")
    actions = group.say("liao", "不好意思，我那份水饺取消，家里亲戚送了")
    assert "第2条" in replies(actions)[0]
    assert [e.status for e in group.repo.list_entries(1)] == ["active", "withdrawn"]


def test_ambiguous_cancel_asks_which(group: Group) -> None:
    group.say("w", HEAD + "1. 3-1-101 吴 2袋\n2. 3-2-502 廖 1袋")
    actions = group.say("w", "我的取消")
    assert "哪一条" in replies(actions)[0]
    assert all(e.status == "active" for e in group.repo.list_entries(1))


def test_old_chain_is_closed_for_sentences(group: Group) -> None:
    group.say("bai", HEAD + "1. 10-1-502 柏 2袋")
    group.clock += timedelta(days=30)
    assert not group.matched("old", "麻烦帮忙登记两袋水饺，11栋1204")


def test_latest_order_chain_takes_the_sentence() -> None:
    repo = FakeChainRepo()
    group = Group()
    group.repo = repo
    group.ctx = make_context(repo)
    group.say("a", "#接龙\n草莓 40元/盒\n\n1. 3-1-101 吴 2盒")
    group.say("b", "#接龙\n葡萄 35元/串\n\n1. 6-1-202 张 2串")
    group.say("c", "帮我报两串，5号楼2单元801")
    assert [len(repo.list_entries(c.id)) for c in repo.all_chains()] == [1, 2]
