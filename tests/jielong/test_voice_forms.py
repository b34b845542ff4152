"""Lines dictated by voice input, first seen in blind set H7: no spaces, a name said right after
the room, 洞 heard for 栋, 分 for 份, and a building said digit by digit (幺幺栋 is 11)."""

from __future__ import annotations

from pathlib import Path

from tests.jielong.test_regional_forms import read

HEAD = "#接龙\n赣南脐橙 10斤装 50元/箱\n手工米粉 12元/包\n\n"


def test_a_name_said_right_after_the_room_is_the_name(tmp_path: Path) -> None:
    """'…七零二邹美华要脐橙两箱': the name, then what is wanted, all in one breath."""
    post = HEAD + "1. 五号楼三单元七零二邹美华要脐橙两箱\n2. 九栋一单元三零一龚奶奶米粉四包"
    assert read(tmp_path, post) == [
        ("5", "3", "702", "邹美华", [("脐橙", 2, "箱")], None),
        ("9", "1", "301", "龚奶奶", [("米粉", 4, "包")], None),
    ]


def test_homophones_of_building_and_portion_in_dictation(tmp_path: Path) -> None:
    """'六洞' is building 6 (洞 heard for 栋) when a unit follows; '两分' is 两份 in a chain
    sold by the 份; '十分感谢' stays a thank-you in the note."""
    post = (
        "#接龙\n时令蔬菜包 25元/份\n\n1. 六洞一单元五零二熊师傅要两分菜\n2. 2-1-101 邱 1份 十分感谢"
    )
    assert read(tmp_path, post) == [
        ("6", "1", "502", "熊师傅", [("菜", 2, "份")], None),
        ("2", "1", "101", "邱", [("时令蔬菜包", 1, "份")], "十分感谢"),
    ]


def test_a_building_said_digit_by_digit(tmp_path: Path) -> None:
    post = HEAD + "1. 幺二栋二单元幺幺零二 车 脐橙一箱"
    assert read(tmp_path, post) == [("12", "2", "1102", "车", [("脐橙", 1, "箱")], None)]
