"""Setting up a real community on a fresh database, as an operator and a worker would:
`community add`, `invite`, `绑定` in the simulator, a 300-row roster imported (and imported
again: nothing changes), a new group announced and assigned, then a 接龙 and an urgent need
from a flagged household landing in that community."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from models.audit import AuditLog
from models.campaign import Campaign, Order
from models.community import Chat, Community, Household
from models.need import Need
from tests.admin_support import login, member_id
from tests.setup_support import Cli, Sim, code_in, roster_workbook, write_config

COMMUNITY = "和平里社区"
GROUP = "g-heping-3"
WORKER = "wx-wang"
OPEN = (
    "开团：硕诚蔬菜套餐\n商品：蔬菜套餐 38元/份 每户限2份\n"
    "截单：明晚8点\n到货：后天下午3点\n取货：社区活动中心"
)


@pytest.fixture
def cli(tmp_path: Path, settings: Settings, app: Flask, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(write_config(tmp_path, settings), capsys)


def _count(factory: sessionmaker[Session], model: type[object]) -> int:
    with factory() as db:
        return int(db.scalar(select(func.count()).select_from(model)) or 0)


def test_a_community_set_up_without_sql(
    cli: Cli, client: FlaskClient, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    sim = Sim(client)
    assert cli("community", "add", COMMUNITY) == (0, f"已添加社区：{COMMUNITY}\n")

    # a worker by invitation, bound in the simulator 1:1
    status, out = cli("invite", "--community", COMMUNITY)
    assert status == 0 and f"成为「{COMMUNITY}」的工作人员" in out
    assert "绑定成功" in sim.send(WORKER, WORKER, f"绑定 {code_in(out).lower()}", "王士梅")
    assert "已经用过" in sim.send("wx-other", "wx-other", f"绑定 {code_in(out)}")

    # the roster: 300 rows (one a duplicate room), merged cells, blank rows, full-width digits
    sheet = roster_workbook(tmp_path / "名单.xlsx")
    status, out = cli("roster", "import", str(sheet), "--community", COMMUNITY)
    assert status == 0, out
    assert "已导入：新住户 299 户，并入已有住户 0 户，没有变化 0 户，待核实 1 行，空行 2 行" in out
    assert "第44行" in out and "与第6行同一户" in out
    assert "独居老人 43 户" in out and "孕妇 43 户" in out
    audits = _count(session_factory, AuditLog)
    status, again = cli("roster", "import", str(sheet), "--community", COMMUNITY)
    assert status == 0 and "没有变化 299 户" in again and "没有改动" in again
    assert _count(session_factory, AuditLog) == audits
    with session_factory() as db:
        homes = {(h.building, h.unit, h.room): h for h in db.scalars(select(Household))}
    assert len(homes) == 299 and homes[("1", "1", "101")].flags == ["独居老人"]
    assert homes[("1", "1", "202")].name == "住户3"  # the first of the duplicated rows
    assert homes[("1", "1", "602")].phone == "13800130011"  # row 11 had full-width digits

    # a group heard for the first time waits; its messages are kept; the worker is told once
    assert "#" in sim.send(GROUP, "r-9", "请问社区有没有酒精卖？")
    sim.send(GROUP, "r-9", "谢谢")
    told = [t for t in sim.notices(WORKER) if "还没有归属社区" in t]
    assert len(told) == 1 and GROUP in told[0]
    assert "工作人员用的命令" in sim.send(GROUP, "r-9", f"本群属于 {COMMUNITY}")
    reply = sim.send(GROUP, WORKER, f"本群属于 {COMMUNITY}")
    assert f"本群已归属「{COMMUNITY}」" in reply and "3条消息" in reply
    assert "酒精" in sim.send(WORKER, WORKER, "查看需求")  # the need from before counts

    # a 接龙 in that group: orders of the community; a room not on the roster is 待核实
    assert "已开团" in sim.send(GROUP, WORKER, OPEN)
    template = sim.notices(GROUP)[-1]
    lines = ["1-1-101 蔬菜套餐1份", "3-2-2001 王 蔬菜套餐2份"]
    post = template + "\n\n" + "\n".join(f"{i}. {ln}" for i, ln in enumerate(lines, 1))
    sim.send(GROUP, "r-0", post)
    assert any("3-2-2001 不在住户名单" in t for t in sim.notices(WORKER))
    with session_factory() as db:
        community = db.scalars(select(Community)).one()
        campaign = db.scalars(select(Campaign)).one()
        orders = {o.no: o for o in db.scalars(select(Order))}
        chat = db.scalars(select(Chat).where(Chat.external_id == GROUP)).one()
    assert campaign.community_id == community.id == chat.community_id
    assert orders[1].household_id == homes[("1", "1", "101")].id and orders[1].flags == []
    assert "not_on_roster" in orders[2].flags

    # an urgent need from a flagged household (独居老人 on the roster) alerts the worker
    assert "1-1-101" in sim.send(GROUP, "r-0", "登记 1-1-101")
    assert "紧急" in sim.send(GROUP, "r-0", "帮忙代买点挂面，尽快送来，谢谢")
    alert = sim.notices(WORKER)[-1]
    assert "1-1-101" in alert and "独居老人" in alert
    with session_factory() as db:
        need = db.scalars(select(Need).where(Need.urgent.is_(True))).one()
    assert need.community_id == community.id

    # the worker page: the roster name fills the missing name, the 待核实 reason is shown
    login(client, member_id(session_factory, WORKER))
    page = client.get(f"/admin/campaigns/{campaign.id}").get_data(as_text=True)
    assert "住户0" in page and "（登记）" in page and "不在住户名单" in page
    assert "帮忙代买点挂面" in client.get("/admin/needs").get_data(as_text=True)
