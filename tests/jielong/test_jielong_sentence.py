"""Sentence orders and 取消 while a chain is open: what joins the chain, what stays a need."""

from __future__ import annotations

import pytest

from handlers.jielong.repo import Item, ParsedEntry, Product, StoredEntry
from handlers.jielong.sentence import (
    cancel_targets,
    is_cancel,
    parse_sentence_order,
    reply_part,
)

DUMPLINGS = (Product("手工水饺 猪肉白菜馅", 30, "袋"),)
GRAIN = (Product("东北大米", 55, "袋"), Product("金龙鱼花生油", 98, "桶"))


@pytest.mark.parametrize(
    ("text", "home", "items"),
    [
        ("帮我也报一份，8栋603", ("8", None, "603"), [(1, "份")]),
        ("麻烦帮忙登记两袋水饺，11栋1204", ("11", None, "1204"), [(2, "袋")]),
        (
            "我家老人不会用手机，麻烦帮忙登记两袋水饺，11栋1204，谢谢",
            ("11", None, "1204"),
            [(2, "袋")],
        ),
        ("帮我家报一袋，5号楼2单元801", ("5", "2", "801"), [(1, "袋")]),
        ("3-2-201 水饺两袋", ("3", "2", "201"), [(2, "袋")]),
        ("3-2-201 王 2袋 电话13800001234", ("3", "2", "201"), [(2, "袋")]),
        ("我也要一袋 3-2-201", ("3", "2", "201"), [(1, "袋")]),
        ("给我登记一下，3号楼2单元201", ("3", "2", "201"), [(1, "袋")]),
        ("算我一份", (None, None, None), [(1, "份")]),
        ("８栋６０３ 报２袋", ("8", None, "603"), [(2, "袋")]),
        ("帮我家也报一袋，1306", (None, None, "1306"), [(1, "袋")]),  # one-building group
        ("也给我报两袋 2301室", (None, None, "2301"), [(2, "袋")]),
    ],
)
def test_sentence_order_takes_address_and_quantities_only(
    text: str, home: tuple[str | None, ...], items: list[tuple[float, str]]
) -> None:
    got = parse_sentence_order(text, DUMPLINGS)
    assert got is not None
    assert (got.building, got.unit, got.room) == home
    assert [(i.qty, i.unit) for i in got.items] == items
    assert (got.name, got.note, got.phone, got.raw) == (None, None, None, text)


@pytest.mark.parametrize(
    "text",
    [
        "水饺是生的还是熟的？",
        "还有几袋？",
        "一袋多少钱？",
        "明天几点到？",
        "收到，都记上了",
        "请问报名截止了吗",
        "5号楼有位独居老人，降压药只剩两天的了，谁能帮忙代买一下？",
        "3号楼电梯卡在8楼了，里面困着一位老人和一个小孩",
        "我需要两盒降压药，3-2-201",
        "12号楼的老两口行动不便，这几天能不能给他们送饭",
        "楼道里有人给电动车充电，插线板已经冒烟了！4号楼一单元",
        "我家有多余的两袋水饺可以分给邻居，3-2-201",
        "谢谢团长🙏",
        # a report of what was done, a neighbour asked to fetch, goods the chain does not sell
        "5栋1203的三袋水饺保安已经送上去了",
        "有没有邻居能帮忙去北门领两袋 我腿脚不便 9栋1单元302",
        "我要口罩 麻烦了 3-2-201",
        "我爸一个人住5幢2单元801，腿脚不好，能不能有人帮他拎一袋上去",
        "x" * 500,
    ],
)
def test_questions_needs_and_offers_are_not_orders(text: str) -> None:
    assert parse_sentence_order(text, DUMPLINGS) is None


def test_named_product_decides_the_item_in_a_multi_product_chain() -> None:
    got = parse_sentence_order("帮我报两桶花生油，3-2-201", GRAIN)
    assert got is not None
    assert got.items == (Item("金龙鱼花生油", 2, "桶"),)


def test_quote_reply_keeps_only_the_senders_words() -> None:
    text = "「冯：#接龙\n1. 9号楼3单元701 冯 大米1袋」\n- - - - - - - - - -\n鸡蛋是哪天下的？"
    assert reply_part(text) == "鸡蛋是哪天下的？"
    assert parse_sentence_order(reply_part(text), GRAIN) is None


@pytest.mark.parametrize(
    ("text", "cancel"),
    [
        ("不好意思，我那份草莓取消，家里亲戚送了", True),
        ("我不要了", True),
        ("3-2-201 取消", True),
        ("取消", True),
        ("可以取消吗？", False),
        ("怎么取消", False),
        ("不取消了", False),
        ("谢谢", False),
    ],
)
def test_is_cancel(text: str, cancel: bool) -> None:
    assert is_cancel(text) is cancel


def _entry(seq: int, home: tuple[str, str | None, str], item: str) -> StoredEntry:
    parsed = ParsedEntry(
        raw="", building=home[0], unit=home[1], room=home[2], items=(Item(item, 1, "盒"),)
    )
    return StoredEntry(seq, 1, seq, "liao", f"k{seq}", "active", parsed)


def test_cancel_targets_by_address_item_or_the_only_entry() -> None:
    berries, eggs = _entry(2, ("3", "2", "502"), "红颜草莓"), _entry(5, ("9", None, "101"), "鸡蛋")
    products = (Product("红颜草莓", 40, "盒"), Product("鸡蛋", 45, "盒"))
    assert cancel_targets("我那份草莓取消", [berries, eggs], products) == [berries]
    assert cancel_targets("9栋101的取消", [berries, eggs], products) == [eggs]
    assert cancel_targets("我的取消", [berries, eggs], products) == []
    assert cancel_targets("我那份取消", [berries], products) == [berries]


def test_dictated_counts_before_their_goods_in_a_two_product_chain() -> None:
    """'我要三包挂面两份菜': each count goes with the goods said right after it, in the measure
    word said (包, though the chain lists 挂面 by the 袋); 挂面 is not taken again for 两份."""
    chain = (Product("时令蔬菜包", 25, "份"), Product("龙须挂面", 8, "袋"))
    got = parse_sentence_order("我是五栋一单元三零二的我要三包挂面两份菜麻烦记一下", chain)
    assert got is not None
    assert (got.building, got.unit, got.room) == ("5", "1", "302")
    assert got.items == (Item("龙须挂面", 3, "包"), Item("时令蔬菜包", 2, "份"))
    again = parse_sentence_order("五栋一单元三零二 我要三袋挂面两份菜", chain)
    assert again is not None
    assert again.items == (Item("龙须挂面", 3, "袋"), Item("时令蔬菜包", 2, "份"))
