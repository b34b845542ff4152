"""Campaign page and pickup desk: filters, bulk confirm/reject, adjust, allocation, slots,
待核实 lines, pickup by code and address, double pickup refused; other communities 404."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from handlers import texts
from models.audit import AuditLog
from models.campaign import Order, OrderLine
from models.chain import ChainEntry
from models.messaging import Notice
from tests.admin_support import World, create_tables, login, runtime_of, seed


@pytest.fixture
def world(app: Flask, session_factory: sessionmaker[Session]) -> World:
    create_tables(runtime_of(app).engine)
    return seed(session_factory)


def statuses(factory: sessionmaker[Session], ids: tuple[int, ...]) -> list[str]:
    with factory() as db:
        return [db.get_one(Order, i).status for i in ids]


def test_campaign_page_sections(client: FlaskClient, world: World) -> None:
    login(client, world.worker_a)
    html = client.get(f"/admin/campaigns/{world.campaign_a}").text
    for text in (
        "周六蔬菜团购",
        "待确认",
        "迟到",
        "确认所选",
        "分配",
        "缺货",
        "取货时段",
        "待核实",
        "老地方 老样子",
        "各楼订单数",
        "各时段取货",
        "138****0201",
    ):
        assert text in html, text
    assert "13800130201" not in html
    listing = client.get("/admin/campaigns").text
    assert "周六蔬菜团购" in listing and "B社区大米" not in listing


def test_filters_by_building_and_status(client: FlaskClient, world: World) -> None:
    login(client, world.worker_a)
    base = f"/admin/campaigns/{world.campaign_a}"
    five = client.get(f"{base}?building=5").text
    assert 'id="order-2"' in five and 'id="order-1"' not in five
    ready = client.get(f"{base}?status=ready").text
    assert 'id="order-3"' in ready and 'id="order-2"' not in ready


def test_bulk_confirm_and_reject(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    csrf = login(client, world.worker_a)
    url = f"/admin/campaigns/{world.campaign_a}/orders"
    p1, p2 = world.pending_orders
    resp = client.post(
        url,
        data={
            "csrf_token": csrf,
            "action": "confirm",
            "order": [str(p1), str(p2), str(world.ready_order), str(world.order_b)],
        },
    )
    assert resp.status_code == 302
    assert statuses(session_factory, (p1, p2, world.ready_order, world.order_b)) == [
        "confirmed",
        "confirmed",
        "ready",
        "ready",
    ]  # only waiting orders of this campaign
    assert "已确认 2 单" in client.get(resp.headers["Location"]).text
    with session_factory() as db:
        actors = db.scalars(select(AuditLog.actor).where(AuditLog.action == "order.confirmed"))
        assert list(actors) == ["w-a", "w-a"]
    picked = client.post(  # what may be rejected is what 拒绝 in chat may reject
        url, data={"csrf_token": csrf, "action": "confirm", "order": [str(world.order_b)]}
    )
    assert "没有可操作的订单" in client.get(picked.headers["Location"]).text


def test_reject_with_reason(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    csrf = login(client, world.worker_a)
    p1, _ = world.pending_orders
    client.post(
        f"/admin/campaigns/{world.campaign_a}/orders",
        data={"csrf_token": csrf, "action": "reject", "order": str(p1), "reason": "重复"},
    )
    with session_factory() as db:
        order = db.get_one(Order, p1)
        assert (order.status, order.reason) == ("rejected", "重复")


def test_rejecting_on_the_page_tells_the_household_as_chat_does(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    """One rejection for chat and page: the order's chat gets REJECTED_NOTICE, keyed per
    order, so a rejection by page and by chat never tells the household twice."""
    csrf = login(client, world.worker_a)
    p1, _ = world.pending_orders
    url = f"/admin/campaigns/{world.campaign_a}/orders"
    for ticked in ([str(p1)], [str(p1), str(world.ready_order)]):
        client.post(url, data={"csrf_token": csrf, "action": "reject", "order": ticked})
    with session_factory() as db:
        told = db.execute(
            select(Notice.channel, Notice.target, Notice.text, Notice.dedupe_key)
            .where(Notice.dedupe_key.like("reject:%"))
            .order_by(Notice.id)
        ).all()
    assert [(ch, target, key) for ch, target, _text, key in told] == [
        ("sim", "g-a", f"reject:{p1}"),
        ("sim", "g-a", f"reject:{world.ready_order}"),
    ]
    expected = texts.REJECTED_NOTICE.format(
        address="3-2-201", title="周六蔬菜团购", no=1, reason=texts.REJECT_DEFAULT_REASON
    )
    assert told[0].text == expected


def test_adjust_line(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    csrf = login(client, world.worker_a)
    with session_factory() as db:
        line_id = db.scalars(
            select(OrderLine.id).where(OrderLine.order_id == world.pending_orders[0])
        ).one()
    url = f"/admin/campaigns/{world.campaign_a}/lines/{line_id}"
    assert client.post(url, data={"csrf_token": csrf, "qty": "1"}).status_code == 302
    with session_factory() as db:
        assert db.get_one(OrderLine, line_id).qty == 1
    assert client.post(url, data={"csrf_token": csrf, "qty": "abc"}).status_code == 400
    assert client.post(url, data={"csrf_token": csrf, "qty": "-1"}).status_code == 400
    wrong = f"/admin/campaigns/{world.campaign_b}/lines/{line_id}"
    assert client.post(wrong, data={"csrf_token": csrf, "qty": "1"}).status_code == 404


def test_allocation_first_come(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    csrf = login(client, world.worker_a)
    client.post(
        f"/admin/campaigns/{world.campaign_a}/allocate",
        data={"csrf_token": csrf, "rule": "first_come"},
    )
    with session_factory() as db:
        got = {
            o: db.scalars(select(OrderLine.allocated_qty).where(OrderLine.order_id == o)).one()
            for o in (*world.pending_orders, world.ready_order)
        }
    assert got == {world.pending_orders[0]: 2, world.pending_orders[1]: 0, world.ready_order: 0}


def test_unreadable_entry_marked_checked(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    csrf = login(client, world.worker_a)
    url = f"/admin/campaigns/{world.campaign_a}/entries/{world.entry_unreadable}/checked"
    assert client.post(url, data={"csrf_token": csrf, "note": "电话确认"}).status_code == 302
    with session_factory() as db:
        assert "unreadable" not in db.get_one(ChainEntry, world.entry_unreadable).flags
        row = db.scalars(select(AuditLog).where(AuditLog.action == "entry.checked")).one()
        assert row.after and row.after["note"] == "电话确认"
    assert "老地方 老样子" not in client.get(f"/admin/campaigns/{world.campaign_a}").text


def test_other_community_campaign_is_404(client: FlaskClient, world: World) -> None:
    csrf = login(client, world.worker_b)
    assert client.get(f"/admin/campaigns/{world.campaign_a}").status_code == 404
    assert (
        client.post(
            f"/admin/campaigns/{world.campaign_a}/orders",
            data={"csrf_token": csrf, "action": "confirm", "order": str(world.pending_orders[0])},
        ).status_code
        == 404
    )
    assert client.get(f"/admin/campaigns/{world.campaign_b}").status_code == 200
    login(client, world.admin)
    assert client.get(f"/admin/campaigns/{world.campaign_a}").status_code == 200


def test_pickup_by_code_then_verify_then_double_refused(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    csrf = login(client, world.worker_a)
    assert "取货码或门牌" in client.get("/admin/pickup").text
    found = client.post("/admin/pickup", data={"csrf_token": csrf, "q": " k7q2 "})
    assert found.status_code == 200 and f"verify-{world.ready_order}" in found.text
    done = client.post(f"/admin/pickup/{world.ready_order}", data={"csrf_token": csrf})
    assert done.status_code == 200 and "已核销" in done.text
    assert statuses(session_factory, (world.ready_order,)) == ["picked_up"]
    twice = client.post(f"/admin/pickup/{world.ready_order}", data={"csrf_token": csrf})
    assert twice.status_code == 409 and "已经取过了" in twice.text


def test_pickup_by_address_and_not_found(client: FlaskClient, world: World) -> None:
    csrf = login(client, world.worker_a)
    found = client.post("/admin/pickup", data={"csrf_token": csrf, "q": "5-1-1102"})
    assert f"verify-{world.ready_order}" in found.text
    missing = client.post("/admin/pickup", data={"csrf_token": csrf, "q": "ZZZZ"})
    assert missing.status_code == 404 and "没找到" in missing.text


def test_pickup_of_other_community_is_refused(client: FlaskClient, world: World) -> None:
    csrf = login(client, world.worker_a)
    assert client.post("/admin/pickup", data={"csrf_token": csrf, "q": "B111"}).status_code == 404
    resp = client.post(f"/admin/pickup/{world.order_b}", data={"csrf_token": csrf})
    assert resp.status_code == 404


def test_the_header_as_read_is_shown_and_corrected_in_one_tap(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    from datetime import UTC, datetime

    from bot.pipeline import process
    from handlers.types import Incoming
    from models.campaign import Campaign

    def say(sender: str, text: str, n: int) -> None:
        at = datetime(2026, 12, 5, 2, n, tzinfo=UTC)
        process(session_factory, Incoming("sim", f"r{n}", sender, "g-a", text, at, is_group=True))

    say("w-a", "开团 保供菜包\n商品：保供菜包 58元/份\n截单：明天晚上8点", 1)
    head = "#接龙 保供菜包\n每份约10斤 58元/份\n例 1-1-101 张 1份\n\n"
    say("u-a", head + "1. 3-2-201 王 2份\n2. 5-1-302 李 1份", 2)
    mine = select(ChainEntry).where(ChainEntry.raw.in_(["3-2-201 王 2份", "5-1-302 李 1份"]))
    with session_factory() as db:
        campaign = db.scalars(select(Campaign).where(Campaign.title == "保供菜包")).one()
        entry_names = [e.items[0]["name"] for e in db.scalars(mine)]
    assert entry_names == ["菜包", "菜包"]  # 保供 read as a campaign word
    csrf = login(client, world.worker_a)
    page = client.get(f"/admin/campaigns/{campaign.id}").text
    assert "接龙识别" in page and "更正商品" in page
    chain_id = page.split("/chains/")[1].split("/")[0]
    resp = client.post(
        f"/admin/campaigns/{campaign.id}/chains/{chain_id}/catalogue",
        data={"csrf_token": csrf, "catalogue": "保供菜包 58元/份"},
    )
    assert resp.status_code == 302
    page = client.get(f"/admin/campaigns/{campaign.id}").text
    assert "「保供菜包」58元/份" in page and "重新核对了 2 条" in page
    with session_factory() as db:
        assert [e.items[0]["name"] for e in db.scalars(mine)] == ["保供菜包"] * 2
        lines = db.scalars(select(OrderLine).join(Order).where(Order.campaign_id == campaign.id))
        live = [(ln.name, ln.qty, ln.product_id is not None) for ln in lines if ln.qty > 0]
        assert live == [("保供菜包", 2.0, True), ("保供菜包", 1.0, True)]
        audit = db.scalars(select(AuditLog).where(AuditLog.action == "chain.catalogue")).one()
        assert "保供菜包" in str(audit.after)


def test_the_campaign_page_offers_the_xlsx_sheets(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    """docs/admin.md promises the exports on the campaign page: each link downloads its
    sheet, leaves a 台账 row, and another community's campaign is not found."""
    login(client, world.worker_a)
    page = client.get(f"/admin/campaigns/{world.campaign_a}").text
    links = re.findall(r'href="(/admin/campaigns/\d+/export/[a-z]+\.xlsx)"', page)
    assert [link.rsplit("/", 1)[1] for link in links] == [
        "supplier.xlsx",
        "packers.xlsx",
        "desk.xlsx",
        "money.xlsx",
    ]
    titles = []
    for link in links:
        response = client.get(link)
        assert (
            response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
        )
        titles.append(load_workbook(io.BytesIO(response.data)).sheetnames[0])
    assert titles == ["供应商汇总", "5号楼", "取货核销", "收款明细"]  # the shipped order: 5号楼
    with session_factory() as db:
        sheets = db.scalars(select(AuditLog.after).where(AuditLog.action == "campaign.export"))
        assert [s["sheet"] for s in sheets] == ["supplier", "packers", "desk", "money"]
    assert client.get(f"/admin/campaigns/{world.campaign_b}/export/desk.xlsx").status_code == 404
    assert client.get(f"/admin/campaigns/{world.campaign_a}/export/other.xlsx").status_code == 404
