"""Tests of the workers' need commands (接单, 转, 完成, 查看需求) through the command table."""

from __future__ import annotations

from datetime import timedelta

import pytest

from handlers import texts
from handlers.household.repo import Household
from handlers.needs.commands import parse_ticket, short
from handlers.needs.repo import NeedDraft, StoredNeed
from handlers.needs.routes import COMMANDS
from handlers.types import Action, Notify, Reply
from tests.fakes_needs import T0, World, message

HOME = Household("3", "2", "201", "王", "13800001234")
MEDICINE = NeedDraft(
    "帮我代买降压药，家里只剩两天的了", "代买", True, "降压药", reasons=("药快用完",)
)
ALCOHOL = NeedDraft("我家酒精快用完了，去哪儿买？", "物资", False, "酒精")


def _world() -> World:
    world = World()
    for sender, name in (("w1", "王芳"), ("w2", "李强")):
        world.members.roles[("sim", sender)] = "worker"
        world.members.names[("sim", sender)] = name
    world.members.households[("sim", "r1")] = HOME
    return world


def _need(world: World, draft: NeedDraft, sender: str = "r1", group: bool = True) -> StoredNeed:
    chat = "g1" if group else sender
    return world.needs.add_need(chat, sender, draft, T0)


def _send(world: World, text: str, sender: str = "w1", group: bool = False) -> list[Action]:
    msg = message(text, sender=sender, is_group=group, name=sender)
    cmd = COMMANDS.match(msg, world.ctx())
    assert cmd is not None, text
    return COMMANDS.handle(msg, cmd, world.ctx())


def _reply(actions: list[Action]) -> str:
    return "\n".join(a.text for a in actions if isinstance(a, Reply))


def _notices(actions: list[Action]) -> list[Notify]:
    return [a for a in actions if isinstance(a, Notify)]


@pytest.mark.parametrize(
    ("args", "parsed"),
    [
        ("12", (12, "")),
        ("#12号 给 王芳", (12, "王芳")),
        ("3 已送到门口", (3, "已送到门口")),
        ("王", None),
    ],
)
def test_parse_ticket(args: str, parsed: tuple[int, str] | None) -> None:
    assert parse_ticket(args) == parsed


@pytest.mark.parametrize(
    "text",
    ["接单 12", "接单12号", "接单 #12", "转 12 王芳", "转12给王芳", "完成 #3 送到了", "完成12"],
)
def test_worker_forms_are_commands(text: str) -> None:
    assert COMMANDS.match(message(text), World().ctx()) is not None


@pytest.mark.parametrize("text", ["转发一下", "完成了吗？", "接单了吗", "查看需求的人多吗"])
def test_sentences_are_not_commands(text: str) -> None:
    assert COMMANDS.match(message(text), World().ctx()) is None


@pytest.mark.parametrize(
    "text", ["接单 1", "转 1 王芳", "完成 1 好了", "查看需求", "需求汇总", "汇总开团 酒精"]
)
def test_residents_are_refused(text: str) -> None:
    world = _world()
    _need(world, MEDICINE)
    word = COMMANDS.match(message(text), world.ctx())
    assert word is not None
    assert _send(world, text, sender="r1") == [Reply(texts.WORKER_ONLY.format(word=word.word))]
    assert world.needs.needs[0].status == "new"


def test_take_tells_the_group_where_it_was_asked() -> None:
    world = _world()
    need = _need(world, MEDICINE)
    actions = _send(world, "接单 1")
    assert "已接单 #1" in _reply(actions) and "13800001234" in _reply(actions)  # 1:1: phone
    assert world.needs.needs[0].status == "acknowledged"
    assert world.needs.needs[0].assignee_id == "w1"
    (told,) = _notices(actions)
    assert told == Notify(
        "g1",
        texts.NEED_RESIDENT_TAKEN_GROUP.format(ticket=need.id, category="代买", worker="王芳"),
        channel=need.channel,  # the resident's own channel, whichever the worker typed on
    )
    assert world.needs.log == [("need.take", 1, "w1")]


def test_take_in_a_group_hides_the_phone() -> None:
    world = _world()
    _need(world, MEDICINE)
    assert "13800001234" not in _reply(_send(world, "接单 1", group=True))


def test_take_tells_a_private_asker_in_their_chat() -> None:
    world = _world()
    _need(world, ALCOHOL, group=False)
    (told,) = _notices(_send(world, "接单 1"))
    assert told.chat_id == "r1" and "您的需求 #1" in told.text and "王芳" in told.text


def test_take_twice_and_taken_by_another() -> None:
    world = _world()
    _need(world, MEDICINE)
    _send(world, "接单 1")
    assert _send(world, "接单 1") == [Reply(texts.NEED_ALREADY_MINE.format(ticket=1))]
    other = _send(world, "接单 1", sender="w2")
    assert other == [Reply(texts.NEED_TAKEN_BY_OTHER.format(ticket=1, name="王芳"))]
    assert world.needs.needs[0].assignee_id == "w1"


