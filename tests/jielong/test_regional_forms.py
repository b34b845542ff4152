"""Forms from regions and devices the reader first met in blind set H: a traditional-character
header with dollar prices, 第N座, English names, 门洞, voice input's commas, spaced-out typing
and multipacks, each read through the real pipeline as the worker's list shows it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from handlers.jielong.post import parse_jielong
from models.chain import ChainEntry
from tests.campaign_support import Chat_, Person, new_factory, seed


def read(tmp_path: Path, post: str) -> list[tuple[Any, ...]]:
    """(building, unit, room, name, items, note) of each entry, in order."""
    factory = new_factory(tmp_path)
    seed(factory, [Person("u1", "王", "3", "2", "201")], ["g1"])
    Chat_(factory).send("g1", "u1", post)
    with factory() as db:
        rows = db.scalars(select(ChainEntry).order_by(ChainEntry.seq))
        return [
            (
                e.building,
                e.unit,
                e.room,
                e.name,
                [(i["name"], i["qty"], i["unit"]) for i in e.items],
                e.note,
            )
            for e in rows
        ]


def test_a_hong_kong_estate_in_traditional_characters(tmp_path: Path) -> None:
    post = (
        "#接龍\n團購：有機菜心 1斤裝 $28/包；鮮奶 2公升裝 $32/支\n星期五大堂取\n\n"
        "1. 第5座20樓07室 Peter Chan 菜心2包\n"
        "2. D座9樓3室 周太 鮮奶×2\n"
        "3. 第12座1103室 陳生 菜心1斤裝×3"
    )
    assert read(tmp_path, post) == [
        ("5", None, "2007", "Peter Chan", [("菜心", 2, "包")], None),
        ("D", None, "903", "周太", [("鮮奶", 2, "支")], None),
        ("12", None, "1103", "陳生", [("菜心1斤裝", 3, "包")], None),
    ]


def test_north_eastern_stair_entrances_are_the_unit(tmp_path: Path) -> None:
    post = (
        "#接龙\n冻饺子 30元/袋\n\n"
        "1. 4号楼2门洞501 老郑 2袋\n"
        "2. 6号楼三门洞1202 小白 1袋\n"
        "3. 10号楼1楼洞302 包 3袋"
    )
    assert read(tmp_path, post) == [
        ("4", "2", "501", "老郑", [("冻饺子", 2, "袋")], None),
        ("6", "3", "1202", "小白", [("冻饺子", 1, "袋")], None),
        ("10", "1", "302", "包", [("冻饺子", 3, "袋")], None),
    ]


def test_voice_input_commas_between_the_parts_of_an_address(tmp_path: Path) -> None:
    post = "#接龙\n土豆 3元/斤\n\n1. 9栋，2单元，15楼3号。邓姐，五斤。"
    assert read(tmp_path, post) == [("9", "2", "1503", "邓姐", [("土豆", 5, "斤")], None)]


def test_a_line_typed_one_character_at_a_time(tmp_path: Path) -> None:
    post = "#接龙\n鸡蛋 20元/盒\n\n1. 3-2-201 王 1盒\n2. 1 2 号 楼 1 单 元 3 0 2 刘 奶 奶 2 盒"
    assert read(tmp_path, post)[1] == ("12", "1", "302", "刘奶奶", [("鸡蛋", 2, "盒")], None)


def test_a_multipack_is_part_of_the_item(tmp_path: Path) -> None:
    post = "#接龙\n挂面 8元/袋；方便面 15元/袋\n\n1. 2栋803 袁 方便面5连包 2袋"
    assert read(tmp_path, post) == [
        ("2", None, "803", "袁", [("方便面5连包", 2, "袋")], None),
    ]


def test_litres_written_as_gongsheng_are_a_pack_size_not_the_product() -> None:
    post = parse_jielong("#接龍\n團購：鮮奶 2公升裝 $32/支\n\n1. 第5座20樓07室 Peter Chan 鮮奶×2")
    assert post is not None
    assert [(p.name, p.unit, p.spec) for p in post.products] == [("鮮奶", "支", "2公升裝")]


def test_a_bracketed_list_of_contents_is_not_the_product(tmp_path: Path) -> None:
    """The goods are the title's: what the pack holds, listed in brackets, names no product."""
    post = (
        "#接龙\n🍎爱心水果箱🍎\n每箱约10斤（苹果、香蕉、橙子等）45元/箱\n\n"
        "1. 2-301 李 1箱\n"
        "2. 5栋2单元702 陈 2"
    )
    assert read(tmp_path, post) == [
        ("2", None, "301", "李", [("爱心水果箱", 1, "箱")], None),
        ("5", "2", "702", "陈", [("爱心水果箱", 2, "箱")], None),
    ]


