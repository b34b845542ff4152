"""xlsx sheets with openpyxl: Chinese headers, and cells that can never become formulas."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

REPLAY_HEADERS = ("序号", "楼号", "单元", "房号", "姓名", "物品", "电话", "备注", "状态", "原文")
STATUS_LABELS = {"active": "有效", "withdrawn": "已撤回"}


def put(ws: Worksheet, row: int, col: int, value: Any) -> Cell:
    """Write a value; text that a spreadsheet would read as a formula is forced to plain text."""
    cell: Cell = ws.cell(row=row, column=col)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.value = value
        cell.data_type = "s"  # stored as a string, never evaluated
        cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def write_table(ws: Worksheet, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Header row in bold, then the rows; columns sized for Chinese text."""
    for col, title in enumerate(headers, start=1):
        put(ws, 1, col, title).font = Font(bold=True)
    for r, values in enumerate(rows, start=2):
        for col, value in enumerate(values, start=1):
            put(ws, r, col, value)
    for col in range(1, len(headers) + 1):
        ws.column_dimensions[ws.cell(row=1, column=col).column_letter].width = 14


def items_text(items: Iterable[dict[str, Any]]) -> str:
    """蔬菜套餐×2份、湿巾×3包"""
    return "、".join(f"{i['name']}×{i['qty']}{i.get('unit') or ''}" for i in items)


def write_replay_sheet(result: dict[str, list[dict[str, Any]]], path: Path) -> None:
    """The worker's sheet of a replay: one row per entry, withdrawn ones marked."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "接龙名单"
    rows = [
        (
            o["seq"],
            o["building"],
            o["unit"],
            o["room"],
            o["name"],
            items_text(o["items"]),
            o["phone"],
            o["note"],
            STATUS_LABELS.get(o["status"], o["status"]),
            o["raw"],
        )
        for o in result["orders"]
    ]
    write_table(ws, REPLAY_HEADERS, rows)
    needs = wb.create_sheet("需求")
    write_table(
        needs,
        ("发送人", "类别", "紧急", "内容"),
        [
            (n["sender"], n["category"], "是" if n["urgent"] else "否", n["text"])
            for n in result["needs"]
        ],
    )
    wb.save(path)
