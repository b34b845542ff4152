"""A seeded fuzzer for every route of the web app: bad input must get a 4xx, never a 5xx.

Used by tests/test_fuzz.py (a few thousand requests) and bench/fuzz.py (as many as asked).
The app is built with every channel on; a fraction of the requests are correctly signed or
encrypted (computed here with hashlib, hmac and tests.tencent_crypto, not with the app's own
code) so the fuzz reaches the parsers behind the signature checks, and a fraction come from
a logged-in worker with a valid CSRF token so it reaches the worker page's forms.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from bot.admin.auth import hash_password
from bot.app import create_app
from bot.config import (
    BridgeSettings,
    DatabaseSettings,
    ServerSettings,
    Settings,
    WeChatSettings,
    WeComSettings,
)
from bot.demo import seed_demo
from models.admin import AdminCredential
from models.base import make_engine, make_session_factory
from models.community import Member
from models.migrate import upgrade_to_head
from tests import wechat_client as wc
from tests import wecom_client as wcc
from tests.fuzz_bodies import BODIES, HUGE_INTS, generic
from tests.fuzz_bodies import BRIDGE_SECRET as BRIDGE_SECRET  # the fuzz test signs with it

WORKER, PASSWORD = "fuzz-worker", "fuzz password 123"
ODD_TEXT = ["", " ", "帮助", "\ud800", "a\udfffb", "\x00", "]]>", "<xml>", "😀" * 50, "x" * 5000]
PARAM_NAMES = ["after", "chat", "since", "next", "as", "building", "status", "q", "record"]


def fuzz_settings(tmp: Path) -> Settings:
    """Every channel on, keyed with the published test vectors; the simulator on."""
    return Settings(
        server=ServerSettings(secret_key="fuzz-secret", max_body_bytes=64 * 1024),
        database=DatabaseSettings(url=f"sqlite:///{tmp / 'fuzz.db'}"),
        wechat=WeChatSettings(
            enabled=True, token=wc.TOKEN, app_id=wc.APP_ID, aes_key=wc.AES_KEY, mode="compatible"
        ),
        wecom=WeComSettings(
            enabled=True,
            corp_id=wcc.CORP_ID,
            robot_token=wcc.TOKEN,
            robot_aes_key=wcc.AES_KEY,
            app_token=wcc.TOKEN,
            app_aes_key=wcc.AES_KEY,
            app_agent_id=1000002,
        ),
        bridge=BridgeSettings(enabled=True, secret=BRIDGE_SECRET, max_requests_per_minute=0),
        simulator=True,
    )


@contextmanager
def fuzz_app(tmp: Path) -> Iterator[Flask]:
    """A migrated, demo-seeded app with a worker who has a password."""
    settings = fuzz_settings(tmp)
    engine = make_engine(settings.database.url)
    upgrade_to_head(engine)
    factory = make_session_factory(engine)
    seed_demo(factory)
    with factory.begin() as db:
        worker = db.query(Member).filter_by(role="worker").first()
        assert worker is not None
        db.add(
            AdminCredential(
                username=WORKER, member_id=worker.id, password_hash=hash_password(PASSWORD)
            )
        )
    engine.dispose()
    app = create_app(settings)
    try:
        yield app
    finally:
        app.extensions["linli"].engine.dispose()


_logins = itertools.count(1)


def logged_in(app: Flask) -> tuple[FlaskClient, str]:
    """A client with a worker session (through the password form) and its CSRF token; from an
    address of its own, so the fuzz's failed logins do not lock it out."""
    client = app.test_client()
    n = next(_logins)
    client.environ_base["REMOTE_ADDR"] = f"10.9.{n // 250 % 250}.{n % 250 + 1}"
    token = _csrf(client.get("/admin/login").get_data(as_text=True))
    response = client.post(
        "/admin/login", data={"csrf_token": token, "username": WORKER, "password": PASSWORD}
    )
    assert response.status_code == 302, response.status_code
    return client, _csrf(client.get("/admin/").get_data(as_text=True))


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no csrf field"
    return found.group(1)


@dataclass
class Request:
    """One fuzzed request, printable when it fails."""

    method: str
    path: str
    query: bytes = b""
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    as_worker: bool = False

    def __str__(self) -> str:
        return f"{self.method} {self.path}?{self.query[:200]!r} body={self.body[:300]!r}"


