"""parse_jielong: headers, titles, rules, examples, numbering, multi-line entries and tails."""

from __future__ import annotations

import random

import pytest

from handlers.jielong.post import JielongPost, parse_jielong, title_key
from handlers.jielong.post_lines import (
    BREAK,
    ENDS,
    PLAIN,
    STARTS,
    Line,
    PostLine,
    group_entries,
    read_line,
)
from handlers.jielong.repo import Product

VEG = "硕诚蔬菜套餐 38元/份\n每户限2份，今晚8点截单\n\n例 3-2-201 王 2份\n\n"


def post(text: str) -> JielongPost:
    parsed = parse_jielong(text)
    assert parsed is not None
    return parsed


def texts(text: str) -> list[str]:
    return [line.text for line in post(text).lines]


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("#接龙\n" + VEG + "1. 3-2-201 王 2份", "硕诚蔬菜套餐 38元/份"),
        ("＃接龙\n" + VEG + "1. 3-2-201 王 2份", "硕诚蔬菜套餐 38元/份"),
        ("接龙\n" + VEG + "1. 3-2-201 王 2份", "硕诚蔬菜套餐 38元/份"),
        ("【接龙】阳光玫瑰葡萄 35元/串\n\n1. 6-1-202 张 2串", "阳光玫瑰葡萄 35元/串"),
        ("#接龙 鲜肉团购\n前腿肉 26元/斤\n\n一、2栋302 孔 一斤", "鲜肉团购"),
        ("统计80岁以上老人 #接龙\n请写房号\n\n1. 2-1-101 陶 1位", "统计80岁以上老人"),
        ("#Group Note\n蓝月亮洗手液 22元/瓶\n\n(1) 2-1-301 倪 1瓶", "蓝月亮洗手液 22元/瓶"),
        (
            "\ufeff#接龙\n金龙鱼面粉 32元/袋\n\n１．１２号楼１单元３０１ 方 ２袋",
            "金龙鱼面粉 32元/袋",
        ),
        ("#接龙：周末水果团\n苹果 5元/斤\n1. 3-2-201 王 2斤", "周末水果团"),
    ],
)
def test_header_forms_and_title(text: str, title: str) -> None:
    got = post(text)
    assert got.title == title
    assert len(got.lines) == 1


@pytest.mark.parametrize(
    "text",
    [
        "谢谢社区！辛苦了🙏",
        "接龙的水饺什么时候到？",
        "大家记得接龙哦",
        "",
        "\u200b",
        "「冯：#接龙\n蔬菜 38元/份\n\n1. 9-3-701 冯 1份」\n"
        "- - - - - - - - - - - - - - -\n鸡蛋是哪天下的？",
    ],
)
def test_not_a_post(text: str) -> None:
    assert parse_jielong(text) is None


@pytest.mark.parametrize(
    ("numbered", "body"),
    [
        ("1. 3-2-201 王 2份", "3-2-201 王 2份"),
        ("1、3-2-201 王 2份", "3-2-201 王 2份"),
        ("1) 3-2-201 王 2份", "3-2-201 王 2份"),
        ("1）3-2-201 王 2份", "3-2-201 王 2份"),
        ("(1) 3-2-201 王 2份", "3-2-201 王 2份"),
        ("（1）3-2-201 王 2份", "3-2-201 王 2份"),
        ("１．3-2-201 王 2份", "3-2-201 王 2份"),
        ("①3-2-201 王 2份", "3-2-201 王 2份"),
        ("①1355弄15号1102室 顾 2份", "1355弄15号1102室 顾 2份"),
        ("一、3-2-201 王 2份", "3-2-201 王 2份"),
        ("1.12号楼1单元301 方 2份", "12号楼1单元301 方 2份"),
        ("3-2-201 王 2份", "3-2-201 王 2份"),
    ],
)
def test_numbering_forms_are_removed(numbered: str, body: str) -> None:
    assert texts("#接龙\n" + VEG + numbered) == [body]


def test_renumbered_line_keeps_its_key() -> None:
    first = post("#接龙\n" + VEG + "3. 3-2-201 王 2份").lines[0].key
    again = post("#接龙\n" + VEG + "（7）３－２－２０１　王　２份").lines[0].key
    assert first == again


def test_bom_and_zero_width_do_not_change_keys() -> None:
    plain = post("#接龙\n" + VEG + "1. 7栋1102 鲍阿姨 1份")
    odd = post("\ufeff#接龙\n" + VEG + "1. 7栋\u200b1102 鲍\u200b阿姨 1份")
    assert (plain.key, plain.lines[0].key) == (odd.key, odd.lines[0].key)


