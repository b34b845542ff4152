"""The simulator channel through HTTP: /sim/api/send runs the real pipeline, /sim/api/messages
shows the conversation, bad input gets a 400 with a reason."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.demo import DEMO_GROUPS, DEMO_RESIDENTS, DEMO_WORKER, seed_demo
from bot.serve import demo_worker_link
from handlers import texts
from handlers.campaign.rules import mask_phones_in
from models.messaging import InboxMessage, Notice
from models.notices import queue_notice
from tests.admin_support import use_link

GROUP = DEMO_GROUPS[0][0]
RESIDENT = DEMO_RESIDENTS[1]


@pytest.fixture
def sim(client: FlaskClient, session_factory: sessionmaker[Session]) -> FlaskClient:
    """A client on a database with the demo community seeded."""
    seed_demo(session_factory)
    return client


def send(
    client: FlaskClient,
    text: str,
    chat: str = GROUP,
    sender: str = RESIDENT.external_id,
    **extra: Any,
) -> dict[str, Any]:
    response = client.post(
        "/sim/api/send", json={"chat": chat, "sender": sender, "text": text, **extra}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    body: dict[str, Any] = response.get_json()
    assert body["ok"] is True
    return body


def messages(client: FlaskClient, chat: str, after: int = 0) -> dict[str, Any]:
    response = client.get("/sim/api/messages", query_string={"chat": chat, "after": after})
    assert response.status_code == 200
    body: dict[str, Any] = response.get_json()
    return body


def inbox_rows(factory: sessionmaker[Session]) -> list[InboxMessage]:
    with factory() as session:
        return list(session.scalars(select(InboxMessage).order_by(InboxMessage.id)))


def test_page_lists_demo_groups_and_people(sim: FlaskClient) -> None:
    html = sim.get("/sim").get_data(as_text=True)
    for _, title in DEMO_GROUPS:
        assert title in html
    assert RESIDENT.name in html and DEMO_WORKER[1] not in html  # staff: after logging in
    assert texts.SIM_STAFF_HINT in html
    assert "sim.js" in html and "https://" not in html  # no CDN: works offline


def test_one_to_one_message_gets_a_reply_and_is_stored(
    sim: FlaskClient, session_factory: sessionmaker[Session]
) -> None:
    body = send(sim, "帮助", chat=RESIDENT.external_id)
    assert body["is_group"] is False
    assert body["reply"]  # a 1:1 message is always answered
    [row] = inbox_rows(session_factory)
    assert (row.channel, row.sender_id, row.chat_id) == (
        "sim",
        RESIDENT.external_id,
        RESIDENT.external_id,
    )
    assert row.payload["is_group"] is False and row.payload["sender_name"] == RESIDENT.name
    assert row.handled_at is not None and row.reply == texts.HELP_TEXT  # stored whole
    assert body["reply"] == mask_phones_in(texts.HELP_TEXT)  # shown to a visitor masked


def test_messages_endpoint_returns_the_message_and_its_reply(sim: FlaskClient) -> None:
    body = send(sim, "帮助", chat=RESIDENT.external_id)
    feed = messages(sim, RESIDENT.external_id)
    [item] = feed["messages"]
    assert item["text"] == "帮助" and item["sender_name"] == RESIDENT.name
    assert item["reply"] == body["reply"] and item["time"]
    assert feed["cursor"] == item["id"]
    assert messages(sim, RESIDENT.external_id, after=feed["cursor"])["messages"] == []


def test_group_message_is_a_group_message_and_stays_in_its_chat(
    sim: FlaskClient, session_factory: sessionmaker[Session]
) -> None:
    body = send(sim, "今天天气真好，大家出门晒晒太阳")
    assert body["is_group"] is True
    [row] = inbox_rows(session_factory)
    assert row.chat_id == GROUP and row.payload["is_group"] is True
    assert [m["text"] for m in messages(sim, GROUP)["messages"]] == [
        "今天天气真好，大家出门晒晒太阳"
    ]
    assert messages(sim, DEMO_GROUPS[1][0])["messages"] == []
    assert messages(sim, RESIDENT.external_id)["messages"] == []


def test_jielong_post_goes_through_the_pipeline(
    sim: FlaskClient, session_factory: sessionmaker[Session]
) -> None:
    text = "#接龙\n周六蔬菜团购\n1. 3-2-502 李建国 西红柿3斤\n2. 5-1-1102 刘洋 土豆两斤"
    send(sim, text)
    [row] = inbox_rows(session_factory)
    assert row.payload["text"] == text and row.error is None


def test_notices_for_the_chat_are_listed_pending_and_sent(
    sim: FlaskClient, session_factory: sessionmaker[Session]
) -> None:
    with session_factory.begin() as session:
        queue_notice(session, "sim", GROUP, "明早8点到货，3号楼下取", "test:1")
        queue_notice(session, "sim", "some-other-chat", "不该出现", "test:2")
        queue_notice(session, "mp", GROUP, "别的渠道", "test:3")
    [notice] = messages(sim, GROUP)["notices"]
    assert (notice["text"], notice["status"]) == ("明早8点到货，3号楼下取", "pending")
    with session_factory.begin() as session:
        row = session.scalars(select(Notice).where(Notice.dedupe_key == "test:1")).one()
        row.status, row.sent_at = "sent", row.created_at
    assert messages(sim, GROUP)["notices"][0]["status"] == "sent"


def test_long_message_of_5000_characters_is_accepted(
    sim: FlaskClient, session_factory: sessionmaker[Session]
) -> None:
    text = ("楼下团购鸡蛋两板，谢谢邻居们！" * 400)[:5000]
    send(sim, text)
    [row] = inbox_rows(session_factory)
    assert row.payload["text"] == text


def test_html_comes_back_as_text(sim: FlaskClient) -> None:
    text = '<script>alert("x")</script><b>3-2-201</b> & 求助'
    send(sim, text, chat=RESIDENT.external_id)
    [item] = messages(sim, RESIDENT.external_id)["messages"]
    assert item["text"] == text  # JSON data; the page draws it with textContent
    page = sim.get("/sim", query_string={"chat": "<b>x</b>"}).get_data(as_text=True)
    assert "<b>x</b>" not in page


def test_unknown_sender_uses_the_given_name(sim: FlaskClient) -> None:
    send(sim, "你好", chat="sim-guest", sender="sim-guest", sender_name="新邻居")
    [item] = messages(sim, "sim-guest")["messages"]
    assert item["sender_name"] == "新邻居"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"chat": GROUP, "sender": RESIDENT.external_id}, "text"),
        ({"chat": GROUP, "text": "你好"}, "sender"),
        ({"sender": RESIDENT.external_id, "text": "你好"}, "chat"),
        ({"chat": GROUP, "sender": RESIDENT.external_id, "text": 5}, "text"),
        ({"chat": GROUP, "sender": RESIDENT.external_id, "text": "   "}, texts.SIM_EMPTY_TEXT),
        ({"chat": GROUP, "sender": RESIDENT.external_id, "text": "好" * 10_001}, "10000"),
        (["not", "an", "object"], texts.SIM_BAD_JSON),
    ],
)
def test_bad_send_bodies_get_400_with_a_reason(sim: FlaskClient, body: Any, reason: str) -> None:
    response = sim.post("/sim/api/send", json=body)
    assert response.status_code == 400
    assert reason in response.get_json()["error"]


def test_malformed_json_gets_400(sim: FlaskClient, session_factory: sessionmaker[Session]) -> None:
    response = sim.post("/sim/api/send", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {"ok": False, "error": texts.SIM_BAD_JSON}
    assert inbox_rows(session_factory) == []


def test_oversized_body_gets_413_as_json(sim: FlaskClient) -> None:
    response = sim.post("/sim/api/send", data="x" * 70_000, content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["ok"] is False


@pytest.mark.parametrize(
    "query", [{}, {"chat": GROUP, "after": "-1"}, {"chat": GROUP, "after": "x"}]
)
def test_bad_messages_query_gets_400(sim: FlaskClient, query: dict[str, str]) -> None:
    response = sim.get("/sim/api/messages", query_string=query)
    assert response.status_code == 400 and response.get_json()["error"]


# --- a simulator safe for whoever reaches it ------------------------------------------------


def log_in_as_demo_worker(client: FlaskClient, settings: Settings) -> None:
    """Open the one-time worker-page link `make run` prints on the operator's terminal."""
    link = demo_worker_link(settings)
    assert link is not None
    status, location = use_link(client, link[link.index("/admin/login/") :])
    assert (status, location) == (302, "/admin/")