@dataclass
class Fuzzer:
    """Builds requests for the app's routes from one seeded random stream."""

    rng: random.Random
    rules: list[Rule]
    csrf: str = ""

    @classmethod
    def for_app(cls, app: Flask, seed: int) -> Fuzzer:
        rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
        return cls(random.Random(seed), sorted(rules, key=lambda r: (r.rule, r.endpoint)))

    def next(self) -> Request:
        rule = self.rng.choice(self.rules)
        method = self.rng.choice(sorted((rule.methods or {"GET"}) - {"HEAD", "OPTIONS"}))
        req = Request(method, self._path(rule), self._query(), as_worker=self.rng.random() < 0.5)
        maker = BODIES.get(rule.rule, generic)
        if method == "POST" or self.rng.random() < 0.1:
            maker(self, req)
        return req

    def _path(self, rule: Rule) -> str:
        path = rule.rule
        for name in rule.arguments:
            converter = re.search(rf"<(?:(\w+):)?{name}>", path)
            assert converter is not None
            value = (
                str(self.rng.choice(HUGE_INTS[:8]))
                if converter.group(1) == "int"
                else quote(self.rng.choice(["x.y", "a" * 300, "%", "..", "é"]), safe="")
            )
            path = path.replace(converter.group(0), value)
        return path

    def _query(self) -> bytes:
        parts = []
        for _ in range(self.rng.randint(0, 4)):
            name = self.rng.choice([*PARAM_NAMES, "signature", "timestamp", "nonce", "echostr"])
            parts.append(f"{name}={self._value()}")
        return "&".join(parts).encode()

    def _value(self) -> str:
        choice = self.rng.random()
        if choice < 0.4:
            return str(self.rng.choice(HUGE_INTS))
        if choice < 0.6:
            return "%ED%A0%80" + "%FF" * self.rng.randint(0, 3)  # a UTF-8 surrogate, bad bytes
        return quote(self.rng.choice(ODD_TEXT), safe="", errors="surrogatepass")

    def text(self) -> str:
        return self.rng.choice([*ODD_TEXT, "帮助", "#接龙 大米\n1. 3-2-201 张 2袋", "后台", "查询"])

    def json_value(self, depth: int = 0) -> Any:
        kind = self.rng.random()
        if depth > 2 or kind < 0.3:
            return self.rng.choice([*HUGE_INTS, self.text(), None, True, 1.5, [], {}])
        if kind < 0.6:
            return [self.json_value(depth + 1) for _ in range(self.rng.randint(0, 3))]
        keys = ["chat", "sender", "text", "msg_id", "ids", "ts", "is_group", "sender_name"]
        return {self.rng.choice(keys): self.json_value(depth + 1) for _ in range(3)}

    def json_body(self, base: dict[str, Any]) -> bytes:
        """Mostly `base` with a field or two replaced; sometimes pathological JSON."""
        pick = self.rng.random()
        if pick < 0.1:
            n = self.rng.choice([100, 5000, 200_000])
            return b"[" * n + b"]" * n if self.rng.random() < 0.5 else b'{"a":' * n
        if pick < 0.15:
            return self.rng.randbytes(self.rng.randint(0, 200))
        data = dict(base)
        for _ in range(self.rng.randint(0, 2)):
            data[self.rng.choice([*list(base), "extra"])] = self.json_value()
        raw = json.dumps(data, ensure_ascii=self.rng.random() < 0.5, allow_nan=True)
        return raw.encode("utf-8", "surrogatepass")


@dataclass
class Outcome:
    """Statuses seen, and the requests that got a 5xx."""

    statuses: Counter[int] = field(default_factory=Counter)
    errors: list[tuple[int, str]] = field(default_factory=list)


def run(app: Flask, seed: int, count: int) -> Outcome:
    """Send `count` fuzzed requests; collect statuses and every 5xx (as production would
    answer them: an exception becomes a 500, not a test error)."""
    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)
    anonymous = app.test_client()
    worker, csrf = logged_in(app)
    fuzzer = Fuzzer.for_app(app, seed)
    fuzzer.csrf = csrf
    outcome = Outcome()
    for _ in range(count):
        req = fuzzer.next()
        client = worker if req.as_worker else anonymous
        response = client.open(
            req.path,
            method=req.method,
            query_string=req.query.decode("ascii", "replace"),
            data=req.body,
            headers=req.headers,
        )
        outcome.statuses[response.status_code] += 1
        if response.status_code >= 500:
            outcome.errors.append((response.status_code, str(req)))
        if req.path == "/admin/logout" and req.as_worker and response.status_code == 302:
            worker, fuzzer.csrf = logged_in(app)
    return outcome