def test_placeholder_and_example_are_not_entries() -> None:
    got = post("#接龙\n" + VEG + "1. ")
    assert got.lines == ()
    assert got.examples == ("例 3-2-201 王 2份",)


@pytest.mark.parametrize(
    "example", ["例 3-2-201 王 2份", "例：1号楼1单元101 张三 1份", "格式：楼号-单元-房号 姓名 数量"]
)
def test_example_lines(example: str) -> None:
    got = post(f"#接龙\n蔬菜 38元/份\n{example}\n1. 5-1-302 李 1份")
    assert texts(f"#接龙\n蔬菜 38元/份\n{example}\n1. 5-1-302 李 1份") == ["5-1-302 李 1份"]
    assert got.examples == (example,)


def test_multiline_entries_unnumbered_address_and_tail() -> None:
    text = (
        "#接龙 爱心蔬菜包 25元/份\n每户限2份\n\n"
        "1. 4-3-602 朱 1份\n2. 9栋1单元301 秦\n蔬菜包2份\n电话 186 1234 5678\n"
        "3. 4-1-101 尤 1份\n（下午才在家，放快递柜旁边）\n6-2-1101 邹 1份\n4. 2-2-202 华 2份\n\n"
        "注：周六上午10点在4号楼东侧空地分发"
    )
    got = post(text)
    assert [ln.text for ln in got.lines] == [
        "4-3-602 朱 1份",
        "9栋1单元301 秦\n蔬菜包2份\n电话 186 1234 5678",
        "4-1-101 尤 1份\n（下午才在家，放快递柜旁边）",
        "6-2-1101 邹 1份",
        "2-2-202 华 2份",
    ]
    assert got.tail == ("注：周六上午10点在4号楼东侧空地分发",)


def test_a_phone_alone_on_a_line_belongs_to_the_entry_above() -> None:
    """'139 8888 0000' starts with digits a room could be; it is 戴's phone, not a new home."""
    text = (
        "#接龙 方便面 45元/箱\n\n1. 25-1-1702 成 1箱\n2. 26-2-203 戴\n火腿肠2包\n139 8888 0000\n"
        "+86 177 0000 1111\n3. 26栋1单元901 宋 1箱"
    )
    got = post(text)
    assert [ln.text for ln in got.lines] == [
        "25-1-1702 成 1箱",
        "26-2-203 戴\n火腿肠2包\n139 8888 0000\n+86 177 0000 1111",
        "26栋1单元901 宋 1箱",
    ]


def test_numbered_rules_before_a_list_restarting_at_one() -> None:
    text = (
        "#接龙\n鸡蛋团购 45元/盒\n1. 每户限购2盒\n2. 周五截单\n\n"
        "1. 3-2-201 王 2盒\n2. 5-1-302 李 1盒"
    )
    got = post(text)
    assert texts(text) == ["3-2-201 王 2盒", "5-1-302 李 1盒"]
    assert got.rules == ("1. 每户限购2盒", "2. 周五截单")


def test_numbered_product_lines_are_products_not_entries() -> None:
    text = "#接龙\n本周团购\n1. 大米 50元/袋\n2. 面粉 30元/袋\n\n1. 3-2-201 王 大米1袋"
    got = post(text)
    assert [p.name for p in got.products] == ["大米", "面粉"]
    assert texts(text) == ["3-2-201 王 大米1袋"]


def test_unnumbered_list() -> None:
    text = "#接龙 蔬菜 38元/份\n3-2-201 王 2份\n5-1-302 李 1份"
    assert texts(text) == ["3-2-201 王 2份", "5-1-302 李 1份"]


def test_repeated_line_is_kept_twice() -> None:
    text = "#接龙\n" + VEG + "1. 3-101 张 1份\n2. 3-102 +1\n3. 3-101 张 1份"
    keys = [ln.key for ln in post(text).lines]
    assert len(keys) == 3 and keys[0] == keys[2]


