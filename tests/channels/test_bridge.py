"""The signed JSON bridge through HTTP: auth (401), validation (400), dedupe, the outbox a relay
polls and acknowledges, the rate limit, and a sample transcript giving the same orders as replay."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot import cli
from bot.app import create_app
from bot.config import BridgeSettings, DatabaseSettings, ServerSettings, Settings
from bot.replay import collect
from models.messaging import InboxMessage, Notice
from tests.contract import SAMPLES, sample_names

SECRET = "relay-shared-secret-for-tests"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The bridge on with a test secret; no other channel."""
    return Settings(
        server=ServerSettings(secret_key="test-secret-key"),
        database=DatabaseSettings(url=f"sqlite:///{tmp_path / 'linli.db'}"),
        bridge=BridgeSettings(enabled=True, secret=SECRET, max_requests_per_minute=1000),
        simulator=False,
    )


def signed_headers(body: bytes, *, secret: str = SECRET, ts: int | None = None) -> dict[str, str]:
    """What a relay sends: computed here with hmac directly, not with bot.bridge_protocol."""
    stamp = str(int(time.time()) if ts is None else ts)
    mac = hmac.new(secret.encode(), stamp.encode() + b"\n" + body, hashlib.sha256).hexdigest()
    return {"X-Linli-Timestamp": stamp, "X-Linli-Signature": mac, "X-Linli-Relay": "relay-1"}


def post(client: FlaskClient, path: str, payload: Any, **sign: Any) -> Any:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return client.post(
        path, data=body, headers=signed_headers(body, **sign), content_type="application/json"
    )


def message(**overrides: Any) -> dict[str, Any]:
    fields = {
        "chat": "g-zaojia",
        "sender": "r_li",
        "sender_name": "李",
        "text": "谢谢大家",
        "msg_id": "m-1",
        "ts": int(time.time()),
    }
    return fields | overrides


def inbox_count(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(InboxMessage)) or 0


# --- authentication ----------------------------------------------------------------------------


def test_wrong_hmac_is_401(client: FlaskClient, session_factory: sessionmaker[Session]) -> None:
    response = post(client, "/bridge/messages", message(), secret="not-the-secret")
    assert response.status_code == 401
    assert "X-Linli-Signature" in response.get_json()["error"]
    assert inbox_count(session_factory) == 0


def test_stale_timestamp_is_401(client: FlaskClient) -> None:
    response = post(client, "/bridge/messages", message(), ts=int(time.time()) - 301)
    assert response.status_code == 401
    assert "stale" in response.get_json()["error"]


@pytest.mark.parametrize("drop", ["X-Linli-Timestamp", "X-Linli-Signature"])
def test_missing_headers_are_401(client: FlaskClient, drop: str) -> None:
    body = json.dumps(message()).encode()
    headers = signed_headers(body)
    del headers[drop]
    response = client.post("/bridge/messages", data=body, headers=headers)
    assert response.status_code == 401


def test_body_changed_after_signing_is_401(client: FlaskClient) -> None:
    body = json.dumps(message()).encode()
    headers = signed_headers(body)
    tampered = body.replace(b"r_li", b"r_xx")
    assert client.post("/bridge/messages", data=tampered, headers=headers).status_code == 401


# --- messages ----------------------------------------------------------------------------------


def test_replayed_msg_id_is_stored_once(
    client: FlaskClient, session_factory: sessionmaker[Session]
) -> None:
    first = post(client, "/bridge/messages", message(text="我家需要代买降压药，3-2-201"))
    second = post(client, "/bridge/messages", message(text="我家需要代买降压药，3-2-201"))
    assert first.status_code == second.status_code == 200
    assert first.get_json()["duplicate"] is False and second.get_json()["duplicate"] is True
    assert second.get_json()["reply"] == first.get_json()["reply"]
    assert inbox_count(session_factory) == 1
    with session_factory() as session:
        row = session.scalars(select(InboxMessage)).one()
    assert (row.channel, row.chat_id, row.sender_id) == ("bridge", "g-zaojia", "r_li")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", "malformed JSON"),
        (b"[1, 2]", "one JSON object"),
        (b"\xff\xfe", "malformed JSON"),
        (json.dumps({"chat": "g", "sender": "u", "text": "x"}).encode(), "'msg_id'"),
        (json.dumps(message(text=5)).encode(), "'text'"),
        (json.dumps(message(ts="yesterday")).encode(), "'ts'"),
        (json.dumps(message(is_group="yes")).encode(), "'is_group'"),
    ],
)
def test_malformed_json_is_400_with_the_reason(
    client: FlaskClient, session_factory: sessionmaker[Session], body: bytes, reason: str
) -> None:
    response = post(client, "/bridge/messages", body)
    assert response.status_code == 400
    assert reason in response.get_json()["error"]
    assert inbox_count(session_factory) == 0


