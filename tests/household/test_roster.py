"""Reading a roster's rows: columns by header names, addresses as offices write them, flags."""

from __future__ import annotations

import pytest

from handlers.household.roster import (
    compose_address,
    header_field,
    read_address,
    read_flags,
    read_roster,
)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("楼 号", "building"),
        ("栋", "building"),
        ("单元", "unit"),
        ("门牌号", "room"),
        ("房号", "room"),
        ("户主姓名", "name"),
        ("联系电话", "phone"),
        ("手机", "phone"),
        ("备注（特殊人群）", "note"),
        ("标记", "note"),
        ("住址", "address"),
        ("楼层", None),
        ("序号", None),
    ],
)
def test_header_names(header: str, field: str | None) -> None:
    assert header_field(header) == field


@pytest.mark.parametrize(
    ("cells", "address"),
    [
        (("3", "2", "201"), ("3", "2", "201")),
        (("３号楼", "２单元", "２０１室"), ("3", "2", "201")),
        (("A座", "", "1203"), ("A", None, "1203")),
        (("三", "二", "502"), ("3", "2", "502")),
        (("", "", "3-2-201"), ("3", "2", "201")),
        (("3", "2", "二零一"), ("3", "2", "201")),  # a room in spoken digits
        (("3", "2", "201 王"), None),
    ],
)
def test_addresses(cells: tuple[str, str, str], address: tuple[str, ...] | None) -> None:
    assert read_address(compose_address(*cells)) == address


def test_flags_from_notes() -> None:
    assert read_flags("独居，行动不便") == ("独居老人", "行动不便")
    assert read_flags("孕产妇 需送药") == ("孕妇",)
    assert read_flags("租户") == ()


def test_rows_placed_reviewed_and_blank() -> None:
    rows = [
        (1, ["名单", "", ""]),
        (2, ["房号", "姓名", "备注"]),
        (3, ["3-2-201", "王", "独居老人"]),
        (4, ["", "", ""]),
        (5, ["3-2-201", "王二", ""]),
        (6, ["不详", "李", ""]),
        (7, ["", "赵", ""]),
    ]
    read = read_roster(rows)
    assert read is not None and read.header_line == 2 and read.blank == 1
    assert [r.label() for r in read.rows] == ["3-2-201"]
    assert [(r.line, r.reason) for r in read.review] == [
        (5, "与第3行同一户"),
        (6, "地址读不懂"),
        (7, "没有房号"),
    ]
    assert read.flags == {"独居老人": 1}
    assert read_roster([(1, ["姓名", "电话"])]) is None
