"""Worker-page login: one-time links, passwords, rate limits, sessions, CSRF, the URL map walk."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.admin.security import MAX_FAILURES, set_clock
from bot.config import Settings
from handlers.community.admin_link import LoginClaim, read_login_token, sign_login_token
from models.admin import AdminCredential, UsedLoginToken
from tests.admin_support import (
    World,
    anonymous_csrf,
    create_tables,
    form_csrf,
    link_for,
    login,
    runtime_of,
    seed,
    use_link,
)

PUBLIC = {"admin.auth.login", "admin.auth.login_post", "admin.auth.link", "admin.auth.link_post"}


@pytest.fixture
def world(app: Flask, session_factory: sessionmaker[Session]) -> World:
    create_tables(runtime_of(app).engine)
    return seed(session_factory)


def test_link_logs_a_worker_in_once(client: FlaskClient, settings: Settings, world: World) -> None:
    path = link_for(settings, "w-a")
    assert client.get("/admin/").status_code == 302
    assert use_link(client, path) == (302, "/admin/")
    assert client.get("/admin/").status_code == 200
    client.post("/admin/logout", data={"csrf_token": form_csrf(client.get("/admin/").text)})
    status, _ = use_link(client, path)  # the GET still shows the page; the POST refuses
    assert status == 400
    assert client.get("/admin/").status_code == 302


def test_link_get_does_not_use_it(
    client: FlaskClient, settings: Settings, world: World, session_factory: sessionmaker[Session]
) -> None:
    path = link_for(settings, "w-a")
    assert client.get(path).status_code == 200  # a chat app's link preview
    with session_factory() as db:
        assert db.scalar(select(func.count()).select_from(UsedLoginToken)) == 0
    assert use_link(client, path)[0] == 302


@pytest.mark.parametrize("ext", ["u-a", "nobody"])
def test_link_for_a_resident_or_stranger_is_refused(
    client: FlaskClient, settings: Settings, world: World, ext: str
) -> None:
    assert use_link(client, link_for(settings, ext))[0] == 400
    assert client.get("/admin/").status_code == 302


def test_expired_or_tampered_link_is_refused(
    client: FlaskClient, settings: Settings, world: World
) -> None:
    old = link_for(settings, "w-a", at=datetime.now(UTC) - timedelta(minutes=11))
    assert use_link(client, old)[0] == 400
    good = link_for(settings, "w-a")
    payload, sig = good.partition("#")[2].split(".")
    forged = sign_login_token(
        "another-secret", LoginClaim("sim", "boss", "j", datetime.now(UTC) + timedelta(minutes=5))
    )
    bad_ones = (f"{payload}.{sig[:-2]}AA", f"{payload}x.{sig}", forged, "garbage", "a.b", "")
    for n, bad in enumerate(bad_ones):
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{n}"  # under the rate limit
        assert use_link(client, "/admin/login/link", token=bad or " ")[0] == 400, bad


def test_token_codec_round_trip() -> None:
    now = datetime(2024, 1, 1, tzinfo=UTC)
    claim = LoginClaim("mp", "o_用户", "abc", now + timedelta(minutes=10))
    token = sign_login_token("s", claim)
    assert read_login_token("s", token, now) == claim
    assert read_login_token("s", token, now + timedelta(minutes=10)) is None
    assert read_login_token("t", token, now) is None


def add_password(
    runner: FlaskCliRunner, name: str = "root", password: str = "correct horse", *extra: str
) -> str:
    result = runner.invoke(args=["create-admin", name, "--password", password, *extra])
    assert result.exit_code == 0, result.output
    return result.output


def test_create_admin_cli_then_password_login(
    client: FlaskClient,
    runner: FlaskCliRunner,
    world: World,
    session_factory: sessionmaker[Session],
) -> None:
    assert "created admin root" in add_password(runner)
    with session_factory() as db:
        cred = db.scalars(select(AdminCredential)).one()
    assert cred.password_hash.startswith("scrypt:") and "correct" not in cred.password_hash
    token = anonymous_csrf(client)
    bad = client.post(
        "/admin/login", data={"csrf_token": token, "username": "root", "password": "wrong"}
    )
    assert bad.status_code == 401
    ok = client.post(
        "/admin/login",
        data={
            "csrf_token": token,
            "username": "root",
            "password": "correct horse",
            "next": "/admin/audit",
        },
    )
    assert ok.status_code == 302 and ok.headers["Location"] == "/admin/audit"
    assert "街道管理员" not in client.get("/admin/").text  # logged in as root, not someone else
    assert "root" in client.get("/admin/").text
    assert "updated admin root" in add_password(runner, "root", "new password!")


def test_create_admin_cli_rejects_short_password_and_worker_without_community(
    runner: FlaskCliRunner, world: World
) -> None:
    assert runner.invoke(args=["create-admin", "x", "--password", "short"]).exit_code != 0
    worker = runner.invoke(
        args=["create-admin", "x", "--password", "long enough", "--role", "worker"]
    )
    assert worker.exit_code != 0
    add_password(runner, "wang", "long enough", "--role", "worker", "--community", "东风社区")


def test_open_redirect_is_ignored(
    client: FlaskClient, runner: FlaskCliRunner, world: World
) -> None:
    add_password(runner)
    token = anonymous_csrf(client)
    resp = client.post(
        "/admin/login",
        data={
            "csrf_token": token,
            "username": "root",
            "password": "correct horse",
            "next": "//evil.example/admin",
        },
    )
    assert resp.headers["Location"] == "/admin/"


def test_login_attempts_are_rate_limited(
    client: FlaskClient, runner: FlaskCliRunner, world: World
) -> None:
    add_password(runner)
    token = anonymous_csrf(client)
    for _ in range(MAX_FAILURES):
        client.post(
            "/admin/login", data={"csrf_token": token, "username": "root", "password": "guess"}
        )
    right = client.post(
        "/admin/login", data={"csrf_token": token, "username": "root", "password": "correct horse"}
    )
    assert right.status_code == 429
    assert "尝试次数过多" in right.text


def test_session_cookie_is_httponly_and_samesite(
    client: FlaskClient, settings: Settings, world: World
) -> None:
    link = link_for(settings, "w-a")
    page = client.get("/admin/login/link")
    data = {"csrf_token": form_csrf(page.text), "token": link.partition("#")[2]}
    resp = client.post("/admin/login/link", data=data)
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_expires_after_12_hours(app: Flask, client: FlaskClient, world: World) -> None:
    login(client, world.worker_a)
    set_clock(app, lambda: time.time() + 11 * 3600)
    assert client.get("/admin/").status_code == 200
    set_clock(app, lambda: time.time() + 13 * 3600)
    assert client.get("/admin/").status_code == 302


def test_a_cookie_captured_before_logout_no_longer_works(
    app: Flask, client: FlaskClient, world: World
) -> None:
    """Sessions live on the server: logout revokes this one, and a copy of its cookie (from a
    shared phone, a proxy, a screenshot of the dev tools) opens nothing afterwards."""
    csrf = login(client, world.worker_a)
    captured = client.get_cookie("session")
    assert captured is not None
    thief = app.test_client()
    thief.set_cookie("session", captured.value)
    assert thief.get("/admin/").status_code == 200
    client.post("/admin/logout", data={"csrf_token": csrf})
    assert thief.get("/admin/").status_code == 302
    assert client.get("/admin/").status_code == 302


def test_a_new_password_ends_the_old_sessions(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, world: World
) -> None:
    add_password(runner, "root", "correct horse")
    token = anonymous_csrf(client)
    form = {"csrf_token": token, "username": "root", "password": "correct horse"}
    assert client.post("/admin/login", data=form).status_code == 302
    assert client.get("/admin/").status_code == 200
    add_password(runner, "root", "another horse")  # the admin suspects a leak
    assert client.get("/admin/").status_code == 302


def test_the_login_token_is_never_sent_nor_logged(
    client: FlaskClient, settings: Settings, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """The link carries the token after "#": no request line (access log, proxy) holds it;
    a refused POST logs the endpoint, not anything the client sent."""
    link = link_for(settings, "w-a")
    path, _, token = link.partition("#")
    assert path == "/admin/login/link" and token and token not in path
    with caplog.at_level(logging.DEBUG):
        client.get(path)
        client.post(path, data={"csrf_token": "stale", "token": token})
        client.post(f"{path}?token={token}", data={"csrf_token": "stale", "token": token})
    assert caplog.records and all(token not in r.getMessage() for r in caplog.records)
    assert any("csrf mismatch" in r.getMessage() for r in caplog.records)


def test_demoted_worker_loses_access(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    login(client, world.worker_a)
    assert client.get("/admin/").status_code == 200
    from models.community import Member

    with session_factory.begin() as db:
        db.get_one(Member, world.worker_a).role = "resident"
    assert client.get("/admin/").status_code == 302


def test_post_without_csrf_is_refused(client: FlaskClient, world: World) -> None:
    login(client, world.worker_a)
    resp = client.post(f"/admin/needs/{world.need_plain}", data={"action": "take"})
    assert resp.status_code == 400
    resp = client.post(
        f"/admin/needs/{world.need_plain}", data={"action": "take", "csrf_token": "forged"}
    )
    assert resp.status_code == 400


def _url(rule_path: str) -> str:
    return (
        rule_path.replace("<token>", "x.y")
        .replace("<int:campaign_id>", "1")
        .replace("<int:line_id>", "1")
        .replace("<int:entry_id>", "1")
        .replace("<int:order_id>", "1")
        .replace("<int:need_id>", "1")
        .replace("<int:household_id>", "1")
        .replace("<int:community_id>", "1")
        .replace("<int:chat_id>", "1")
        .replace("<int:chain_id>", "1")
        .replace("<int:payment_id>", "1")
        .replace("<kind>", "supplier")
    )


def test_every_admin_page_but_login_needs_a_session(
    app: Flask, client: FlaskClient, world: World
) -> None:
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/admin")]
    assert len(rules) >= 15
    token = anonymous_csrf(client)  # a valid token: what stops the request must be the session
    for rule in rules:
        if rule.endpoint in PUBLIC:
            continue
        assert "<" not in _url(rule.rule), rule.rule
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            resp = client.open(_url(rule.rule), method=method, data={"csrf_token": token})
            if method == "GET":
                assert resp.status_code == 302, rule.rule
                assert resp.headers["Location"].startswith("/admin/login"), rule.rule
            else:
                assert resp.status_code == 401, (method, rule.rule)


def test_admin_pages_send_security_headers(client: FlaskClient, world: World) -> None:
    login(client, world.worker_a)
    resp = client.get("/admin/")
    assert resp.headers["Cache-Control"] == "no-store"
    assert resp.headers["Referrer-Policy"] == "no-referrer"
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