def test_a_visitor_cannot_speak_as_the_worker_nor_read_the_workers_chat(
    sim: FlaskClient, session_factory: sessionmaker[Session]
) -> None:
    worker = DEMO_WORKER[0]
    for text in ("后台", "送货名单"):
        response = sim.post("/sim/api/send", json={"chat": worker, "sender": worker, "text": text})
        assert response.status_code == 403
        assert response.get_json() == {"ok": False, "error": texts.SIM_STAFF_NEEDS_LOGIN}
    assert inbox_rows(session_factory) == []
    assert sim.get("/sim/api/messages", query_string={"chat": worker}).status_code == 403


def test_a_visitor_sees_residents_phones_masked(sim: FlaskClient) -> None:
    phone = RESIDENT.phone
    send(sim, f"登记 3-2-502 李建国 {phone}", chat=RESIDENT.external_id)
    send(sim, f"#接龙 大米\n1. 3-2-502 李建国 {phone} 1袋")
    shown = str(messages(sim, RESIDENT.external_id)) + str(messages(sim, GROUP))
    assert phone not in shown and f"{phone[:3]}****{phone[-4:]}" in shown


def test_staff_logged_in_to_the_worker_page_drive_the_simulators_worker(
    sim: FlaskClient, settings: Settings
) -> None:
    log_in_as_demo_worker(sim, settings)
    assert DEMO_WORKER[1] in sim.get("/sim").get_data(as_text=True)
    worker = DEMO_WORKER[0]
    reply = send(sim, "后台", chat=worker, sender=worker)["reply"]
    assert "/admin/login/link#" in reply
    send(sim, f"登记 3-2-502 李建国 {RESIDENT.phone}", chat=RESIDENT.external_id)
    assert RESIDENT.phone in str(messages(sim, RESIDENT.external_id))  # staff see it whole
    assert messages(sim, worker)["messages"][0]["text"] == "后台"
