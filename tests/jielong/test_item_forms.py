"""Items written in ways first seen in blind set H7: a one-character product with spaces
around its count, a pack size after the goods' name, a shorter name for the listed goods
(its unit from the price list), and a phone label in traditional characters."""

from __future__ import annotations

from pathlib import Path

from tests.jielong.test_regional_forms import read


def test_a_one_character_product_spaced_from_its_count(tmp_path: Path) -> None:
    """'油 1 桶' after the name: 油 is the goods, not a note; a surname alone stays a name."""
    post = (
        "#接龙\n鲁花花生油 5L 89元/桶\n五常大米 10kg 60元/袋\n\n"
        "1. 5号 203 曾 油 1 桶 米 2 袋\n"
        "2. 7-1-302 鲁 1 桶"
    )
    assert read(tmp_path, post) == [
        ("5", None, "203", "曾", [("油", 1, "桶"), ("米", 2, "袋")], None),
        ("7", "1", "302", "鲁", [("鲁花花生油", 1, "桶")], None),
    ]


def test_a_pack_size_after_the_goods_name_with_a_count(tmp_path: Path) -> None:
    """'退烧贴 6片装 ×3': the pack size belongs to the item, three of them in the product's unit."""
    post = "#接龙\n退烧贴 6片装 25元/盒\n医用口罩 50个装 30元/盒\n\n1. 4-2-701 宁 退烧贴 6片装 ×3"
    assert read(tmp_path, post) == [
        ("4", "2", "701", "宁", [("退烧贴 6片装", 3, "盒")], None),
    ]


def test_a_shorter_name_for_the_listed_goods_takes_their_unit(tmp_path: Path) -> None:
    """'牛肉×2' in a chain selling 牛腱子肉 by the 公斤 is two 公斤."""
    post = "#接龙\n牛腱子肉 98元/公斤\n土鸡蛋 30元/盒\n\n1. 2-3-501 马 牛肉×2 鸡蛋×1"
    assert read(tmp_path, post) == [
        ("2", "3", "501", "马", [("牛肉", 2, "公斤"), ("鸡蛋", 1, "盒")], None),
    ]


def test_a_phone_label_in_traditional_characters_is_no_note(tmp_path: Path) -> None:
    post = (
        "#接龍\n鮮牛奶 $30/支\n\n"
        "1. 6座1203 黃太 2支 電話 +86 139 2211 3344\n"
        "2. 2-1-101 何 1支 手機：13800001111"
    )
    got = read(tmp_path, post)
    assert [(row[3], row[5]) for row in got] == [("黃太", None), ("何", None)]
