"""One rule in one place, seen through the real pipeline: what 查询 answers (residents with and
without orders, workers; its order forms only for a sender with orders) and the one answer a
resident gets for any worker command."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers import texts
from tests.campaign_support import Chat_, Person, new_factory, seed

OPEN = "开团 鸡蛋团购\n商品：鸡蛋 15元/盒\n截单：今晚8点"
POST = "#接龙\n鸡蛋团购\n鸡蛋 15元/盒\n\n1. 3-2-201 王 鸡蛋2盒"


@pytest.fixture
def town(tmp_path: Path) -> Chat_:
    """u1 has an order in the open campaign of g1, u2 none; w1 is the worker."""
    factory = new_factory(tmp_path)
    seed(
        factory, [Person("u1", "王", "3", "2", "201"), Person("u2", "李", "5", "1", "302")], ["g1"]
    )
    chat = Chat_(factory)
    chat.send("g1", "w1", OPEN)
    chat.send("g1", "u1", POST)
    return chat


@pytest.mark.parametrize("word", ["查询", "查询订单", "我的订单", "查订单", "查询？"])
@pytest.mark.parametrize("chat", ["g1", "u1"])
def test_query_with_orders_shows_orders_then_household(town: Chat_, word: str, chat: str) -> None:
    reply = town.send(chat, "u1", word)
    assert reply.startswith("您在【鸡蛋团购】的订单：\n1 号 鸡蛋×2盒　待确认")
    assert "您登记的住址：3-2-201" in reply and texts.QUERY_NO_NEEDS in reply


def test_query_without_orders_shows_household_and_needs(town: Chat_) -> None:
    assert town.send("g1", "u2", "查询") == "您登记的住址：5-1-302，姓名 李\n您还没有提交过需求。"
    assert town.send("w1", "w1", "查询").startswith(texts.QUERY_NOT_REGISTERED)


@pytest.mark.parametrize("word", ["查询订单", "我的订单", "查订单"])
def test_order_forms_are_no_command_without_orders(town: Chat_, word: str) -> None:
    assert town.send("g1", "u2", word) == ""  # group talk, as before
    assert "订单" not in town.send("w1", "w1", word)  # 1:1: the usual greeting, no 查询


@pytest.mark.parametrize(
    ("text", "word"),
    [("截单", "截单"), ("确认 1", "确认"), ("接单 1", "接单"), ("后台", "后台"), (OPEN, "开团")],
)
@pytest.mark.parametrize("chat", ["g1", "u2"])
def test_every_worker_command_gets_one_refusal(
    town: Chat_, text: str, word: str, chat: str
) -> None:
    assert town.send(chat, "u2", text) == texts.WORKER_ONLY.format(word=word)


def test_the_worker_is_not_refused(town: Chat_) -> None:
    assert town.send("g1", "w1", "确认 1").startswith("已确认 1 号")