def test_pinyin_homophones_of_building_and_unit_words(tmp_path: Path) -> None:
    """动 for 栋, 号漏 for 号楼, 丹元 for 单元 are read as meant; 动 with no unit or room
    after it names no building, so it stays in a note."""
    post = (
        "#接龙\n东北大米 50元/袋\n\n"
        "1. 7动2单元1101 孙 1袋\n"
        "2. 4号漏3丹元602 钱 2袋\n"
        "3. 9-1-301 周 1袋 上周2动手术"
    )
    assert read(tmp_path, post) == [
        ("7", "2", "1101", "孙", [("东北大米", 1, "袋")], None),
        ("4", "3", "602", "钱", [("东北大米", 2, "袋")], None),
        ("9", "1", "301", "周", [("东北大米", 1, "袋")], "上周2动手术"),
    ]


def test_a_village_row_is_the_building_and_the_house_number_the_room(tmp_path: Path) -> None:
    """排 counts rows of houses like 组 counts groups; a tray of eggs (2排) stays a quantity."""
    post = "#接龙\n土鸡蛋 25元/排\n\n1. 4排9号 白 鸡蛋2排\n2. 六排12号 海 1排"
    assert read(tmp_path, post) == [
        ("4", None, "9", "白", [("鸡蛋", 2, "排")], None),
        ("6", None, "12", "海", [("土鸡蛋", 1, "排")], None),
    ]


def test_a_count_of_packs_after_the_content_is_the_quantity(tmp_path: Path) -> None:
    """挂面500g×3包 in a chain selling 挂面 by the 包 is three packs of 挂面500g; a case of
    可乐600ml*24瓶 sold by the 箱 stays one case."""
    post = (
        "#接龙\n挂面 500g/包 6元/包\n香油 400ml 20元/瓶\n可乐 600ml*24瓶 45元/箱\n\n"
        "1. 3-201 李 挂面500g×3包\n"
        "2. 5-402 周 可乐600ml*24瓶\n"
        "3. 6-101 吴 香油400ml*2瓶"
    )
    assert read(tmp_path, post) == [
        ("3", None, "201", "李", [("挂面500g", 3, "包")], None),
        ("5", None, "402", "周", [("可乐600ml*24瓶", 1, "箱")], None),
        ("6", None, "101", "吴", [("香油400ml", 2, "瓶")], None),
    ]


def test_an_item_with_a_products_pack_size_takes_its_unit(tmp_path: Path) -> None:
    """The price list names the goods in English and Chinese; the resident writes another word
    for them with the pack size only that product comes in."""
    post = (
        "#Group Note\nApple 红富士 10斤装 50元/箱\nPear 雪梨 3元/个\n\n"
        "1. 2-302 孙 苹果10斤装×2\n"
        "2. 4-101 钱 雪梨x5"
    )
    assert read(tmp_path, post) == [
        ("2", None, "302", "孙", [("苹果10斤装", 2, "箱")], None),
        ("4", None, "101", "钱", [("雪梨", 5, "个")], None),
    ]


