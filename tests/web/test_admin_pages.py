"""Worker pages: today, needs board, households, audit log; each with its permissions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.admin.charts import SlotLoad, bar_chart, slot_chart, stacked_columns
from models.audit import AuditLog
from models.community import Household
from models.messaging import Notice
from models.need import Need
from tests.admin_support import XSS_NAME, World, create_tables, login, runtime_of, seed


@pytest.fixture
def world(app: Flask, session_factory: sessionmaker[Session]) -> World:
    create_tables(runtime_of(app).engine)
    return seed(session_factory)


def audit_rows(factory: sessionmaker[Session], action: str) -> list[AuditLog]:
    with factory() as db:
        return list(db.scalars(select(AuditLog).where(AuditLog.action == action)))


def test_today_shows_urgent_need_first_and_campaigns(client: FlaskClient, world: World) -> None:
    login(client, world.worker_a)
    html = client.get("/admin/").text
    assert html.index("降压药") < html.index("酒精哪里有卖")
    assert "周六蔬菜团购" in html and "B社区大米" not in html
    assert "B社区的需求" not in html
    assert "取货进度" in html


def test_today_lists_dead_notices_of_the_community(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    with session_factory.begin() as db:
        db.add_all(
            [
                Notice(
                    channel="sim",
                    target="g-a",
                    text="A群到货通知",
                    dedupe_key="a",
                    status="dead",
                    last_error="errcode 45009",
                ),
                Notice(
                    channel="sim", target="g-b", text="B群到货通知", dedupe_key="b", status="dead"
                ),
            ]
        )
    login(client, world.worker_a)
    html = client.get("/admin/").text
    assert "A群到货通知" in html and "errcode 45009" in html and "B群到货通知" not in html
    login(client, world.admin)
    assert "B群到货通知" in client.get("/admin/").text


def test_resident_text_is_escaped(client: FlaskClient, world: World) -> None:
    login(client, world.worker_a)
    for path in (
        "/admin/",
        "/admin/needs",
        "/admin/households",
        f"/admin/campaigns/{world.campaign_a}",
    ):
        html = client.get(path).text
        assert XSS_NAME not in html, path
        assert "&lt;img src=x onerror=alert(1)&gt;" in html, path


def test_needs_board_by_status_urgent_first(client: FlaskClient, world: World) -> None:
    login(client, world.worker_a)
    html = client.get("/admin/needs").text
    assert html.index(f"need-{world.need_urgent}") < html.index(f"need-{world.need_plain}")
    assert "判断依据：药快用完" in html
    assert "B社区的需求" not in html
    assert client.get("/admin/needs?status=resolved").text.count('class="a-need') == 0


def test_take_transfer_done(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    csrf = login(client, world.worker_a)
    url = f"/admin/needs/{world.need_urgent}"
    assert client.post(url, data={"csrf_token": csrf, "action": "take"}).status_code == 302
    with session_factory() as db:
        need = db.get_one(Need, world.need_urgent)
        assert (need.status, need.assignee_id) == ("acknowledged", "w-a")
        told = db.scalars(select(Notice).where(Notice.target == "g-a")).all()
        assert any("已由社区工作人员社区王接单" in n.text for n in told)
    client.post(url, data={"csrf_token": csrf, "action": "transfer", "to": "w-a2"})
    with session_factory() as db:
        assert db.get_one(Need, world.need_urgent).assignee_id == "w-a2"
    bad = client.post(url, data={"csrf_token": csrf, "action": "transfer", "to": "w-b"})
    assert bad.status_code == 400  # 李 works in the other community
    client.post(url, data={"csrf_token": csrf, "action": "done", "note": "已送药上门"})
    with session_factory() as db:
        need = db.get_one(Need, world.need_urgent)
        assert (need.status, need.resolution) == ("resolved", "已送药上门")
        sent = [n.text for n in db.scalars(select(Notice)) if "已处理完成" in n.text]
        assert sent and not any("已送药上门" in t for t in sent)  # the group never sees the note
    assert [r.actor for r in audit_rows(session_factory, "need.take")] == ["w-a"]
    assert len(audit_rows(session_factory, "need.done")) == 1
    again = client.post(url, data={"csrf_token": csrf, "action": "done"})
    assert again.status_code == 409


def test_worker_cannot_touch_another_communitys_need(client: FlaskClient, world: World) -> None:
    csrf = login(client, world.worker_b)
    resp = client.post(
        f"/admin/needs/{world.need_urgent}", data={"csrf_token": csrf, "action": "take"}
    )
    assert resp.status_code == 404
    assert "B社区的需求" in client.get("/admin/needs").text  # its own (found through its chat)


def test_admin_sees_every_community(client: FlaskClient, world: World) -> None:
    login(client, world.admin)
    html = client.get("/admin/needs").text
    assert "B社区的需求" in html and "降压药" in html


def test_households_flags_and_masked_phone(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    csrf = login(client, world.worker_a)
    html = client.get("/admin/households").text
    assert "138****0201" in html and "13800130201" not in html
    assert "居民张（sim）" in html and "7-1-101" not in html
    flagged = client.get("/admin/households?flagged=1").text
    assert "3-2-201" in flagged and "5-1-1102" not in flagged
    resp = client.post(
        f"/admin/households/{world.household_plain}/flags",
        data={"csrf_token": csrf, "flag": ["行动不便", "not-a-flag"]},
    )
    assert resp.status_code == 302
    with session_factory() as db:
        assert db.get_one(Household, world.household_plain).flags == ["行动不便"]
    assert len(audit_rows(session_factory, "household.flags")) == 1


def test_phone_reveal_is_audited(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    csrf = login(client, world.worker_a)
    resp = client.post(
        f"/admin/households/{world.household_plain}/phone",
        data={"csrf_token": csrf, "back": "/admin/households"},
    )
    assert resp.status_code == 200 and "13900151102" in resp.text
    rows = audit_rows(session_factory, "household.phone_revealed")
    assert [(r.actor, r.record_id) for r in rows] == [("w-a", str(world.household_plain))]
    other = login(client, world.worker_b)
    resp = client.post(
        f"/admin/households/{world.household_plain}/phone", data={"csrf_token": other}
    )
    assert resp.status_code == 404


def test_audit_log_filters(client: FlaskClient, world: World) -> None:
    csrf = login(client, world.worker_a)
    client.post(f"/admin/needs/{world.need_plain}", data={"csrf_token": csrf, "action": "take"})
    client.post(f"/admin/households/{world.household_plain}/phone", data={"csrf_token": csrf})
    html = client.get("/admin/audit").text
    assert "need.take" in html and "household.phone_revealed" in html
    only_need = client.get(f"/admin/audit?type=need&id={world.need_plain}").text
    assert "need.take" in only_need and "household.phone_revealed" not in only_need
    assert "need.take" in client.get("/admin/audit?actor=w-a").text
    assert "need.take" not in client.get("/admin/audit?actor=boss").text
    login(client, world.worker_b)
    assert "need.take" not in client.get("/admin/audit").text


def test_charts_are_inline_svg(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    with session_factory.begin() as db:
        db.add(
            Need(
                community_id=world.community_a,
                channel="sim",
                chat_id="g-a",
                sender_id="u",
                text="今天要买菜",
                category="代买",
                created_at=datetime.now(UTC),
            )
        )
    login(client, world.worker_a)
    html = client.get("/admin/needs").text
    assert "<svg" in html and "每天的需求" in html


def test_chart_geometry() -> None:
    chart = bar_chart("t", [("3号楼", 4.0), ("5号楼", 2.0)])
    assert len(chart.rects) == 2 and chart.rects[0].w == 2 * chart.rects[1].w
    assert bar_chart("t", []).empty
    stacked = stacked_columns("t", [("04-12", {"物资": 2, "就医": 1})], ["物资", "就医"])
    assert len(stacked.rects) == 2 and len(stacked.legend) == 2
    over = slot_chart("t", [SlotLoad("15:00–15:30", 2, 3, 1)])
    assert any(r.color == "#ee0a24" for r in over.rects)  # over capacity shows red
