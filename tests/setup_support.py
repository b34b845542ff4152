"""Helpers for the community set-up tests: the CLI on the app's database, the simulator as a
person uses it, and roster workbooks built with openpyxl."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.cli import main
from bot.config import Settings

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
HALFWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
NOTES = ("独居老人", "行动不便", "孕产妇", "", "", "", "")


def write_config(tmp_path: Path, settings: Settings) -> Path:
    """A config file pointing the CLI at the app's database."""
    path = tmp_path / "linli.toml"
    path.write_text(f'seed_demo = false\n[database]\nurl = "{settings.database.url}"\n')
    return path


@dataclass
class Cli:
    """`python -m bot …` in-process, as an operator types it; returns (status, stdout+stderr)."""

    config: Path
    capsys: pytest.CaptureFixture[str]

    def __call__(self, *args: str) -> tuple[int, str]:
        self.capsys.readouterr()
        status = main(["--config", str(self.config), *args])
        out = self.capsys.readouterr()
        return status, out.out + out.err


@dataclass
class Sim:
    """The simulator's JSON API, as its page calls it."""

    client: FlaskClient

    def send(self, chat: str, sender: str, text: str, name: str = "") -> str:
        body = {"chat": chat, "sender": sender, "text": text, "sender_name": name or sender}
        got = self.client.post("/sim/api/send", json=body).get_json()
        assert got["ok"], got
        return str(got["reply"] or "")

    def notices(self, chat: str) -> list[str]:
        data = self.client.get(f"/sim/api/messages?chat={chat}").get_json()
        return [n["text"] for n in data["notices"]]


def code_in(text: str) -> str:
    found = re.search(r"绑定码：(\S+)", text)
    assert found, text
    return found.group(1)


def roster_workbook(path: Path, households: int = 300) -> Path:
    """A roster as offices keep them: a merged title, 楼号 merged down each building, blank rows,
    a duplicated room, full-width digits in some rows, flags in the notes. `households` data
    rows, one of them the duplicate; addresses are B-U-F0R (building 1.., unit 1-2, room)."""
    wb = Workbook()
    wb.active.title = "填表说明"
    wb.active["A1"] = "请按列填写，一户一行。"
    ws = wb.create_sheet("住户名单")
    ws.append(["和平里社区住户名单（2022年4月）"])
    ws.merge_cells("A1:F1")
    ws.append(["楼 号", "单元", "门牌号", "户主姓名", "联系电话", "备注（特殊人群）"])
    rows = [_row(i) for i in range(households - 1)]
    rows.insert(40, [*rows[3][:3], "重复登记", "", ""])  # the duplicate room
    start = ws.max_row + 1
    for n, row in enumerate(rows):
        if n in (25, 150):
            ws.append([])  # blank rows between blocks
        ws.append(row)
    _merge_buildings(ws, start)
    wb.save(path)
    return path


def _row(i: int) -> list[str]:
    building, rest = divmod(i, 60)
    unit, room = divmod(rest, 30)
    floor, door = divmod(room, 2)
    address = [str(building + 1), str(unit + 1), f"{floor + 1}0{door + 1}"]
    if i % 7 == 5:
        address = [part.translate(FULLWIDTH) for part in address]
    return [*address, f"住户{i}", f"1380013{i:04d}", NOTES[i % len(NOTES)]]


def _merge_buildings(ws: Worksheet, start: int) -> None:
    """楼号 cells of consecutive rows of one building merged into one (blank rows end a run)."""
    runs: list[tuple[int, int]] = []
    key: str | None = None
    for r in range(start, ws.max_row + 1):
        cell = ws.cell(r, 1).value
        this = None if cell is None else str(cell).translate(HALFWIDTH)
        if this is not None and this == key:
            runs[-1] = (runs[-1][0], r)
        elif this is not None:
            runs.append((r, r))
        key = this
    for first, last in runs:
        if last > first:
            ws.merge_cells(start_row=first, start_column=1, end_row=last, end_column=1)
