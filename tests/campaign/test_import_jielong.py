"""A 群接龙 接龙明细 export into a campaign (issue 17), through the worker page (upload → preview
→ 确认导入) and through the real command line (`python -m bot import`, also without
--campaign when exactly one campaign is still taking orders). No row is lost: each is placed,
merged, 待核实 or skipped, and the preview stores nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from models.campaign import Campaign, Order, OrderLine
from models.community import Household
from models.payment import OrderImport, Payment
from tests.admin_support import login, member_id
from tests.import_samples import jielong_rows, jielong_workbook, xlsx_bytes
from tests.import_support import WORKER, open_campaign, say, snapshot, upload

ROOT = Path(__file__).resolve().parents[2]
SUMMARY = (
    "群接龙导出导入「硕诚蔬菜套餐」：共 9 行，新建订单 5 行，合并到已有订单 1 行，"
    "待核实 2 行，未导入 1 行（已取消 1 行）。"
)


@pytest.fixture
def campaign(app: Flask, client: FlaskClient, session_factory: sessionmaker[Session]) -> int:
    """A campaign opened in the demo's 团购群, where 张秀英 (3-2-201) has 接龙'd one 份."""
    return open_campaign(app, client, session_factory)


def lines_by_address(factory: sessionmaker[Session]) -> dict[str, set[tuple[str, float]]]:
    """Every order line, by the household's 楼-单元-室 ('?' for none)."""
    out: dict[str, set[tuple[str, float]]] = {}
    with factory() as s:
        rows = s.execute(
            select(
                Household.building, Household.unit, Household.room, OrderLine.name, OrderLine.qty
            )
            .select_from(OrderLine)
            .join(Order, Order.id == OrderLine.order_id)
            .outerjoin(Household, Household.id == Order.household_id)
        )
        for b, u, r, name, qty in rows:
            out.setdefault("-".join(p for p in (b, u, r) if p) or "?", set()).add((name, qty))
    return out


def paid_total(factory: sessionmaker[Session]) -> int:
    with factory() as s:
        return s.scalar(select(func.sum(Payment.amount)).where(Payment.kind == "payment")) or 0


def test_jielong_export_through_the_page_loses_no_row(
    client: FlaskClient, session_factory: sessionmaker[Session], campaign: int
) -> None:
    csrf = login(client, member_id(session_factory, WORKER))
    data = xlsx_bytes(jielong_workbook())
    before = snapshot(session_factory)

    preview = upload(client, csrf, campaign, data, name="群接龙.xlsx")
    assert preview.status_code == 200
    page = preview.text
    assert SUMMARY.removesuffix("。") in page and 'id="import-confirm"' in page
    assert (
        "合并到 1 号" in page
        and "没有门牌号" in page
        and "商品“农家土鸡 约2斤”不是本团商品" in page
    )
    # below the title and export-time rows; the 接龙号's two product rows are one order
    assert "<td>5、6</td><td>2</td><td>建国🌿</td><td>3-2-502</td>" in page
    assert snapshot(session_factory) == before  # a preview stores nothing

    token = page.split('name="token" value="')[1].split('"')[0]
    done = client.post(
        f"/admin/campaigns/{campaign}/import/confirm",
        data={"csrf_token": csrf, "token": token, "filename": "群接龙.xlsx"},
        follow_redirects=True,
    )
    assert SUMMARY in done.text
    with session_factory() as s:
        [record] = s.scalars(select(OrderImport)).all()
        assert record.counts == {"rows": 9, "placed": 5, "merged": 1, "unplaced": 2, "skipped": 1}
        homes = {(h.building, h.unit, h.room): h for h in s.scalars(select(Household))}
    assert jielong_rows() == 9
    lines = lines_by_address(session_factory)
    assert lines["3-2-201"] == {("蔬菜套餐", 3.0)}  # 1 from the 接龙 + 2 from the export
    assert lines["3-2-502"] == {("蔬菜套餐", 2.0), ("鸡蛋", 1.0)}  # one 接龙号, two rows
    assert lines["3-1-301"] == {("蔬菜套餐", 1.0)} and lines["5-3-602"] == {("蔬菜套餐", 2.0)}
    assert lines["11-2-1101"] == {("鸡蛋", 2.0)}
    assert lines["9-1-1201"] == {("农家土鸡 约2斤", 1.0)}  # 待核实: not sold here
    assert lines["?"] == {("蔬菜套餐", 1.0)}  # 待核实: 门牌号 left empty
    assert "7-2-401" not in lines  # 已退款 in the export
    # 已支付 rows bring their 金额 as payments: 76 + 91 + 38 + 76 + 45 + 30; 丽丽 未支付
    assert paid_total(session_factory) == 35600
    assert homes[("5", "3", "602")].phone == "13900153602"
    campaign_page = client.get(f"/admin/campaigns/{campaign}").text
    assert "无地址" in campaign_page and "商品不明" in campaign_page


def cli(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m bot --config … import …` as an operator runs it."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(config), "import", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def config(settings: Settings, tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "{settings.database.url}"\n', encoding="utf-8")
    return path


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "群接龙接龙明细.xlsx"
    jielong_workbook().save(path)
    return path


def test_command_line_without_campaign_uses_the_one_open_campaign(
    session_factory: sessionmaker[Session], campaign: int, config: Path, export: Path
) -> None:
    before = snapshot(session_factory)
    shown = cli(config, str(export))
    assert shown.returncode == 0, shown.stderr
    assert "导入到团购 1「硕诚蔬菜套餐」（唯一进行中的团购）。" in shown.stdout
    assert SUMMARY in shown.stdout and "--yes" in shown.stdout
    assert "第5、6行 2：新建订单 | 3-2-502 | 蔬菜套餐×2、鸡蛋×1" in shown.stdout
    assert "第8行 4：待核实：没有门牌号" in shown.stdout
    assert snapshot(session_factory) == before

    stored = cli(config, str(export), "--yes")
    assert stored.returncode == 0, stored.stderr
    assert stored.stdout.strip().endswith(SUMMARY)
    with session_factory() as s:
        assert s.scalar(select(OrderImport.filename)) == "群接龙接龙明细.xlsx"
        assert s.scalar(select(OrderImport.campaign_id)) == campaign
    again = cli(config, str(export), "--yes")
    assert again.returncode == 1 and "没有重复导入" in again.stdout


def test_command_line_without_campaign_lists_the_candidates(
    client: FlaskClient, session_factory: sessionmaker[Session], campaign: int, config: Path,
    export: Path,
) -> None:  # fmt: skip
    say(client, WORKER, "开团：大米\n商品：东北大米 60元/袋\n截单：明天晚上8点")
    before = snapshot(session_factory)
    two = cli(config, str(export))
    assert two.returncode == 2
    assert "有几个团购对得上：2「大米」、1「硕诚蔬菜套餐」。请用编号：--campaign 编号" in two.stderr
    assert snapshot(session_factory) == before

    named = cli(config, str(export), "--campaign", str(campaign))  # the way out it names
    assert named.returncode == 0 and SUMMARY in named.stdout


def test_command_line_without_campaign_when_none_is_open(
    session_factory: sessionmaker[Session], campaign: int, config: Path, export: Path
) -> None:
    with session_factory.begin() as s:
        s.get_one(Campaign, campaign).status = "done"  # a batch finished long ago
    before = snapshot(session_factory)
    none = cli(config, str(export))
    assert none.returncode == 2
    assert "没有进行中的团购可以导入。请先开团，或用 --campaign 编号 指定。" in none.stderr
    assert snapshot(session_factory) == before