@pytest.mark.parametrize(
    ("header", "products"),
    [
        ("硕诚农业绿色蔬菜套餐 38元/份（茄子 西红柿 黄瓜 土豆）", [("硕诚农业绿色蔬菜套餐", "份")]),
        (
            "前腿肉 26元/斤；肋排 42元/斤；猪蹄 20元/个",
            [("前腿肉", "斤"), ("肋排", "斤"), ("猪蹄", "个")],
        ),
        ("医用酒精75% 500ml 12元/瓶，消毒湿巾 8元/包", [("医用酒精", "瓶"), ("消毒湿巾", "包")]),
        ("团购 东北大米10斤装 45元/袋", [("东北大米", "袋")]),
        ("安顺路1355弄 光明鲜牛奶 950ml 18元/瓶", [("光明鲜牛奶", "瓶")]),
        ("五常大米 10斤装 68元/袋", [("五常大米", "袋")]),
        (
            "东北大米 10斤 55元/袋；金龙鱼花生油 5L 98元/桶；挂面 1kg 9元/包",
            [("东北大米", "袋"), ("金龙鱼花生油", "桶"), ("挂面", "包")],
        ),
        ("手工水饺 猪肉白菜馅 30元/袋", [("手工水饺 猪肉白菜馅", "袋")]),
        ("红颜草莓 40元/盒（约2斤）", [("红颜草莓", "盒")]),
        ("草莓 ￥40/盒", [("草莓", "盒")]),
        ("土鸡蛋 15元一斤", [("土鸡蛋", "斤")]),
        ("蔬菜包 25元，满100元包邮", [("蔬菜包", None)]),
    ],
)
def test_products_from_the_header(header: str, products: list[tuple[str, str | None]]) -> None:
    got = post(f"#接龙\n{header}\n\n1. 3-2-201 王 1份").products
    assert [(p.name, p.unit) for p in got] == products


@pytest.mark.parametrize(
    ("text", "order"),
    [
        ("#接龙\n蔬菜 38元/份\n\n1. 3-2-201 王 2份", True),
        ("#接龙 团购大白菜\n每户限1份\n\n1. 3-2-201 王", True),
        ("#接龙 明早核酸采样志愿者报名\n6:30在南门集合\n\n1. 3号楼 许建国", False),
        ("统计家里有80岁以上老人的住户 #接龙\n请写楼号房号和老人人数\n\n1. 2-1-101 陶 1位", False),
        ("#接龙 每日健康打卡\n体温正常请接龙\n\n1. 3-2-201 王", False),
        ("#接龙 周六活动报名，每人带1个口罩\n\n1. 3-2-201 王", False),
        ("#接龙 水果团购\n\n例 3-2-201 王 1箱\n\n1. 5-1-302 李 2箱", True),
    ],
)
def test_order_list_is_decided_by_the_header(text: str, order: bool) -> None:
    assert post(text).is_order_list is order


def test_quantity_only_chain_gets_a_product_from_its_title() -> None:
    got = post("#接龙 团购大白菜，每户限1份\n\n1. 3-2-201 王 2份")
    assert got.products == (Product("大白菜", None, "份"),)


def test_title_key_ignores_width_spaces_and_case() -> None:
    assert title_key("硕诚蔬菜 38元/份") == title_key("硕诚蔬菜３８元／份")


def test_ten_thousand_entries_in_one_paste() -> None:
    lines = "\n".join(
        f"{i}. {i % 30 + 1}-{i % 4 + 1}-{100 + i % 900} 住户{i} {i % 3 + 1}份"
        for i in range(1, 10001)
    )
    got = post("#接龙\n" + VEG + lines + "\n10001. " + "乱码" * 3000)
    assert len(got.lines) == 10001
    assert got.lines[-1].text.startswith("乱码")


def _reference_layout(lines: list[Line]) -> tuple[list[PostLine], list[str]]:
    """The entry layout written as plainly as possible, one line at a time."""
    entries: list[list[Line]] = []
    tail: list[str] = []
    current: list[Line] | None = None
    for ln in lines:
        if ln.kind == STARTS:
            current = [ln]
            entries.append(current)
        elif ln.kind != PLAIN:
            current = None
        elif current is not None:
            current.append(ln)
        else:
            tail.append(ln.text)
    out = [
        PostLine(key="\n".join(x.key for x in e if x.key), text="\n".join(x.body for x in e))
        for e in entries
    ]
    return [p for p in out if p.key], tail


def test_fast_layout_matches_the_plain_one_on_every_mix_of_lines() -> None:
    """group_entries copies runs of entries whole; on any mix of line kinds it must give the
    same entries and tail as reading the lines one at a time."""
    pool = [
        read_line(text)
        for text in (
            "1. 5-1-101 王 1份",
            "2. 5-1-102 李 2份",
            "6-2-1101 邹 1份",
            "放门口就行",
            "电话 186 1234 5678",
            "",
            "--------",
            "例 3-2-201 王 2份",
            "3. 大米 50元/袋",
            "🙏",
        )
    ]
    assert {ln.kind for ln in pool} == {BREAK, STARTS, ENDS, PLAIN}
    rng = random.Random(20261123)
    for _ in range(2000):
        lines = [rng.choice(pool) for _ in range(rng.randint(0, 14))]
        assert group_entries(lines) == _reference_layout(lines), lines