def test_an_estate_name_without_an_estate_word_before_the_address(tmp_path: Path) -> None:
    """A place name before the address and a person's name after it: the person is the name.
    A person's name written first stays the name."""
    post = (
        "#接龙\n草莓 30元/盒\n\n"
        "1. 翠湖春晓5栋802 陈阿姨 草莓2盒\n"
        "2. 江南明珠 7-1-302 刘 1盒\n"
        "3. 吴小梅 3-101 2盒 放门口"
    )
    assert read(tmp_path, post) == [
        ("5", None, "802", "陈阿姨", [("草莓", 2, "盒")], None),
        ("7", "1", "302", "刘", [("草莓", 1, "盒")], None),
        ("3", None, "101", "吴小梅", [("草莓", 2, "盒")], "放门口"),
    ]


def test_an_english_name_sharing_letters_with_a_product_is_a_name(tmp_path: Path) -> None:
    """'Mark' shares two letters with 'Mango' and is still the resident, not a mango."""
    post = (
        "#Group Note\nMango 芒果 8元/个\nCoconut 椰青 10元/个\n\n"
        "1. 3-2-501 Mark 椰青x3\n"
        "2. 6-1-202 Colin 芒果x2"
    )
    assert read(tmp_path, post) == [
        ("3", "2", "501", "Mark", [("椰青", 3, "个")], None),
        ("6", "1", "202", "Colin", [("芒果", 2, "个")], None),
    ]


def test_a_post_copied_on_a_pc_with_its_sender_and_time_above(tmp_path: Path) -> None:
    """WeChat for PC puts '李娜 9:05' above a copied message: the repost is still a repost, its
    new line is the sender's and comes before a later sentence order."""
    head = "#接龙\n大米 50元/袋\n\n1. 3-2-201 王 1袋"
    factory = new_factory(tmp_path)
    seed(factory, [Person("u1", "王", "3", "2", "201")], ["g1"])
    chat = Chat_(factory)
    chat.send("g1", "u1", head)
    chat.send("g1", "u2", f"李娜 9:05\n{head}\n2. 5-1-302 赵 2袋")
    chat.send("g1", "u3", "帮我也报一袋，8栋603")
    with factory() as db:
        rows = db.scalars(select(ChainEntry).order_by(ChainEntry.seq))
        assert [(e.seq, e.author_id, e.room) for e in rows] == [
            (1, "u1", "201"),
            (2, "u2", "302"),
            (3, "u3", "603"),
        ]
    assert parse_jielong("王丽 2022/11/2 18:50\n#接龙 鱼丸 18元/袋\n1. 3座1201 林 2袋") is not None
    assert parse_jielong("王丽 18:50\n明天几点到货？") is None


def test_letters_of_a_lettered_menu_with_counts(tmp_path: Path) -> None:
    """A chain selling A套餐 and B套餐: 'A2 B1' is two of A and one of B; in a chain without a
    lettered menu 'N95' stays the name of the goods."""
    menu = "#接龙\nA套餐 30元/份\nB套餐 45元/份\n\n1. 7-2-1101 黎 A2 B1"
    masks = "#接龙\nN95口罩 5元/个\n\n1. 7-2-1101 黎 N95 x10"
    for part in ("menu", "masks"):
        (tmp_path / part).mkdir()
    assert read(tmp_path / "menu", menu) == [
        ("7", "2", "1101", "黎", [("A", 2, "份"), ("B", 1, "份")], None)
    ]
    assert read(tmp_path / "masks", masks) == [("7", "2", "1101", "黎", [("N95", 10, "个")], None)]


def test_a_homophone_of_the_chains_measure_word_reads_as_it(tmp_path: Path) -> None:
    """'三代' for 三袋 where the chain sells by the 袋; '三代人' in a chain sold by the 箱 is
    a note about the family, left as written."""
    rice = "#接龙\n东北大米 10斤/袋 45元/袋\n\n1. 5-1-302 赵 大米三代"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert read(tmp_path / "a", rice) == [("5", "1", "302", "赵", [("大米", 3, "袋")], None)]
    apples = "#接龙\n苹果 45元/箱\n\n1. 3-1-201 孙 1箱 家里三代人"
    assert read(tmp_path / "b", apples) == [
        ("3", "1", "201", "孙", [("苹果", 1, "箱")], "家里三代人")
    ]
