"""No 5xx from bad input: the cases found by fuzzing, each named, then a bounded seeded fuzz
of every route (tests/fuzzing.py; `bench/fuzz.py N` runs it longer)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests import fuzzing
from tests import wechat_client as wc
from tests import wecom_client as wcc
from tests.channels.test_bridge import signed_headers
from tests.fuzzing import BRIDGE_SECRET, fuzz_app, logged_in

FUZZ_REQUESTS = 3000
SURROGATE = "malformed JSON: a string holds a lone surrogate (not Unicode text)"
UNKNOWN_ENCODING = b'<?xml version="1.0" encoding="x-unknown"?><xml><Encrypt>AAAA</Encrypt></xml>'


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    with fuzz_app(tmp_path) as built:
        built.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)
        yield built


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.mark.parametrize("path", ["/wechat/mp", "/wecom/robot", "/wecom/app"])
def test_an_unknown_xml_encoding_is_400_before_any_signature(
    client: FlaskClient, path: str
) -> None:
    ts = str(int(time.time()))
    query = {"timestamp": ts, "nonce": "1", "encrypt_type": "aes", "msg_signature": "0" * 40}
    response = client.post(f"{path}?{urlencode(query)}", data=UNKNOWN_ENCODING)
    assert response.status_code == 400


def test_a_signed_plain_message_with_an_unknown_encoding_is_400(client: FlaskClient) -> None:
    ts, nonce = str(int(time.time())), "7"
    query = {"signature": wc.sign(wc.TOKEN, ts, nonce), "timestamp": ts, "nonce": nonce}
    body = b'<?xml version="1.0" encoding="x-unknown"?>' + wc.make_text_xml("帮助").encode()
    assert client.post(f"/wechat/mp?{urlencode(query)}", data=body).status_code == 400


def test_simulator_refuses_a_huge_cursor_and_a_lone_surrogate(client: FlaskClient) -> None:
    huge = client.get("/sim/api/messages?chat=sim-g-3hao&after=" + "9" * 30)
    assert huge.status_code == 400
    assert client.get(f"/sim/api/messages?chat=x&after={2**63}").status_code == 400
    body = '{"chat": "sim-g-3hao", "sender": "sim-u-lijg", "text": "a\\ud800b"}'
    response = client.post("/sim/api/send", data=body, content_type="application/json")
    assert response.status_code == 400 and response.get_json()["ok"] is False
    nested = client.post("/sim/api/send", data="[" * 30_000, content_type="application/json")
    assert nested.status_code == 400


def bridge(client: FlaskClient, path: str, body: bytes) -> tuple[int, str]:
    headers = signed_headers(body, secret=BRIDGE_SECRET)
    response = client.post(path, data=body, headers=headers, content_type="application/json")
    return response.status_code, str(response.get_json().get("error", ""))


def test_bridge_answers_400_to_what_it_could_never_store(client: FlaskClient) -> None:
    """A lone surrogate used to be 503 (the relay retried it forever); deep nesting and ids
    past BIGINT were 500."""
    text = b'{"chat": "g1", "sender": "u1", "msg_id": "m1", "text": "\\udc00"}'
    assert bridge(client, "/bridge/messages", text) == (400, SURROGATE)
    assert bridge(client, "/bridge/messages", b"[" * 30_000 + b"]" * 30_000)[0] == 400
    assert bridge(client, "/bridge/messages", b'{"a":' * 100 + b"1" + b"}" * 100)[0] == 400
    for ids in ([2**63], [2**64, 1], [-1], [10**30]):
        body = json.dumps({"ids": ids}).encode()
        assert bridge(client, "/bridge/outbox/ack", body)[0] == 400, ids
    assert bridge(client, "/bridge/outbox/ack", json.dumps({"ids": [2**63 - 1]}).encode()) == (
        200,
        "",
    )
    headers = signed_headers(b"", secret=BRIDGE_SECRET)
    assert client.get(f"/bridge/outbox?since={2**63}", headers=headers).status_code == 400


def test_ids_past_what_the_database_stores_are_404(app: Flask) -> None:
    worker, csrf = logged_in(app)
    for path in (f"/admin/campaigns/{2**63}", f"/admin/campaigns/{10**30}"):
        assert worker.get(path).status_code == 404
    response = worker.post(f"/admin/needs/{2**64}", data={"csrf_token": csrf, "action": "take"})
    assert response.status_code == 404


def test_a_seeded_fuzz_of_every_route_gets_no_5xx(app: Flask) -> None:
    outcome = fuzzing.run(app, seed=20240412, count=FUZZ_REQUESTS)
    print(f"\n{FUZZ_REQUESTS} fuzzed requests: {dict(sorted(outcome.statuses.items()))}")
    assert not outcome.errors, "\n".join(f"{code} {req}" for code, req in outcome.errors[:10])
    assert outcome.statuses[200] > FUZZ_REQUESTS // 10  # the fuzz reaches real handling
    assert len(outcome.statuses) >= 5


def test_the_fuzz_reaches_every_route(app: Flask) -> None:
    fuzzer = fuzzing.Fuzzer.for_app(app, seed=1)
    seen = {fuzzer.next().path.split("/")[1] for _ in range(2000)}
    assert {"admin", "bridge", "sim", "wechat", "wecom", "healthz", ""} <= seen
    assert wcc.CORP_ID  # the 企业微信 routes are fuzzed with the published vector's keys
