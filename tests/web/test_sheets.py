"""Sheets: Chinese headers, and text that looks like a formula stays text when reopened."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from bot.sheets import REPLAY_HEADERS, write_replay_sheet


def _order(note: str, name: str = "王") -> dict[str, object]:
    return {
        "seq": 1,
        "building": "3",
        "unit": "2",
        "room": "201",
        "name": name,
        "items": [{"name": "大米", "qty": 2, "unit": "袋"}],
        "phone": None,
        "note": note,
        "status": "active",
        "raw": note,
    }


def test_formula_like_cells_are_plain_text(tmp_path: Path) -> None:
    dangerous = ["=2*8元", "+86 138", "-1", "@SUM(A1)", "\t=1+1", "\r=1"]
    result = {"orders": [_order(n) for n in dangerous], "needs": []}
    path = tmp_path / "list.xlsx"
    write_replay_sheet(result, path)
    ws = load_workbook(path)["接龙名单"]
    assert tuple(c.value for c in ws[1]) == REPLAY_HEADERS
    notes = [ws.cell(row=r, column=8) for r in range(2, 2 + len(dangerous))]
    # xlsx is XML: a stored CR comes back as LF; what matters is that it is text, not a formula
    assert [c.value for c in notes] == [d.replace("\r", "\n") for d in dangerous]
    assert all(c.data_type == "s" for c in notes)


def test_items_and_status_are_readable(tmp_path: Path) -> None:
    order = _order("放门口") | {"status": "withdrawn"}
    path = tmp_path / "w.xlsx"
    write_replay_sheet({"orders": [order], "needs": []}, path)
    ws = load_workbook(path)["接龙名单"]
    assert ws.cell(row=2, column=6).value == "大米×2袋"
    assert ws.cell(row=2, column=9).value == "已撤回"
