"""parse_entry: every address, quantity, phone, name and note form residents type."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from handlers.jielong.entry import parse_entry
from handlers.jielong.repo import Product

VEG = (Product("硕诚蔬菜套餐", 38, "份"),)
GRAIN = (Product("东北大米", 55, "袋"), Product("金龙鱼花生油", 98, "桶"), Product("挂面", 9, "包"))
MEAT = (Product("前腿肉", 26, "斤"), Product("肋排", 42, "斤"), Product("猪蹄", 20, "个"))
GREENS = (Product("黄瓜", 3, "斤"), Product("西红柿", 4, "斤"))
EGGS = (Product("五常大米", 68, "袋"), Product("散养土鸡蛋", 45, "盒"))


def seen(line: str, products: tuple[Product, ...] = VEG) -> dict[str, Any]:
    """What a worker sees of one entry."""
    e = parse_entry(line, products)
    return {
        "b": e.building,
        "u": e.unit,
        "r": e.room,
        "name": e.name,
        "items": [(i.name, i.qty, i.unit) for i in e.items],
        "phone": e.phone,
        "note": e.note,
    }


def row(
    b: str | None,
    u: str | None,
    r: str | None,
    name: str | None,
    items: Sequence[tuple[str, float, str | None]],
    phone: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    return {"b": b, "u": u, "r": r, "name": name, "items": items, "phone": phone, "note": note}


V1 = [("硕诚蔬菜套餐", 1, "份")]
V2 = [("硕诚蔬菜套餐", 2, "份")]

ADDRESSES = [
    ("3号楼2单元201 王 2份", row("3", "2", "201", "王", V2)),
    ("3-2-201 王 2份", row("3", "2", "201", "王", V2)),
    ("3栋201 王 2份", row("3", None, "201", "王", V2)),
    ("3幢2单元201室 王 2份", row("3", "2", "201", "王", V2)),
    ("5#1102 李 一份", row("5", None, "1102", "李", V1)),
    ("15#2-301 刘 1", row("15", "2", "301", "刘", V1)),
    ("A座1203 小李 1份", row("A", None, "1203", "小李", V1)),
    ("Ｃ座１５０２ 史 ３份", row("C", None, "1502", "史", [("硕诚蔬菜套餐", 3, "份")])),
    ("B栋1单元101 陈 1份", row("B", "1", "101", "陈", V1)),
    ("3单元1104 王先生 1份", row(None, "3", "1104", "王先生", V1)),
    ("1204 刘 2份", row(None, None, "1204", "刘", V2)),
    ("🐾 1405 魏 2份 🐾", row(None, None, "1405", "魏", V2)),  # emoji before a bare room
    ("❤️1203 苏 1份", row(None, None, "1203", "苏", V1)),
    ("三号楼二单元201 李 1份", row("3", "2", "201", "李", V1)),
    ("十二栋301 王 1份", row("12", None, "301", "王", V1)),
    ("12栋三单元301 王 1份", row("12", "3", "301", "王", V1)),
    ("8好楼1单远1704 闵 1份", row("8", "1", "1704", "闵", V1)),
    ("800弄15号1102室 顾 2份", row("15", None, "1102", "顾", V2)),
    ("安顺路1355弄7号 陆 1份", row("7", None, None, "陆", V1)),
    ("28号 钟先生 两份 放门口奶箱", row("28", None, None, "钟先生", V2, note="放门口奶箱")),
    ("安顺花园22号301室 严 1份", row("22", None, "301", "严", V1)),
    ("阳光小区 3-2-201 王 2份", row("3", "2", "201", "王", V2)),
    ("小宋 9号502室 1份", row("9", None, "502", "小宋", V1)),
    ("3-101 张 1份", row("3", None, "101", "张", V1)),
    ("13-1504 季先生 1份", row("13", None, "1504", "季先生", V1)),
    ("2205-2 张", row(None, None, "2205", "张", V2)),
    ("1808 --1 陈", row(None, None, "1808", "陈", V1)),
    ("１５０３－２ 岑", row(None, None, "1503", "岑", V2)),
    ("3栋2-201 赵 1份", row("3", "2", "201", "赵", V1)),
    ("3号201 王 1份", row("3", None, "201", "王", V1)),
    ("３号楼１单元１５０４ 钱先生 1份", row("3", "1", "1504", "钱先生", V1)),
    ("１０#１-９０１ 汪老师 1份", row("10", "1", "901", "汪老师", V1)),
    ("3号楼 许建国", row("3", None, None, "许建国", V1)),
    ("3-2-201", row("3", "2", "201", None, V1)),
    ("3/2/201 王 2份", row("3", "2", "201", "王", V2)),
    ("3—2—201 王 2份", row("3", "2", "201", "王", V2)),
    ("张三（3-2-201）2份", row("3", "2", "201", "张三", V2)),
    ("王阿姨3-2-201 2份", row("3", "2", "201", "王阿姨", V2)),
    ("@团长 3-2-201 王 2份", row("3", "2", "201", "王", V2)),
    ("3-2-201 2份 王", row("3", "2", "201", "王", V2)),
]

QUANTITIES = [
    ("3-2-201 王 两份", row("3", "2", "201", "王", V2)),
    ("3-2-201 王 十份", row("3", "2", "201", "王", [("硕诚蔬菜套餐", 10, "份")])),
    ("3-2-201 王 壹份", row("3", "2", "201", "王", V1)),
    ("3-2-201 王 半份", row("3", "2", "201", "王", [("硕诚蔬菜套餐", 0.5, "份")])),
    ("3-2-201 王 x2", row("3", "2", "201", "王", V2)),
    ("3-2-201 王 ×2", row("3", "2", "201", "王", V2)),
    ("3-2-201 王 *2", row("3", "2", "201", "王", V2)),
    ("3-2-201 王 X 2", row("3", "2", "201", "王", V2)),
    ("3-2-201 王 2", row("3", "2", "201", "王", V2)),
    ("3-2-201 王 2️⃣", row("3", "2", "201", "王", V2)),
    ("3-2-201 +1", row("3", "2", "201", None, V1)),
    ("3-2-201 王 1 份", row("3", "2", "201", "王", V1)),
    ("3-2-201 王 要1份", row("3", "2", "201", "王", V1)),
    ("3-2-201 王 来两份", row("3", "2", "201", "王", V2)),
    ("3-2-201 王 2斤半", row("3", "2", "201", "王", [("硕诚蔬菜套餐", 2.5, "斤")])),
    ("3-2-201王阿姨2份", row("3", "2", "201", "王阿姨", V2)),
    ("3-2-201 王 蔬菜 2份", row("3", "2", "201", "王", [("蔬菜", 2, "份")])),
    ("3-2-201 王 蔬菜套餐", row("3", "2", "201", "王", [("蔬菜套餐", 1, "份")])),
    ("3-2-201 王 2箱", row("3", "2", "201", "王", [("硕诚蔬菜套餐", 2, "箱")])),
    ("2栋1单元302 孔 前腿肉一斤半", row("2", "1", "302", "孔", [("前腿肉", 1.5, "斤")], None)),
    (
        "3-2-401 金 前腿肉两斤半 猪蹄十个",
        row("3", "2", "401", "金", [("前腿肉", 2.5, "斤"), ("猪蹄", 10, "个")]),
    ),
    ("8-4-601 严 前腿肉半斤", row("8", "4", "601", "严", [("前腿肉", 0.5, "斤")])),
    (
        "12号楼502 华 肋排壹斤 猪蹄叁个",
        row("12", None, "502", "华", [("肋排", 1, "斤"), ("猪蹄", 3, "个")]),
    ),
    ("7栋201 魏 肋排x2", row("7", None, "201", "魏", [("肋排", 2, "斤")])),
    ("6-1-702 陶 猪蹄2️⃣", row("6", "1", "702", "陶", [("猪蹄", 2, "个")])),
    (
        "3-2-201 王 肋排两斤猪蹄二个",
        row("3", "2", "201", "王", [("肋排", 2, "斤"), ("猪蹄", 2, "个")]),
    ),
    ("3-2-201 王 猪脚2", row("3", "2", "201", "王", [("猪脚", 2, "个")])),
    ("3-2-201 王 排骨2斤", row("3", "2", "201", "王", [("排骨", 2, "斤")])),
]
MEAT_ROWS = {line for line, _ in QUANTITIES if any(w in line for w in ("肉", "排", "猪"))}

MULTI = [
    ("3-2-201 王 大米2袋 花生油1桶", GRAIN, [("大米", 2, "袋"), ("花生油", 1, "桶")]),
    ("3-2-201 王 2袋", GRAIN, [("东北大米", 2, "袋")]),
    ("3-2-201 王 大米x2 挂面×3", GRAIN, [("大米", 2, "袋"), ("挂面", 3, "包")]),
    ("3-2-201 王 东北大米两袋，挂面三包", GRAIN, [("东北大米", 2, "袋"), ("挂面", 3, "包")]),
    ("3-2-201 王 大米2袋、挂面1包", GRAIN, [("大米", 2, "袋"), ("挂面", 1, "包")]),
    ("3-2-201 王 油*3", GRAIN, [("油", 3, "桶")]),
    ("3-2-201 王 黄瓜2 番茄3", GREENS, [("黄瓜", 2, "斤"), ("番茄", 3, "斤")]),
    ("11栋2单元803 沈 鸡蛋x3", EGGS, [("鸡蛋", 3, "盒")]),
    ("9-2-502 蒋 大米1袋 鸡蛋1盒", EGGS, [("大米", 1, "袋"), ("鸡蛋", 1, "盒")]),
]

PHONES = [
    ("3-2-201 王 1份 13800001234", "13800001234", None),
    ("3-2-201 王 1份 138 0000 1234", "13800001234", None),
    ("3-2-201 王 1份 138-0000-1234", "13800001234", None),
    ("3-2-201 王 1份 +86-138-0000-1234", "13800001234", None),
    ("3-2-201 王 1份 +86 135 7777 8888", "13577778888", None),
    ("3-2-201 王 1份 +8613012345678", "13012345678", None),
    ("3-2-201 王 1份 电话：13912345678", "13912345678", None),
    ("3-2-201 王 1份 电话 186 1234 5678", "18612345678", None),
    ("3-2-201 王 1份 手机:189-0000-2222 晚上打", "18900002222", "晚上打"),
    ("3-2-201 王 1份 手机::189-0000-2222", "18900002222", None),
    ("3-2-201 王 1份 tel:186 0000 1111", "18600001111", None),
    ("3-2-201 王 1份 Tel:18600001111", "18600001111", None),
    ("3-2-201 王 1份 15800009999 放门口就行", "15800009999", "放门口就行"),
    ("3-2-201 王 1份 电话１３８００１３８０００", "13800138000", None),
    ("3-2-201 王 1份 (13800001234)", "13800001234", None),
    ("3-2-201 王 1份 联系方式：138-0000-1234", "13800001234", None),
]

NOTES = [
    ("3-2-201 王 1份 放门口就行", "放门口就行"),
    ("3-2-201 王 1份 备注：不要葱", "不要葱"),
    ("3-2-201 王 1份 备注:<i>早上</i>&晚上都在家", "<i>早上</i>&晚上都在家"),
    ("3-2-201 王 1份（独居，麻烦送上门）", "独居，麻烦送上门"),
    ("3-2-201 王 1份 (下午送)", "下午送"),
    ("3-2-201 王 1份 【放快递柜】", "放快递柜"),
    ("3-2-201 王 1份 【放门口】 👍", "放门口"),
    ("3-2-201 王 1份 放门口，谢谢！", "放门口，谢谢！"),
    ("3-2-201 王 1份 放门口（谢谢）", "放门口（谢谢）"),
    ("3-2-201 王 1份 🙏", None),
    ("3-2-201 王 1份🙏🙏", None),
    ("3-2-201 王 1份 👍👍", None),
    ("3-2-201 王 [强] 1份", None),
    ("3-2-201 王 1份 [抱拳]", None),
    ("3-2-201 王 2份（=2*8元，已微信转账）", "=2*8元，已微信转账"),
    ("3-2-201 王 1份 =16元", "=16元"),
    ("3-2-201 王 1份 <b>不要放门口</b>", "<b>不要放门口</b>"),
    ("3-2-201 王 1份 &lt;少糖&gt;", "&lt;少糖&gt;"),
    ("3-2-201 王 1份 不加糖<br>谢谢", "不加糖<br>谢谢"),
    ("3-2-201 王 1份 <script>alert(1)</script>", "<script>alert(1)</script>"),
    ("3-2-201 王 1份 晚上7点后在家", "晚上7点后在家"),
    ("3-2-201 王 1份 家里有婴儿，别敲门", "家里有婴儿，别敲门"),
    ("3-2-201 王 1份 要熟一点的", "要熟一点的"),
    ("3-2-201 王 1份\n（下午才在家，放快递柜旁边）", "下午才在家，放快递柜旁边"),
]

NAMES = [
    ("🌸8-1-301 花姐 2份", "花姐"),
    ("栾先生 10栋401 2份", "栾先生"),
    ("许 17#1303 2份", "许"),
    ("7栋\u200b1102 鲍\u200b阿姨 2份", "鲍阿姨"),
    ("9-2-702\u00a0唐\u00a02份", "唐"),
    ("１２号楼１单元３０１\u3000方\u3000２份", "方"),
    ("3号楼2单元201 王阿姨 2份", "王阿姨"),
    ("3-2-201 2份", None),
    ("3-2-201 谢阿姨 2份", "谢阿姨"),
    ("3-2-201 周 2份", "周"),
]


@pytest.mark.parametrize(
    ("line", "want"), ADDRESSES + [q for q in QUANTITIES if q[0] not in MEAT_ROWS]
)
def test_single_product_entry(line: str, want: dict[str, Any]) -> None:
    assert seen(line) == want


@pytest.mark.parametrize(("line", "want"), [q for q in QUANTITIES if q[0] in MEAT_ROWS])
def test_meat_chain_entry(line: str, want: dict[str, Any]) -> None:
    assert seen(line, MEAT) == want


@pytest.mark.parametrize(("line", "products", "items"), MULTI)
def test_items_are_named_as_written_with_units_from_the_price_list(
    line: str, products: tuple[Product, ...], items: list[tuple[str, float, str]]
) -> None:
    assert seen(line, products)["items"] == items


@pytest.mark.parametrize(("line", "phone", "note"), PHONES)
def test_phone_is_the_11_digit_number(line: str, phone: str, note: str | None) -> None:
    got = seen(line)
    assert (got["phone"], got["note"], got["items"]) == (phone, note, V1)


@pytest.mark.parametrize(("line", "note"), NOTES)
def test_note_is_what_is_left(line: str, note: str | None) -> None:
    assert seen(line)["note"] == note


@pytest.mark.parametrize(("line", "name"), NAMES)
def test_name_next_to_the_address(line: str, name: str | None) -> None:
    assert seen(line)["name"] == name


def test_ambiguous_unnamed_quantity_is_flagged_not_guessed() -> None:
    entry = parse_entry("3-2-201 王 2斤", MEAT)  # 前腿肉 and 肋排 are both sold by 斤
    assert not entry.readable
    assert [(i.qty, i.unit) for i in entry.items] == [(2, "斤")]


def test_signup_lines_have_no_items() -> None:
    entry = parse_entry("7栋1单元402 施 2人", ())
    assert (entry.building, entry.room, entry.name, entry.items, entry.note) == (
        "7",
        "402",
        "施",
        (),
        "2人",
    )


BAD = [
    "x" * 5000,
    "<script>alert('x')</script>",
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil")',
    "\u200b\u200b\ufeff",
    "？？？",
    "哈哈哈哈哈哈",
    "🙏🙏🙏",
]


@pytest.mark.parametrize("line", BAD)
def test_bad_input_is_kept_verbatim_and_flagged(line: str) -> None:
    entry = parse_entry(line, VEG)
    assert not entry.readable
    assert entry.raw == line.replace("\u200b", "").replace("\ufeff", "").strip()


def test_formula_like_text_is_never_escaped() -> None:
    entry = parse_entry("=1+1 3-2-201 王 1份", VEG)
    assert entry.raw.startswith("=1+1")
    assert (entry.room, entry.readable) == ("201", True)


def test_zero_width_characters_are_gone_from_every_field() -> None:
    entry = parse_entry("\ufeff3\u200b-2-201 王\u200d阿姨 2\u200b份 放\u2060门口", VEG)
    assert (entry.building, entry.room, entry.name, entry.note) == ("3", "201", "王阿姨", "放门口")
    assert entry.items[0].qty == 2


def test_parse_entry_never_raises_on_odd_characters() -> None:
    for line in [
        "\x00\x01",
        "（（（",
        "】】",
        "3-2-201 (((",
        "１".join("abc"),
        "\ud800",
        "号楼单元室",
    ]:
        assert parse_entry(line, VEG).raw is not None
