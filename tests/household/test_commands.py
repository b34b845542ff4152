"""Tests of resident commands: 帮助, 登记, 查询, and the worker-only refusal."""

from __future__ import annotations

import pytest

from handlers import texts
from handlers.context import Context
from handlers.household.commands import parse_household
from handlers.household.repo import Household
from handlers.household.routes import COMMANDS as HOUSEHOLD_WORDS
from handlers.needs.handler import handle_need, match_need
from handlers.needs.routes import COMMANDS as NEED_WORDS
from handlers.routing import Command
from handlers.types import Action, Incoming, Reply
from tests.fakes_needs import World, message


def match_command(msg: Incoming, ctx: Context) -> Command | None:
    """The household's words, then the workers' need words, as the route table tries them."""
    return HOUSEHOLD_WORDS.match(msg, ctx) or NEED_WORDS.match(msg, ctx)


def handle_command(msg: Incoming, cmd: Command, ctx: Context) -> list[Action]:
    words = HOUSEHOLD_WORDS if cmd.word in HOUSEHOLD_WORDS.specs else NEED_WORDS
    return words.handle(msg, cmd, ctx)


def _match(text: str) -> Command | None:
    return match_command(message(text), World().ctx())


@pytest.mark.parametrize(
    ("text", "word", "args"),
    [
        ("帮助", "帮助", ""),
        ("帮助？", "帮助", ""),
        ("  help ", "help", ""),
        ("@邻里接龙助手 帮助", "帮助", ""),
        ("登记 3-2-201 王 13800001234", "登记", "3-2-201 王 13800001234"),
        ("登记：5号楼1单元302", "登记", "5号楼1单元302"),
        ("登记3-2-201", "登记", "3-2-201"),
        ("查询", "查询", ""),
        ("接单 12", "接单", "12"),
        ("完成 12 已送到门口", "完成", "12 已送到门口"),
        ("转 12 李四", "转", "12 李四"),
    ],
)
def test_match_command(text: str, word: str, args: str) -> None:
    assert _match(text) == Command(word=word, args=args)


@pytest.mark.parametrize(
    "text",
    [
        "麻烦帮忙登记两袋水饺，11栋1204",
        "登记两袋水饺，11栋1204",
        "帮助我家老人买药",
        "查询核酸结果怎么查",
        "我想登记一下",
        "转发：明天核酸",
        "完成了吗？",
        "后台",
        "请问怎么登记？",
    ],
)
def test_sentences_are_not_commands(text: str) -> None:
    assert _match(text) is None


def test_images_are_not_commands() -> None:
    assert match_command(message("帮助", kind="image"), World().ctx()) is None


@pytest.mark.parametrize(
    ("text", "household"),
    [
        ("3-2-201 王 13800001234", Household("3", "2", "201", "王", "13800001234")),
        ("5号楼1单元302", Household("5", "1", "302")),
        ("3栋201 李阿姨", Household("3", None, "201", "李阿姨")),
        ("5#1102 手机 138-0000-1234", Household("5", None, "1102", None, "13800001234")),
        ("B座1603 卫老师", Household("B", None, "1603", "卫老师")),
        ("3-201", Household("3", None, "201")),
        ("１２号楼３单元５０２", Household("12", "3", "502")),
        ("7好楼2单远301 +86 139 0000 5678", Household("7", "2", "301", None, "13900005678")),
    ],
)
def test_parse_household(text: str, household: Household) -> None:
    assert parse_household(text) == household


@pytest.mark.parametrize("text", ["", "王 13800001234", "两袋水饺", "我家在小区里"])
def test_parse_household_needs_an_address(text: str) -> None:
    assert parse_household(text) is None


def _send(world: World, text: str, *, is_group: bool = False, sender: str = "r1") -> list[object]:
    msg = message(text, is_group=is_group, sender=sender, name="王阿姨")
    cmd = match_command(msg, world.ctx())
    assert cmd is not None
    return list(handle_command(msg, cmd, world.ctx()))


def test_help() -> None:
    assert _send(World(), "帮助") == [Reply(texts.HELP_TEXT)]


def test_register_stores_the_household() -> None:
    world = World()
    (reply,) = _send(world, "登记 3-2-201 王 13800001234")
    assert world.members.household("sim", "r1") == Household("3", "2", "201", "王", "13800001234")
    assert world.members.names[("sim", "r1")] == "王阿姨"
    assert isinstance(reply, Reply) and "3-2-201" in reply.text and "13800001234" in reply.text


def test_register_in_a_group_does_not_echo_the_phone() -> None:
    world = World()
    (reply,) = _send(world, "登记 3-2-201 王 13800001234", is_group=True)
    assert isinstance(reply, Reply) and "13800001234" not in reply.text


def test_register_without_an_address_explains_the_format() -> None:
    world = World()
    assert _send(world, "登记 王阿姨") == [Reply(texts.REGISTER_USAGE)]
    assert world.members.household("sim", "r1") is None


def test_query_unregistered_without_needs() -> None:
    (reply,) = _send(World(), "查询")
    assert isinstance(reply, Reply)
    assert texts.QUERY_NOT_REGISTERED in reply.text and texts.QUERY_NO_NEEDS in reply.text


def test_query_shows_household_and_own_needs_with_status() -> None:
    world = World()
    _send(world, "登记 3-2-201 王")
    for sender, text in (("r1", "请问出入证在哪里办理？"), ("r2", "我家酒精快用完了，去哪儿买？")):
        msg = message(text, sender=sender)
        draft = match_need(msg, world.ctx())
        assert draft is not None
        handle_need(msg, draft, world.ctx())
    (reply,) = _send(world, "查询")
    assert isinstance(reply, Reply)
    assert "3-2-201" in reply.text and "#1 咨询 · 待接单" in reply.text
    assert "#2" not in reply.text  # another resident's need


def test_resident_is_refused_worker_commands() -> None:
    assert _send(World(), "接单 12") == [Reply(texts.WORKER_ONLY.format(word="接单"))]


def test_worker_sees_open_needs_with_view_command() -> None:
    world = World()
    world.members.roles[("sim", "w1")] = "worker"
    replies = _send(world, "查看需求", sender="w1")
    assert len(replies) == 1 and isinstance(replies[0], Reply)
    assert "即将开放" not in replies[0].text
