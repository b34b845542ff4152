"""The reader on forms from other regions and devices: headers, catalogues, addresses, items."""

from __future__ import annotations

from typing import Any

import pytest

from handlers.jielong.catalogue import parse_products, title_product
from handlers.jielong.entry import parse_entry
from handlers.jielong.post import parse_jielong


def fields(line: str, header: str) -> dict[str, Any]:
    entry = parse_entry(line, parse_products([header]))
    return {
        "b": entry.building,
        "u": entry.unit,
        "r": entry.room,
        "name": entry.name,
        "items": [(i.name, i.qty, i.unit) for i in entry.items],
        "note": entry.note,
    }


@pytest.mark.parametrize(
    ("header", "products"),
    [
        ("【第3批保供蔬菜包】每份约10斤 58元/份", [("蔬菜包", "份")]),
        ("本楼鸡蛋团（楼栋群）30枚/盒 35元/盒", [("鸡蛋", "盒")]),
        ("牛奶团 蒙牛纯牛奶250ml*24盒 55元/箱", [("蒙牛纯牛奶", "箱")]),
        ("矿泉水 550ml*24瓶 30元/箱", [("矿泉水", "箱")]),
        ("【晨阳苑团购】8斤蔬菜包 88元/份", [("蔬菜包", "份")]),
        ("散养土鸡蛋 30枚 45元/盒", [("散养土鸡蛋", "盒")]),
        ("接龙买西瓜 15元/个", [("西瓜", "个")]),
        ("无公害绿色蔬菜预订（硕诚农业）30元/份", [("无公害绿色蔬菜", "份")]),
        (
            "75%酒精500ml 12元/瓶；KN95口罩 2元/个；酒精喷壶 5元/个",
            [("酒精", "瓶"), ("KN95口罩", "个"), ("酒精喷壶", "个")],
        ),
        ("84消毒液 2.5L装 25元/桶", [("84消毒液", "桶")]),
        ("组合A：猪肉2斤+鸡蛋15枚 58元/份", [("组合A", "份")]),
    ],
)
def test_product_is_the_goods_not_its_pack_size(
    header: str, products: list[tuple[str, str]]
) -> None:
    assert [(p.name, p.unit) for p in parse_products([header])] == products


@pytest.mark.parametrize(
    ("title", "name"),
    [("周六核酸后统一发放爱心菜，需要的登记", "爱心菜"), ("接龙买面包（明早直送）", "面包")],
)
def test_product_named_only_by_the_title(title: str, name: str) -> None:
    product = title_product(title, "份")
    assert product is not None and product.name == name


@pytest.mark.parametrize(
    ("text", "title", "count"),
    [
        ("水果接龙汇总（截至20:00）\n苹果 25元/袋\n① 1-101 周 苹果2袋\n② 1-202 吴 1袋", None, 2),
        ("楼长统计 接龙汇总\n大米 25元/袋\n一、301 孙 大米1袋\n二、302 李 2袋", None, 2),
        ("接龙买西瓜 15元/个\n3-2-201 王 1个\n7-502 赵 1个", None, 2),
        ("明早面包团购\n全麦吐司 12元/袋\n1. 3-2-201 王 2袋", "明早面包团购", 1),
        ("#Group Note\n周六发放爱心菜\n例 1-1-101 张 1份\n\n1. 2-1-201 Tom 1份", None, 1),
    ],
)
def test_headers_without_a_hash_tag(text: str, title: str | None, count: int) -> None:
    post = parse_jielong(text)
    assert post is not None and post.is_order_list
    assert len(post.lines) == count
    if title is not None:
        assert post.title == title


@pytest.mark.parametrize(
    "text",
    [
        "接龙的团购什么时候截止？",
        "大家记得接龙哦\n明天下午到",
        "我来接龙",
        "明天几点发菜\n谢谢",
    ],
)
def test_chatter_naming_a_chain_is_not_one(text: str) -> None:
    assert parse_jielong(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "#接龙 3号楼报平安\n格式：房号+姓氏+平安\n\n1. 301 王 平安 一家三口\n2. 302 李 平安",
        "#接龙\n明早核酸 在家人数报备\n格式：室号-人数\n\n1. 301-3\n2. 502-2",
        "#接龙 志愿者报名\n例 1-101 张 13800000000\n\n1. 3-101 许 13900001111",
    ],
)
def test_chains_that_are_not_orders(text: str) -> None:
    post = parse_jielong(text)
    assert post is not None and not post.is_order_list


