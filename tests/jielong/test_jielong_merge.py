"""merge_post: the union merge of reposts, edits, withdrawals, duplicates, and its cost."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from handlers.jielong import merge as merge_module
from handlers.jielong.entry import parse_entry
from handlers.jielong.merge import MergeResult, merge_post
from handlers.jielong.post import parse_jielong
from handlers.jielong.repo import (
    FLAG_POSSIBLE_DUPLICATE,
    FLAG_SENTENCE,
    FLAG_UNREADABLE,
    NewEntry,
    ParsedEntry,
    StoredEntry,
)
from tests.fakes_chains import FakeChainRepo

T0 = datetime(2022, 4, 10, 1, 0, tzinfo=UTC)
HEAD = "#接龙\n红颜草莓 40元/盒\n明天中午到，西门取\n\n"


class Chat:
    """One group chat: send reposts, read the merged chain as a worker would."""

    def __init__(self) -> None:
        self.repo = FakeChainRepo()
        self.clock = T0

    def send(self, sender: str, *lines: str, head: str = HEAD, chat: str = "g1") -> MergeResult:
        post = parse_jielong(head + "\n".join(lines))
        assert post is not None
        self.clock += timedelta(minutes=1)
        return merge_post(self.repo, chat, sender, post, self.clock)

    def entries(self, chain_id: int = 1) -> list[StoredEntry]:
        return self.repo.list_entries(chain_id)

    def table(self, chain_id: int = 1) -> list[tuple[int, str, str, str, float]]:
        return [
            (e.seq, e.author_id, e.status, e.parsed.name or "", e.parsed.items[0].qty)
            for e in self.entries(chain_id)
        ]


@pytest.fixture
def chat() -> Chat:
    return Chat()


def test_concurrent_reposts_keep_both_lines(chat: Chat) -> None:
    chat.send("wu", "1. 3-1-101 吴 2盒")
    chat.send("sun", "1. 3-1-101 吴 2盒", "2. 12-3-101 孙 1盒")
    chat.send("zhou", "1. 3-1-101 吴 2盒", "2. 6-1-402 周 1盒")  # lacks 孙's line
    chat.send("qian", "1. 3-1-101 吴 2盒", "2. 6-1-402 周 1盒", "3. 2-201 钱 1盒")
    assert chat.table() == [
        (1, "wu", "active", "吴", 2),
        (2, "sun", "active", "孙", 1),
        (3, "zhou", "active", "周", 1),
        (4, "qian", "active", "钱", 1),
    ]


def test_author_reposting_without_his_line_withdraws_it(chat: Chat) -> None:
    chat.send("chen", "1、1号楼602 陈 2盒")
    chat.send("liu", "1、1号楼602 陈 2盒", "2、4#1103 刘 1盒")
    chat.send("wu", "1、1号楼602 陈 2盒", "2、4#1103 刘 1盒", "3、8-2-501 吴 3盒")
    result = chat.send("liu", "1、1号楼602 陈 2盒", "2、8-2-501 吴 3盒")  # renumbered
    assert result.withdrawn == [2]
    assert [(s, st) for s, _, st, _, _ in chat.table()] == [
        (1, "active"),
        (2, "withdrawn"),
        (3, "active"),
    ]


def test_edit_by_the_author_keeps_seq_and_replaces_items(chat: Chat) -> None:
    chat.send("wu", "1. 3-1-101 吴 2盒")
    chat.send("liao", "1. 3-1-101 吴 2盒", "2. 3-2-502 廖 1盒")
    result = chat.send("wu", "1. 3-1-101 吴 1盒 放门口", "2. 3-2-502 廖 1盒")
    assert (result.edited, result.added, result.withdrawn) == ([1], [], [])
    first = chat.entries()[0]
    assert (first.seq, first.parsed.items[0].qty, first.parsed.note) == (1, 1, "放门口")


def test_stale_copy_neither_undoes_an_edit_nor_resurrects_a_withdrawal(chat: Chat) -> None:
    chat.send("wu", "1. 3-1-101 吴 2盒")
    chat.send("liao", "1. 3-1-101 吴 2盒", "2. 3-2-502 廖 1盒")
    stale = ("1. 3-1-101 吴 2盒", "2. 3-2-502 廖 1盒")
    chat.send("liao", "1. 3-1-101 吴 2盒")  # 廖 removes his own line
    chat.send("wu", "1. 3-1-101 吴 1盒")  # 吴 edits
    result = chat.send("shao", *stale, "3. 6-3-301 邵 2盒")
    assert [a.seq for a in result.added] == [3]
    assert chat.table() == [
        (1, "wu", "active", "吴", 1),
        (2, "liao", "withdrawn", "廖", 1),
        (3, "shao", "active", "邵", 2),
    ]


def test_authors_own_stale_copy_does_not_withdraw_his_edited_entry(chat: Chat) -> None:
    chat.send("wu", "1. 3-1-101 吴 2盒")
    chat.send("wu", "1. 3-1-101 吴 1盒")
    result = chat.send("wu", "1. 3-1-101 吴 2盒", "2. 5-1-101 赵 1盒")
    assert result.withdrawn == [] and result.edited == []
    assert chat.table()[0] == (1, "wu", "active", "吴", 1)


def test_edit_to_empty_withdraws(chat: Chat) -> None:
    chat.send("wu", "1. 3-1-101 吴 2盒")
    chat.send("wu", "1. ")
    assert chat.table()[0][2] == "withdrawn"


def test_renumbering_never_duplicates(chat: Chat) -> None:
    chat.send("a", "1. 3-1-101 吴 2盒", "2. 3-2-502 廖 1盒")
    result = chat.send("b", "(1) 3-2-502 廖 1盒", "(2) 3-1-101 吴 2盒", "(3) 6-3-301 邵 2盒")
    assert [a.seq for a in result.added] == [3]
    assert len(chat.entries()) == 3


@pytest.mark.parametrize(
    ("copies_before", "copies_now", "new"),
    [(0, 1, 1), (0, 2, 2), (1, 1, 0), (1, 2, 1), (2, 2, 0), (2, 3, 1), (2, 1, 0)],
)
def test_kth_copy_is_new_only_when_fewer_were_seen(
    chat: Chat, copies_before: int, copies_now: int, new: int
) -> None:
    line = "3-101 张 1盒"
    if copies_before:
        chat.send("w", *([line] * copies_before))
    result = chat.send("x", *([line] * copies_now), "5-1-302 李 1盒")
    added = [a for a in result.added if a.entry.parsed.name == "张"]
    assert len(added) == new
    assert all(
        FLAG_POSSIBLE_DUPLICATE in a.entry.flags for a in added[(1 if copies_before == 0 else 0) :]
    )


def test_duplicate_inside_one_paste_is_kept_and_flagged(chat: Chat) -> None:
    result = chat.send("worker", "1. 3-101 张 1盒", "2. 3-102 +1", "3. 3-101 张 1盒")
    assert [(a.seq, a.entry.flags) for a in result.added] == [
        (1, ()),
        (2, ()),
        (3, (FLAG_POSSIBLE_DUPLICATE,)),
    ]


def test_unreadable_line_is_kept_verbatim_and_flagged(chat: Chat) -> None:
    result = chat.send("a", "1. 3-1-101 吴 2盒", "2. ？？？", "3. =SUM(A1:A9)")
    flags = [a.entry.flags for a in result.added]
    assert flags == [(), (FLAG_UNREADABLE,), (FLAG_UNREADABLE,)]
    assert result.added[2].entry.parsed.raw == "=SUM(A1:A9)"


def test_signup_chain_stores_lines_without_flags(chat: Chat) -> None:
    head = "#接龙 明早志愿者报名\n6:30南门集合\n\n"
    result = chat.send("he", "1. 3号楼 许建国", "2. ？？？", head=head)
    assert not result.chain.is_order_list
    assert all(a.entry.flags == () for a in result.added)


def test_chain_is_its_chat_and_normalised_title(chat: Chat) -> None:
    a = chat.send("a", "1. 3-1-101 吴 2盒")
    b = chat.send("b", "1. 3-1-101 吴 2盒", head="＃接龙\n红颜草莓 ４０元/盒\n\n")
    c = chat.send("c", "1. 3-1-101 吴 2盒", chat="g2")
    d = chat.send("d", "1. 3-1-101 吴 2盒", head="#接龙\n阳光玫瑰葡萄 35元/串\n\n")
    assert a.chain.id == b.chain.id
    assert len({a.chain.id, c.chain.id, d.chain.id}) == 3
    assert [r.created for r in (a, b, c, d)] == [True, False, True, True]


def test_sentence_entry_is_not_withdrawn_by_its_authors_repost(chat: Chat) -> None:
    chat.send("bai", "1. 10-1-502 柏 2盒")
    chain = chat.repo.chains[0]
    sentence = ParsedEntry(raw="帮我报一盒，11栋1204", building="11", room="1204")
    entry = NewEntry("old", "帮我报一盒,11栋1204", sentence, T0, (FLAG_SENTENCE,))
    chat.repo.add_entries(chain.id, [entry])
    chat.send("old", "1. 10-1-502 柏 2盒", "2. 3-2-201 王 1盒")
    assert [e.status for e in chat.entries()] == ["active", "active", "active"]


def test_sentence_entry_moved_into_the_list_is_an_edit(chat: Chat) -> None:
    chat.send("bai", "1. 10-1-502 柏 2盒")
    chain = chat.repo.chains[0]
    sentence = ParsedEntry(raw="帮我报一盒，11栋1204", building="11", room="1204")
    chat.repo.add_entries(chain.id, [NewEntry("old", "s", sentence, T0, (FLAG_SENTENCE,))])
    result = chat.send("old", "1. 10-1-502 柏 2盒", "2. 11栋1204 老李 2盒")
    assert result.edited == [2] and result.added == []


def test_only_new_lines_are_parsed_and_the_repo_is_asked_once(
    chat: Chat, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[str] = []
    real = parse_entry

    def counting(line: str, products: object) -> ParsedEntry:
        parsed.append(line)
        return real(line, products)  # type: ignore[arg-type]

    monkeypatch.setattr(merge_module, "parse_entry", counting)
    lines = [f"{i}. {i % 9 + 1}-1-{100 + i} 住户{i} 1盒" for i in range(1, 201)]
    chat.send("w", *lines)
    calls = chat.repo.seen_calls
    chat.send("x", *lines, "201. 9-9-999 新 1盒")
    assert parsed[-1] == "9-9-999 新 1盒" and len(parsed) == 201
    assert chat.repo.seen_calls == calls + 1


def test_merge_is_linear_in_the_text_received(chat: Chat) -> None:
    lines: list[str] = []
    start = time.perf_counter()
    for i in range(1, 401):
        lines.append(f"{i}. {i % 30 + 1}-{i % 4 + 1}-{100 + i} 住户{i} {i % 2 + 1}盒")
        chat.send(f"u{i}", *lines)
    elapsed = time.perf_counter() - start
    assert len(chat.entries()) == 400
    assert elapsed < 8, f"{elapsed:.1f}s for ~80k lines"
