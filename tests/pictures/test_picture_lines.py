"""OCR boxes to the 接龙's lines (pure): chrome dropped, bubbles found, wraps and blanks kept."""

from __future__ import annotations

from dataclasses import replace

import pytest

from handlers.jielong.repo import ParsedEntry, StoredEntry
from handlers.pictures.handler import LOW_CONFIDENCE, mark_entries
from handlers.pictures.lines import Rgb, TextBox, read_picture_lines
from handlers.pictures.repo import PictureLine
from handlers.pictures.typed import as_typed

PAGE = (237, 237, 237)  # the chat's background
GREEN = (149, 236, 105)  # my bubble
H = 32.0  # a text line's height in a 2x phone screenshot
PITCH = 42.0


def box(
    text: str,
    x0: float,
    row: float,
    *,
    width: float = 0.0,
    bg: Rgb = GREEN,
    conf: float = 0.99,
    room_left: float = 20.0,
    room_right: float = 200.0,
) -> TextBox:
    y0 = 300 + row * PITCH
    x1 = x0 + (width or 29 * len(text))
    crop = (int(x0), int(y0), int(x1), int(y0 + H))
    return TextBox(text, conf, x0, y0, x1, y0 + H, room_left, room_right, bg, crop)


def bubble(rows: list[str | None], first_row: float = 0.0, bg: Rgb = GREEN) -> list[TextBox]:
    """A bubble's rows (None: a blank line): text from x=135, the bubble's edge at x=645."""
    out = []
    for i, text in enumerate(rows):
        if text:
            row = box(text, 135, first_row + i, bg=bg)
            out.append(replace(row, room_right=645 - row.x1))
    return out


def chrome() -> list[TextBox]:
    """Title bar, a nickname and time, the buttons and the input bar of the simulator."""
    return [
        box("和平里团购群", 290, -6, bg=PAGE),
        box("刘洋 20:39", 114, -1.2, bg=PAGE, room_left=114, width=125),
        box("王", 688, 0, bg=(120, 89, 192), width=27),  # an avatar beside the header
        box("接龙", 40, 14, bg=(255, 255, 255), width=64),
        box("求助", 156, 14, bg=(255, 255, 255), width=64),
        box("输入消息，可粘贴整段接龙", 42, 16, bg=(255, 255, 255), width=382),
        box("发送", 665, 16, bg=(7, 193, 96), width=69),
    ]


def texts(boxes: list[TextBox]) -> list[str]:
    return [line.text for line in read_picture_lines(boxes).lines]


def test_the_bubble_with_the_header_is_the_list_and_chrome_is_dropped() -> None:
    rows = ["#接龙", "周六蔬菜团购 38元/份", None, "1. 3-2-502 李建国 2份", "2. 5-1-1102 刘洋 1份"]
    assert texts(chrome() + bubble(rows)) == [
        "#接龙",
        "周六蔬菜团购 38元/份",
        "",
        "1. 3-2-502 李建国 2份",
        "2. 5-1-1102 刘洋 1份",
    ]


def test_the_lowest_repost_on_the_screen_wins() -> None:
    older = bubble(["#接龙", "周六蔬菜团购", "1. 3-2-502 李建国 2份"], first_row=-8, bg=(255,) * 3)
    newer = bubble(["#接龙", "周六蔬菜团购", "1. 3-2-502 李建国 2份", "2. 7栋601 赵 1份"])
    assert texts(older + newer)[-1] == "2. 7栋601 赵 1份"


def test_a_wrapped_line_is_joined_and_a_full_line_before_an_entry_is_not() -> None:
    rows = [
        box("#接龙", 135, 0, room_right=400),
        box("【保供蔬菜包】68元/份，约8斤（青", 135, 1, room_right=30),  # ran into the edge
        box("菜 土豆 洋葱)", 135, 2, room_right=300),
        box("1. 3-2-502 李建国 西红柿3斤 鸡蛋1板", 135, 3, room_right=24),  # full, yet a new entry
        box("2. 5-1-1102 刘洋 1份", 135, 4),
    ]
    assert texts(rows) == [
        "#接龙",
        "【保供蔬菜包】68元/份，约8斤（青菜 土豆 洋葱)",
        "1. 3-2-502 李建国 西红柿3斤 鸡蛋1板",
        "2. 5-1-1102 刘洋 1份",
    ]


