"""Lists pasted from other apps under a 接龙 header: a 快团团 export numbered by 跟团号, rows
copied from a WPS or Excel sheet (cells split by tabs, a column-title row, empty cells) and
residents who copy the table's form with runs of spaces, read as the worker's list shows them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from models.chain import ChainEntry
from tests.campaign_support import Chat_, Person, new_factory, seed


def entries(chat: Chat_, factory: Any) -> list[tuple[Any, ...]]:
    """(seq, author, building, unit, room, name, items, phone, note, status) of each entry."""
    with factory() as db:
        rows = db.scalars(select(ChainEntry).order_by(ChainEntry.seq))
        return [
            (
                e.seq,
                e.author_id,
                e.building,
                e.unit,
                e.room,
                e.name,
                [(i["name"], i["qty"], i["unit"]) for i in e.items],
                e.phone,
                e.note,
                e.status,
            )
            for e in rows
        ]


def group(tmp_path: Path) -> tuple[Chat_, Any]:
    factory = new_factory(tmp_path)
    seed(factory, [Person("u1", "王", "3", "2", "201")], ["g1"])
    return Chat_(factory), factory


KTT_HEAD = (
    "【接龙】阳光小区 鲜鸡蛋第3期（快团团同步）\n"
    "商品：\n①土鸡蛋 30枚/箱 48元/箱\n②鸭蛋 20枚/盒 30元/盒\n"
    "团长备注：周六上午到货，报跟团号取货\n\n"
)


def test_a_kuaituantuan_export_numbered_by_its_group_order_number(tmp_path: Path) -> None:
    """'跟团号：N' numbers the export's rows; a masked name (陈**) is the name as the app
    shows it; a bare ×N takes the product's unit; a 备注 is the note."""
    chat, factory = group(tmp_path)
    chat.send(
        "g1",
        "w1",
        KTT_HEAD + "跟团号：1  陈**  6号楼1单元301  土鸡蛋 ×2\n"
        "跟团号：2  周*芳  9#2-1202  鸭蛋 ×1  土鸡蛋 ×1  备注：放快递柜\n",
    )
    chat.send(
        "g1",
        "u1",
        KTT_HEAD + "跟团号：1  陈**  6号楼1单元301  土鸡蛋 ×2\n"
        "跟团号：2  周*芳  9#2-1202  鸭蛋 ×1  土鸡蛋 ×1  备注：放快递柜\n"
        "3. 3-2-201 王 鸭蛋1盒",
    )
    assert entries(chat, factory) == [
        (1, "w1", "6", "1", "301", "陈**", [("土鸡蛋", 2, "箱")], None, None, "active"),
        (
            2,
            "w1",
            "9",
            "2",
            "1202",
            "周*芳",
            [("鸭蛋", 1, "盒"), ("土鸡蛋", 1, "箱")],
            None,
            "放快递柜",
            "active",
        ),
        (3, "u1", "3", "2", "201", "王", [("鸭蛋", 1, "盒")], None, None, "active"),
    ]


def test_a_resync_renumbers_the_export_and_drops_a_refunded_row(tmp_path: Path) -> None:
    """The app renumbers after a refund: no row is new again, the refunded row (the worker's
    own) is withdrawn, a resident's line missing from her paste stays."""
    chat, factory = group(tmp_path)
    rows = "跟团号：1  陈**  6号楼1单元301  土鸡蛋 ×2\n跟团号：2  林  5号楼2单元502  鸭蛋 ×3\n"
    chat.send("g1", "w1", KTT_HEAD + rows)
    chat.send("g1", "u1", KTT_HEAD + rows + "3. 3-2-201 王 鸭蛋1盒")
    chat.send("g1", "w1", KTT_HEAD + "跟团号：1  林  5号楼2单元502  鸭蛋 ×3\n")
    got = [
        (seq, author, room, status)
        for seq, author, _, _, room, *_, status in entries(chat, factory)
    ]
    assert got == [
        (1, "w1", "301", "withdrawn"),
        (2, "w1", "502", "active"),
        (3, "u1", "201", "active"),
    ]


SHEET_HEAD = "#接龙\n桂花苑 东北大米团购 25元/袋\n表格里是电话报的，其他人往下接\n\n"


def test_rows_pasted_from_a_sheet_are_read_by_their_columns(tmp_path: Path) -> None:
    """Tab-separated rows under a column-title row: building, unit, room, name, count, phone;
    an empty unit cell is no unit, an empty phone cell no phone; the title row is no entry."""
    chat, factory = group(tmp_path)
    sheet = (
        "楼号\t单元\t房号\t姓名\t数量\t电话\n"
        "6\t2\t1103\t蒋秀英\t3\t13712345678\n"
        "9\t\t402\t邵\t1\t\n"
    )
    chat.send("g1", "w1", SHEET_HEAD + sheet)
    chat.send("g1", "u1", SHEET_HEAD + sheet + "3. 3-2-201 王 2袋")
    assert entries(chat, factory) == [
        (
            1,
            "w1",
            "6",
            "2",
            "1103",
            "蒋秀英",
            [("东北大米", 3, "袋")],
            "13712345678",
            None,
            "active",
        ),
        (2, "w1", "9", None, "402", "邵", [("东北大米", 1, "袋")], None, None, "active"),
        (3, "u1", "3", "2", "201", "王", [("东北大米", 2, "袋")], None, None, "active"),
    ]


def test_a_row_typed_like_the_table_with_runs_of_spaces_is_a_new_entry(tmp_path: Path) -> None:
    """'8  1  702  柏  2' copies the sheet's columns with spaces and no list number: a new
    entry of its own (not the line above continued), building 8, unit 1, room 702."""
    chat, factory = group(tmp_path)
    head = SHEET_HEAD + "1. 3-2-201 王 2袋\n"
    chat.send("g1", "u1", head)
    chat.send("g1", "u2", head + "8  1  702  柏  2")
    assert [e[1:7] for e in entries(chat, factory)] == [
        ("u1", "3", "2", "201", "王", [("东北大米", 2, "袋")]),
        ("u2", "8", "1", "702", "柏", [("东北大米", 2, "袋")]),
    ]