def test_oversized_body_is_413(client: FlaskClient) -> None:
    response = post(client, "/bridge/messages", message(text="菜" * 40_000))
    assert response.status_code == 413


def test_rate_limit_per_relay(app: Flask, settings: Settings) -> None:
    strict = replace(settings, bridge=replace(settings.bridge, max_requests_per_minute=2))
    strict_app = create_app(strict)  # same database, already migrated by `app`
    client = strict_app.test_client()
    codes = [post(client, "/bridge/outbox/ack", {"ids": []}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    limited = post(client, "/bridge/outbox/ack", {"ids": []})
    assert int(limited.headers["Retry-After"]) > 0
    strict_app.extensions["linli"].engine.dispose()


# --- the outbox --------------------------------------------------------------------------------


def add_notices(factory: sessionmaker[Session]) -> list[int]:
    with factory.begin() as session:
        rows = [
            Notice(channel="bridge", target="g-zaojia", text="明天下午3点取菜", dedupe_key="a"),
            Notice(channel="wecom_robot", target="wrk1", text="not for the relay", dedupe_key="b"),
            Notice(channel="bridge", target="r_li", text="您的订单已确认", dedupe_key="c"),
        ]
        session.add_all(rows)
        session.flush()
        return [r.id for r in rows]


def test_outbox_lists_bridge_notices_and_ack_marks_them_sent(
    client: FlaskClient, session_factory: sessionmaker[Session]
) -> None:
    first, robot, third = add_notices(session_factory)
    listed = client.get("/bridge/outbox?since=0", headers=signed_headers(b"")).get_json()
    assert [(n["id"], n["target"]) for n in listed["notices"]] == [
        (first, "g-zaojia"),
        (third, "r_li"),
    ]
    assert listed["next_since"] == third
    later = client.get(f"/bridge/outbox?since={first}", headers=signed_headers(b"")).get_json()
    assert [n["id"] for n in later["notices"]] == [third]
    acked = post(client, "/bridge/outbox/ack", {"ids": [first, robot]}).get_json()
    assert acked == {"ok": True, "acked": 1}
    again = client.get("/bridge/outbox?since=0", headers=signed_headers(b"")).get_json()
    assert [n["id"] for n in again["notices"]] == [third]
    with session_factory() as session:
        assert session.get_one(Notice, robot).status == "pending"
        assert session.get_one(Notice, first).sent_at is not None


def test_outbox_needs_a_signature_and_a_numeric_since(client: FlaskClient) -> None:
    assert client.get("/bridge/outbox?since=0").status_code == 401
    assert client.get("/bridge/outbox?since=x", headers=signed_headers(b"")).status_code == 400
    assert post(client, "/bridge/outbox/ack", {"ids": ["1"]}).status_code == 400


# --- the same orders as replay -----------------------------------------------------------------


@pytest.mark.parametrize("name", sample_names())
def test_transcript_through_the_bridge_gives_the_replay_orders(
    client: FlaskClient,
    session_factory: sessionmaker[Session],
    capsys: pytest.CaptureFixture[str],
    name: str,
) -> None:
    transcript = SAMPLES / f"{name}.jsonl"
    if not transcript.exists():
        pytest.skip("shared samples not present")
    lines = transcript.read_text(encoding="utf-8").splitlines()
    for lineno, line in enumerate(lines, start=1):
        if line.strip():
            item = json.loads(line) | {"msg_id": f"L{lineno}"}
            assert post(client, "/bridge/messages", item).status_code == 200
    assert cli.main(["replay", str(transcript)]) == 0  # what `python -m bot replay` runs
    with session_factory() as session:
        bridged = collect(session)
    replayed = json.loads(capsys.readouterr().out)
    assert bridged["orders"] == replayed["orders"]
    assert bridged["needs"] == replayed["needs"]
