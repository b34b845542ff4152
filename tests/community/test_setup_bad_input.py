"""Bad input while setting up a community: a clear answer, nothing half-stored.

Roster files: a workbook without a roster sheet, 50,000 rows, formulas in the columns read,
something that is not xlsx. Codes: expired, reused, guessed (locked after five tries, even
for a right code), shown in a group (voided). Groups: a resident, a worker of another
community, an unknown name.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from models.audit import AuditLog
from models.base import utcnow
from models.community import Household, Invitation
from models.setup_repo import create_invitation, find_community
from tests.setup_support import Cli, Sim, code_in, roster_workbook, write_config

COMMUNITY = "和平里社区"


@pytest.fixture
def cli(tmp_path: Path, settings: Settings, app: Flask, capsys: pytest.CaptureFixture[str]) -> Cli:
    cli = Cli(write_config(tmp_path, settings), capsys)
    assert cli("community", "add", COMMUNITY)[0] == 0
    return cli


def _households(factory: sessionmaker[Session]) -> int:
    with factory() as db:
        return int(db.scalar(select(func.count()).select_from(Household)) or 0)


def _import(cli: Cli, path: Path) -> tuple[int, str]:
    return cli("roster", "import", str(path), "--community", COMMUNITY)


def test_a_workbook_without_a_roster_is_refused(
    cli: Cli, tmp_path: Path, session_factory: sessionmaker[Session]
) -> None:
    wb = Workbook()
    wb.active.title = "值班表"
    wb.active.append(["日期", "值班人", "电话"])
    wb.active.append(["4月10日", "王", "13800000000"])
    wb.save(tmp_path / "duty.xlsx")
    status, out = _import(cli, tmp_path / "duty.xlsx")
    assert status == 1 and "值班表" in out and "没找到住户名单" in out
    status, out = cli(
        "roster", "import", str(roster_workbook(tmp_path / "r.xlsx", 20)), "--community",
        COMMUNITY, "--sheet", "Sheet9",
    )  # fmt: skip
    assert status == 1 and "没有叫“Sheet9”的工作表" in out and "住户名单" in out
    assert _households(session_factory) == 0


def test_fifty_thousand_rows_are_refused_whole(
    cli: Cli, tmp_path: Path, session_factory: sessionmaker[Session]
) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("名单")
    ws.append(["楼号", "单元", "房号", "姓名"])
    for i in range(50_000):
        ws.append([i // 400 + 1, 1, 101 + i % 400, f"住户{i}"])
    wb.save(tmp_path / "big.xlsx")
    status, out = _import(cli, tmp_path / "big.xlsx")
    assert status == 1 and "50,000 行" in out and "上限 10,000 行" in out
    assert _households(session_factory) == 0


def test_formulas_in_the_columns_read_are_refused(
    cli: Cli, tmp_path: Path, session_factory: sessionmaker[Session]
) -> None:
    path = roster_workbook(tmp_path / "r.xlsx", 30)
    wb = load_workbook(path)
    wb["住户名单"]["C10"] = '=TEXT(ROW()*100+1,"0")'
    wb["住户名单"]["G3"] = "=1+1"  # a column nobody reads: no harm
    wb.save(path)
    status, out = _import(cli, path)
    assert status == 1 and "C10（房号）" in out and "选择性粘贴→数值" in out
    assert _households(session_factory) == 0


def test_not_an_xlsx_file(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "名单.xlsx").write_text("楼号,单元,房号\n3,2,201\n", encoding="utf-8")
    status, out = _import(cli, tmp_path / "名单.xlsx")
    assert status == 1 and "不是 Excel 的 .xlsx 文件" in out
    assert cli("roster", "import", str(tmp_path / "none.xlsx"), "--community", COMMUNITY)[0] == 1
    assert "没有叫“幸福里”的社区" in _import_to(cli, tmp_path, "幸福里")


def _import_to(cli: Cli, tmp_path: Path, community: str) -> str:
    path = roster_workbook(tmp_path / "r.xlsx", 10)
    return cli("roster", "import", str(path), "--community", community)[1]


def test_codes_expire_work_once_and_guessing_gets_nothing(
    cli: Cli, client: FlaskClient, session_factory: sessionmaker[Session]
) -> None:
    sim = Sim(client)
    with session_factory.begin() as db:  # a code made yesterday, valid for 24 hours
        community = find_community(db, COMMUNITY)
        assert community is not None
        old, _ = create_invitation(db, community, "worker", "cli", utcnow() - timedelta(hours=25))
    assert "已过期" in sim.send("u-late", "u-late", f"绑定 {old}")

    code = code_in(cli("invite", "--community", COMMUNITY)[1])
    assert "请私聊" in sim.send("g-1", "u-loud", f"绑定 {code}")  # in a group: voided
    assert "已过期" in sim.send("u-loud", "u-loud", f"绑定 {code}")

    code = code_in(cli("invite", "--community", COMMUNITY, "--role", "admin")[1])
    for guess in ("AAAA-AAAA", "BBBB-BBBB", "CCCC-CCCC", "DDDD-DDDD", "EEEE-EEEE"):
        assert "绑定码不对" in sim.send("u-guess", "u-guess", f"绑定 {guess}")
    assert "尝试次数太多" in sim.send("u-guess", "u-guess", f"绑定 {code}")
    assert "工作人员用的命令" in sim.send("u-guess", "u-guess", "查看需求")  # still a resident
    assert "管理员" in sim.send("u-admin", "u-admin", f"绑定 {code}")
    assert "已经用过" in sim.send("u-again", "u-again", f"绑定 {code}")
    with session_factory() as db:
        failed = db.scalar(
            select(func.count())
            .select_from(AuditLog)
            .where(AuditLog.action == "invite.bind_failed")
        )
        used = db.scalars(select(Invitation).where(Invitation.used_at.is_not(None))).all()
    assert failed == 9  # expired ×2, guesses ×5, locked, reused
    assert [(i.used_by, i.role) for i in used] == [("u-admin", "admin")]


def test_assigning_a_group_is_for_its_workers(cli: Cli, client: FlaskClient) -> None:
    sim = Sim(client)
    assert cli("community", "add", "幸福里社区")[0] == 0
    code = code_in(cli("invite", "--community", "幸福里社区")[1])
    assert "绑定成功" in sim.send("w-x", "w-x", f"绑定 {code}")
    assert "没有叫“和平社区”的社区" in sim.send("g-2", "w-x", "本群属于 和平社区")
    assert "不是「和平里社区」的工作人员" in sim.send("g-2", "w-x", f"本群属于 {COMMUNITY}")
    assert "已归属「幸福里社区」" in sim.send("g-2", "w-x", "本群属于 幸福里社区")
    assert "已经属于「幸福里社区」" in sim.send("g-2", "w-x", "本群属于 幸福里社区")
    assert "请在要归属的群里" in sim.send("w-x", "w-x", "本群属于 幸福里社区")
    code = code_in(cli("invite", "--community", COMMUNITY)[1])
    assert "一个账号只服务一个社区" in sim.send("w-x", "w-x", f"绑定 {code}")