def test_paper_margins_do_not_wrap_and_boxes_of_one_row_are_spaced() -> None:
    paper = (250, 247, 238)
    rows = [
        box("#接龙", 80, 0, bg=paper, room_left=80, room_right=20),
        box("东北大米 45元/袋", 80, 1, bg=paper, room_left=80, room_right=20),
        box("1. 3-101", 80, 2, bg=paper, room_left=80, width=120),
        box("张 1袋", 230, 2, bg=paper, room_left=80, width=90),
    ]
    assert texts(rows) == ["#接龙", "东北大米 45元/袋", "1. 3-101 张 1袋"]


def test_a_list_cut_above_its_header_is_returned_without_it() -> None:
    read = read_picture_lines(chrome() + bubble(["4. 2-1-101 钱 1份", "5. 8-3-702 孙 2份"]))
    assert not read.has_header
    assert [line.text for line in read.lines] == ["4. 2-1-101 钱 1份", "5. 8-3-702 孙 2份"]


def test_a_picture_without_a_list_gives_no_lines() -> None:
    assert texts(chrome() + bubble(["今天天气不错", "大家辛苦了"])) == []


def entry(entry_id: int, seq: int, raw: str, readable: bool = True) -> StoredEntry:
    parsed = ParsedEntry(raw=raw, readable=readable)
    return StoredEntry(entry_id, 1, seq, "w", raw, "active", parsed)


def test_entries_get_their_lines_crop_and_the_doubtful_are_to_check() -> None:
    lines = [
        PictureLine("#接龙", 0.99, (10, 0, 90, 30)),
        PictureLine("1. 3-2-502 李建国 2份", 0.98, (10, 40, 300, 70)),
        PictureLine("2. 5-1-1102 刘洋 ±豆1份", LOW_CONFIDENCE - 0.1, (10, 80, 300, 110)),
        PictureLine("3. 门口那家", 0.97, (10, 120, 200, 150)),
        PictureLine("看不清", 0.95, (10, 160, 120, 190)),
    ]
    entries = [
        entry(11, 1, "3-2-502 李建国 2份"),
        entry(12, 2, "5-1-1102 刘洋 ±豆1份"),
        entry(13, 3, "门口那家\n看不清", readable=False),
    ]
    marks = mark_entries(entries, lines)
    assert [(m.entry_id, m.to_check) for m in marks] == [(11, False), (12, True), (13, True)]
    assert marks[0].crop == (10, 40, 300, 70)
    assert marks[2].crop == (10, 120, 200, 190)  # both lines of the two-line entry


@pytest.mark.parametrize(
    ("read", "typed"),
    [
        ("4。9-2-702 唐 1袋", "4. 9-2-702 唐 1袋"),  # a full-width ４． read as 4。
        ("、2栋1单元302 孔 前腿肉一斤半", "2栋1单元302 孔 前腿肉一斤半"),  # the 一 of 一、 lost
        ("3—1 - 102 孔 1箱", "3-1-102 孔 1箱"),
        ("16-1-104 崔—份", "16-1-104 崔一份"),
        ("例 3-2-201 张三 ±豆2斤", "例 3-2-201 张三 土豆2斤"),
        ("1瓶（独居，邻居代接)", "1瓶（独居，邻居代接）"),
        ("2-1-201 范 酒精x2 喷壶-1", "2-1-201 范 酒精x2 喷壶-1"),  # left alone
    ],
)
def test_what_ocr_does_to_a_line_is_undone(read: str, typed: str) -> None:
    assert as_typed(read) == typed


def test_a_wrapped_sentence_starting_with_jielong_is_no_header() -> None:
    """The bot's reply below a repost wraps as '…大家照常' / '接龙就行，…': the list above stays."""
    repost = bubble(["#接龙", "周六蔬菜团购 38元/份", "1. 3-2-502 李建国 2份"], first_row=-6)
    reply = bubble(
        [
            "已识别接龙「周六蔬菜团购」38元/份，大家照常",
            "接龙就行，名单我来汇总。如商品读错了，团长",
            "或工作人员回复：更正商品 名称 价格/单位",
            "（例：更正商品 蔬菜包 58元/份）。",
        ],
        bg=(255,) * 3,
    )
    assert texts(repost + reply + chrome()[3:]) == [
        "#接龙",
        "周六蔬菜团购 38元/份",
        "1. 3-2-502 李建国 2份",
    ]