def test_unknown_ticket() -> None:
    assert _send(_world(), "接单 99") == [Reply(texts.NEED_NOT_FOUND.format(ticket=99))]


def test_transfer_tells_the_colleague() -> None:
    world = _world()
    _need(world, MEDICINE)
    _send(world, "接单 1")
    actions = _send(world, "转 1 李强")
    assert _reply(actions) == texts.NEED_TRANSFERRED.format(ticket=1, name="李强")
    (handover,) = _notices(actions)  # the resident already knows it is taken
    assert handover.chat_id == "w2" and "王芳把需求 #1 转给您" in handover.text
    assert "13800001234" in handover.text
    assert world.needs.needs[0].assignee_id == "w2"


def test_transfer_of_a_new_need_also_tells_the_resident() -> None:
    world = _world()
    _need(world, MEDICINE)
    targets = [n.chat_id for n in _notices(_send(world, "转 1 李"))]
    assert targets == ["w2", "g1"]
    assert world.needs.needs[0].status == "acknowledged"


def test_transfer_to_unknown_or_ambiguous_worker() -> None:
    world = _world()
    world.members.roles[("sim", "w3")] = "admin"
    world.members.names[("sim", "w3")] = "王刚"
    _need(world, MEDICINE)
    unknown = _reply(_send(world, "转 1 赵六"))
    assert unknown == texts.NEED_TRANSFER_UNKNOWN.format(query="赵六", names="王芳、李强、王刚")
    assert "王芳、王刚" in _reply(_send(world, "转 1 王"))
    assert world.needs.needs[0].assignee_id is None


def test_done_tells_the_note_only_in_private() -> None:
    world = _world()
    _need(world, MEDICINE)
    _need(world, ALCOHOL, group=False)
    in_group = _send(world, "完成 1 已送药到 3-2-201")
    assert _reply(in_group) == texts.NEED_DONE.format(ticket=1)
    (group_notice,) = _notices(in_group)
    assert group_notice.chat_id == "g1" and "3-2-201" not in group_notice.text
    (private,) = _notices(_send(world, "完成 2 放在门口了"))
    assert private.chat_id == "r1" and "处理说明：放在门口了" in private.text
    done = world.needs.needs[0]
    assert (done.status, done.resolution, done.assignee_id) == (
        "resolved",
        "已送药到 3-2-201",
        "w1",
    )
    assert _send(world, "完成 1") == [Reply(texts.NEED_ALREADY_DONE.format(ticket=1))]
    assert _send(world, "接单 1") == [Reply(texts.NEED_ALREADY_DONE.format(ticket=1))]


def test_list_urgent_then_vulnerable_then_untaken() -> None:
    world = _world()
    world.members.households[("sim", "r2")] = Household("5", "1", "302", flags=("独居老人",))
    plain = NeedDraft("请问哪里能买到口罩", "物资", False, "口罩")
    _need(world, plain, sender="r3")  # 1: plain, oldest
    _need(world, ALCOHOL, sender="r2")  # 2: a flagged household
    _need(world, MEDICINE)  # 3: urgent
    _need(world, NeedDraft("孕妇需要产检", "就医", False, for_whom="孕妇"), sender="r4")  # 4
    _need(world, plain, sender="r5")  # 5: plain, taken below
    _need(world, plain, sender="r6")  # 6: resolved below
    _send(world, "接单 5")
    _send(world, "完成 6")
    lines = _reply(_send(world, "查看需求")).splitlines()
    assert lines[0] == texts.NEED_LIST_HEADER.format(count=5, urgent=1)
    assert [ln.split()[0] for ln in lines[1:6]] == ["#3", "#2", "#4", "#1", "#5"]
    assert lines[1].startswith("#3 急·") and "3-2-201" in lines[1]
    assert "独居老人·" in lines[2] and "孕妇·" in lines[3]
    assert lines[5].endswith("王芳已接单") and lines[4].endswith("待接单")
    assert all(len(ln) <= 48 for ln in lines[1:6])
    assert lines[-1] == texts.NEED_LIST_HINT


def test_list_is_cut_for_phones() -> None:
    world = _world()
    for i in range(20):
        world.needs.add_need("g1", f"r{i}", ALCOHOL, T0 + timedelta(minutes=i))
    lines = _reply(_send(world, "查看需求")).splitlines()
    assert texts.NEED_LIST_MORE.format(count=5) in lines
    assert _send(World(members=_world().members), "查看需求", sender="w1") == [
        Reply(texts.NEED_LIST_EMPTY)
    ]


def test_short() -> None:
    assert short("一二三", 5) == "一二三"
    assert short("一二三四五六\n七", 5) == "一二三四五…"
