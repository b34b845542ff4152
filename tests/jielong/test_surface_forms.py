"""Surface forms the metamorphic test (test_metamorphic.py) found misread: one per fix."""

from __future__ import annotations

from handlers.jielong.address import find_address
from handlers.jielong.entry import parse_entry
from handlers.jielong.repo import Product

RICE = (Product("东北大米", 55, "袋"),)


def test_an_emoji_after_a_quantity_glued_to_the_name_stays_out_of_the_name() -> None:
    """'李奶奶三袋🙏': the emoji closes the line; it is no part of the nickname ('Lily🌸' is)."""
    entry = parse_entry("7栋1单元502李奶奶三袋🙏", RICE)
    assert (entry.name, entry.note) == ("李奶奶", None)
    assert [(i.qty, i.unit) for i in entry.items] == [(3, "袋")]
    assert parse_entry("7-1-502 Lily🌸 1袋", RICE).name == "Lily🌸"


def test_voice_input_comma_between_unit_and_room() -> None:
    """Voice input writes '2单元，1603': still unit 2, room 1603, as '2号楼，2单元，1603' is."""
    addr = find_address("2单元，1603 何 1袋")
    assert addr is not None and (addr.unit, addr.room) == ("2", "1603")
    entry = parse_entry("6单元, 702 钟 两袋", RICE)
    assert (entry.unit, entry.room, entry.name, entry.note) == ("6", "702", "钟", None)
