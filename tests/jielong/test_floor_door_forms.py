"""Addresses that name a floor and a door, and digits written in other ways: Dalian's
'N号 单元-楼层-门', an urban village's 'N号4楼2房', Hong Kong-style '8樓B室' and '15/F A室',
〇 typed for a zero, each read through the real pipeline as the worker's list shows it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from models.chain import ChainEntry
from tests.campaign_support import Chat_, Person, new_factory, seed
from tests.jielong.test_regional_forms import read


def test_a_dalian_building_then_unit_floor_and_door(tmp_path: Path) -> None:
    """'88号3-7-1': building 88, unit 3, the 7th floor's door 1 → room 701."""
    post = "#接龙\n大连鲍鱼 60元/斤\n\n1. 88号3-7-1 曲 鲍鱼2斤\n2. 6号2-12-3 于 1斤"
    assert read(tmp_path, post) == [
        ("88", "3", "701", "曲", [("鲍鱼", 2, "斤")], None),
        ("6", "2", "1203", "于", [("大连鲍鱼", 1, "斤")], None),
    ]


def test_an_urban_village_house_floor_and_room(tmp_path: Path) -> None:
    """'23号5楼3房' is house 23, room 503; a lane's name before the house number is dropped."""
    post = "#接龙\n桶装水 15元/桶\n\n1. 23号5楼3房 钟 2桶\n2. 南村坊9号 2楼1房 罗 1桶"
    assert read(tmp_path, post) == [
        ("23", None, "503", "钟", [("桶装水", 2, "桶")], None),
        ("9", None, "201", "罗", [("桶装水", 1, "桶")], None),
    ]


def test_a_hong_kong_style_floor_and_lettered_flat(tmp_path: Path) -> None:
    """'6座12樓C室' is block 6, flat 12C; '2座 20/F D室' is block 2, flat 20D."""
    post = (
        "#接龍\n鮮牛奶 $30/支\n\n"
        "1. 6座12樓C室 黃太 鮮牛奶2支\n"
        "2. 2座 20/F D室 李生 1支\n"
        "3. 5座 3樓 A室 何 1支"
    )
    assert read(tmp_path, post) == [
        ("6", None, "12C", "黃太", [("鮮牛奶", 2, "支")], None),
        ("2", None, "20D", "李生", [("鮮牛奶", 1, "支")], None),
        ("5", None, "3A", "何", [("鮮牛奶", 1, "支")], None),
    ]


def test_a_circle_zero_between_digits_is_a_zero(tmp_path: Path) -> None:
    """'9-2-6〇1' is room 601; 〇 among Chinese numerals stays a Chinese numeral."""
    post = "#接龙\n苹果 40元/箱\n\n1. 9-2-6〇1 严 1箱\n2. 3-1-1〇〇2 华 2箱\n3. 5栋一〇二 简 1箱"
    assert read(tmp_path, post) == [
        ("9", "2", "601", "严", [("苹果", 1, "箱")], None),
        ("3", "1", "1002", "华", [("苹果", 2, "箱")], None),
        ("5", None, "102", "简", [("苹果", 1, "箱")], None),
    ]


def test_a_surname_that_is_also_a_measure_word_glued_to_the_room(tmp_path: Path) -> None:
    """'5号楼2单元301包': after the unit, 301 is the room and 包 the surname (not 301 packs),
    so a 取消 written that way finds its line."""
    post = "#接龙\n鲜奶 60元/箱\n\n1. 5号楼2单元301包 鲜奶2箱"
    assert read(tmp_path, post) == [("5", "2", "301", "包", [("鲜奶", 2, "箱")], None)]


def test_a_cancel_with_the_surname_glued_to_the_room_withdraws_the_line(tmp_path: Path) -> None:
    factory = new_factory(tmp_path)
    seed(factory, [Person("u1", "包", "5", "2", "301")], ["g1"])
    chat = Chat_(factory)
    chat.send("g1", "u1", "#接龙\n鲜奶 60元/箱\n\n1. 5号楼2单元301 包 鲜奶2箱")
    chat.send("g1", "u1", "5号楼2单元301包 不要了 家里还有")
    with factory() as db:
        assert [e.status for e in db.scalars(select(ChainEntry))] == ["withdrawn"]