VEG = "蔬菜 25元/份"


@pytest.mark.parametrize(
    ("line", "b", "u", "r"),
    [
        ("3栋2梯801 王 1份", "3", "2", "801"),
        ("B座1203 李 1份", "B", None, "1203"),
        ("2塔1502 何 2份", "2", None, "1502"),
        ("7幢1单元5楼2号 赵 1份", "7", "1", "502"),
        ("12楼1号 钱 1份", None, None, "1201"),
        ("23号院东厢房 孙 1份", "23", None, "东厢房"),
        ("9号院2号楼502 周 1份", "2", None, "502"),
        ("5号楼3门201 吴 1份", "5", "3", "201"),
        ("三组17号 郑 1份", "3", None, "17"),
        ("2号楼东侧312 冯 1份", "2", "东", "312"),
        ("五号楼一单元六零二 章 1份", "5", "1", "602"),
        ("十一号楼一单元五零三 王 1份", "11", "1", "503"),
        ("3号楼六百零三 李 1份", "3", None, "603"),
        ("5号楼1单元一千零二 刘 1份", "5", "1", "1002"),
        ("别墅区36号 严 2份", "36", None, None),
        ("5-302-李-1", "5", None, "302"),
        ("1801 _3", None, None, "1801"),
    ],
)
def test_regional_addresses(line: str, b: str | None, u: str | None, r: str | None) -> None:
    got = fields(line, VEG)
    assert (got["b"], got["u"], got["r"]) == (b, u, r)


SHOP = "可乐 600ml*24瓶 45元/箱；橙子 5元/斤；青岛清爽 500ml*24罐 40元/箱；84消毒液 10元/瓶"


@pytest.mark.parametrize(
    ("line", "header", "name", "items", "note"),
    [
        ("3-2-201 王 可乐600ml*24瓶 4箱", SHOP, "王", [("可乐600ml*24瓶", 4, "箱")], None),
        (
            "3-1-101 橙子4斤青岛清爽24罐装一箱",
            SHOP,
            None,
            [("橙子", 4, "斤"), ("青岛清爽24罐装", 1, "箱")],
            None,
        ),
        ("1-1-101 李 84消毒液两瓶", SHOP, "李", [("84消毒液", 2, "瓶")], None),
        ("2-1-101 KN95 2盒", "KN95口罩 2元/个", None, [("KN95", 2, "盒")], None),
        ("2-1-101 陈 红和黄 各一斤", "彩椒 6元/斤", "陈", [("红", 1, "斤"), ("黄", 1, "斤")], None),
        (
            "5号楼2单元302杜两箱家里有老人麻烦送上楼",
            "矿泉水 30元/箱",
            "杜",
            [("矿泉水", 2, "箱")],
            "家里有老人麻烦送上楼",
        ),
        ("3-2-201 钱 5斤装×1", "大米 5斤装 30元/袋", "钱", [("5斤装", 1, "袋")], None),
        ("5-1-101 孙 奶粉1段2罐", "奶粉 200元/罐", "孙", [("奶粉1段", 2, "罐")], None),
        ("3-1-601 叶 酒精*3", "酒精 12元/瓶；喷壶 5元/个", "叶", [("酒精", 3, "瓶")], None),
        ("3號樓2單元201 陳 兩袋", "蘋果 25元/袋", "陳", [("蘋果", 2, "袋")], None),
        ("2-2-202 小鱼🐟 2份", VEG, "小鱼🐟", [("蔬菜", 2, "份")], None),
        ("=_= 6-2-302 1份", VEG, "=_=", [("蔬菜", 1, "份")], None),
        ("2104 -2盒", "鸡蛋 35元/盒", None, [("鸡蛋", 2, "盒")], None),
        ("11号楼1单元1501 房 1份", VEG, "房", [("蔬菜", 1, "份")], None),
    ],
)
def test_items_as_shoppers_write_them(
    line: str, header: str, name: str | None, items: list[tuple[str, float, str]], note: str | None
) -> None:
    got = fields(line, header)
    assert (got["name"], got["items"], got["note"]) == (name, items, note)


def test_a_long_note_is_read_not_dropped() -> None:
    note = "请放门口，谢谢！" * 600
    got = fields(f"2-301 匡 1袋 {note}", "大米 45元/袋")
    assert (got["b"], got["r"], got["name"], got["note"]) == ("2", "301", "匡", note)
