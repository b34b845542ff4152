"""A fake Tencent API on 127.0.0.1 that enforces the documented limits and error codes.

Robot webhook: 20 messages per minute per key (45009), text ≤ 2048 bytes, markdown ≤ 4096;
a key of no robot (deleted, or never made) is 93000 "invalid webhook url";
the key is the robot's, and `chatid` ("|"-separated) routes a push to chats the robot is in
(`robot_chats`); without it a push goes to every group of the robot (`@all_group`).
公众号: stable_token (40125: wrong secret), customer-
service messages only within 48 h of the user's last message (45015), 5 per window (45047);
the last message is the one the fake itself delivered to Linli (`resident_writes`), never a
value a test sets. A follower who unfollowed (`resident_unfollows`, which delivers the
unsubscribe event) gets nothing: 45015 "response out of time limit or subscription is
canceled", however recent their last message.
企业微信 app: gettoken (40001: wrong secret), message/send with 30 per minute and 1000 per hour
per member — the excess is dropped silently (errcode 0), as the platform documents
(访问频率限制: 超过部分会被丢弃不下发). Both: 40014 for a token the
platform never issued, 42001 for an expired one; with `allowed_ips` set, a caller outside it
gets 40164 (公众号 IP whitelist) or 60020 (企业可信IP). `clock` is injectable so tests can move
time.
Media (公众号 and 企业微信 alike): GET /cgi-bin/media/get answers the file with its Content-Type
and Content-disposition, or JSON: 40007 for an unknown or expired media id (ids live three
days), the token errors above, 830002 for a file over 20 MB fetched without Range (企业微信).
Robot image URLs are served under /robot-image/.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.serving import make_server

from tests.wechat_client import ACCOUNT, WeChatActions, make_xml

WINDOW_48H = 48 * 3600.0
WECOM_APP_PATHS = frozenset({"/cgi-bin/gettoken", "/cgi-bin/message/send"})
MEDIA_TTL = 3 * 24 * 3600.0  # temporary media ids live three days
MEDIA_WHOLE_LIMIT = 20 * 1024 * 1024  # 企业微信: bigger files need Range (errcode 830002)


@dataclass
class FakeTencent:
    """State of the fake platform; read it in assertions."""

    clock: Callable[[], float] = time.time
    robot_limit: int = 20
    app_limit: int = 30
    app_hour_limit: int = 1000
    token_ttl: float = 7200.0
    latency: float = 0.0
    app_secret: str = "secret"
    robot: list[dict[str, Any]] = field(default_factory=list)  # accepted webhook posts
    robot_chats: dict[str, set[str]] = field(default_factory=dict)  # key -> chats it is in
    robot_rejected: list[int] = field(default_factory=list)  # errcodes answered
    mp_sent: list[dict[str, Any]] = field(default_factory=list)
    mp_rejected: list[int] = field(default_factory=list)
    app_delivered: list[dict[str, Any]] = field(default_factory=list)
    app_dropped: list[dict[str, Any]] = field(default_factory=list)
    app_rejected: list[int] = field(default_factory=list)
    token_calls: list[str] = field(default_factory=list)  # "stable", "stable-force", ...
    clear_quota_calls: int = 0
    # openid -> the follower's last message, as WeChat saw it deliver (`resident_writes`)
    _last_message: dict[str, float] = field(default_factory=dict)
    _unfollowed: set[str] = field(default_factory=set)
    fail_next: list[int] = field(default_factory=list)  # errcodes for the next API calls
    allowed_ips: set[str] | None = None  # the IP whitelist; None: every address may call
    tokens: dict[str, float] = field(default_factory=dict)  # token -> expiry (clock)
    # After this many more accepted token-bearing sends, every token issued so far expires: a
    # token dying mid-run, while Linli's own record still says it is valid (None: never).
    expire_after: int | None = None
    media: dict[str, tuple[bytes, str, float]] = field(default_factory=dict)  # id -> data, type, at
    media_calls: list[str] = field(default_factory=list)  # media ids asked for
    _sends: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    _window_count: dict[tuple[str, float], int] = field(default_factory=lambda: defaultdict(int))
    _counter: Iterator[int] = field(default_factory=itertools.count)
    lock: threading.Lock = field(default_factory=threading.Lock)

    # --- WeChat's side of an inbound message -----------------------------------------------
    def resident_writes(self, wechat: WeChatActions, openid: str, text: str) -> str | None:
        """A follower writes to the account: WeChat notes the time (the 48 h customer-service
        window opens there) and delivers the message to Linli's webhook, in safe mode; returns
        Linli's passive reply. `wechat` must read the same clock as this fake."""
        assert abs(wechat.now() - self.clock()) < 1, "the client and the fake need one clock"
        with self.lock:
            assert openid not in self._unfollowed, "only a follower can write to the account"
            self._last_message[openid] = self.clock()
        return wechat.send_text(text, sender_id=openid, safe=True)

    def resident_unfollows(self, wechat: WeChatActions, openid: str) -> None:
        """A follower unfollows (取消关注): WeChat delivers the unsubscribe event to Linli, and
        customer-service messages to them fail with 45015 from now on."""
        with self.lock:
            self._unfollowed.add(openid)
        event = make_xml(
            ToUserName=ACCOUNT,
            FromUserName=openid,
            CreateTime=int(wechat.now()),
            MsgType="event",
            Event="unsubscribe",
        )
        assert wechat.post(event, safe=True).status_code == 200

    # --- helpers -------------------------------------------------------------------------
    def new_token(self, platform: str = "mp") -> str:
        token = f"{platform}-tok{next(self._counter)}"
        self.tokens[token] = self.clock() + self.token_ttl
        return token

    def expire_all_tokens(self) -> None:
        """Every token issued so far is now expired (42001)."""
        for token in self.tokens:
            self.tokens[token] = self.clock() - 1

    def token_error(self, token: str, platform: str = "mp") -> int:
        """40014 (不合法的access_token) for a token this platform never issued, 42001 when
        expired. On both platforms; only the 公众号 also says 40001 (not the latest token),
        which tests inject with `fail_next`."""
        if not token.startswith(f"{platform}-") or token not in self.tokens:
            return 40014
        return 42001 if self.tokens[token] <= self.clock() else 0

    def over_limit(self, key: str, limit: int, window: float = 60) -> bool:
        """Sliding window of `window` seconds; counts the call when under the limit."""
        now = self.clock()
        recent = [t for t in self._sends[key] if t > now - window]
        self._sends[key] = recent
        if len(recent) >= limit:
            return True
        recent.append(now)
        return False

    def accepted_with_token(self) -> None:
        """Count an accepted send made with a token (see `expire_after`)."""
        if self.expire_after is None:
            return
        self.expire_after -= 1
        if self.expire_after <= 0:
            self.expire_after = None
            self.expire_all_tokens()

    def injected(self) -> int:
        return self.fail_next.pop(0) if self.fail_next else 0

    def add_media(self, data: bytes, content_type: str = "image/png") -> str:
        """Upload a temporary media file; its media id (64 url-safe characters, like Tencent's)."""
        media_id = f"M{next(self._counter):05d}".ljust(64, "x")
        self.media[media_id] = (data, content_type, self.clock())
        return media_id

    def media_error(self, media_id: str, token: str) -> int:
        platform = "wecom" if token.startswith("wecom-") else "mp"  # one path for both
        code = self.injected() or self.token_error(token, platform)
        if code:
            return code
        found = self.media.get(media_id)
        if found is None or self.clock() - found[2] > MEDIA_TTL:
            return 40007
        return 830002 if len(found[0]) > MEDIA_WHOLE_LIMIT else 0

    def current_valid_token(self, platform: str = "mp") -> str | None:
        live = [
            t for t, exp in self.tokens.items() if exp > self.clock() and t.startswith(platform)
        ]
        return live[-1] if live else None

    def refused_address(self, path: str) -> int:
        """40164 (公众号 IP whitelist) or 60020 (企业可信IP) when the caller's address is not
        allowed; the robot webhook has no address rule."""
        if self.allowed_ips is None or request.remote_addr in self.allowed_ips:
            return 0
        if path.startswith("/cgi-bin/webhook/"):
            return 0
        return 60020 if path in WECOM_APP_PATHS else 40164


def create_fake_app(state: FakeTencent) -> Flask:
    """The Flask app serving `state`."""
    app = Flask("fake_tencent")

    @app.before_request
    def _latency_and_address() -> Any:
        if state.latency:
            time.sleep(state.latency)
        code = state.refused_address(request.path)
        if code:
            return jsonify(
                errcode=code, errmsg=f"invalid ip {request.remote_addr}, not in whitelist"
            )
        return None

    @app.post("/cgi-bin/webhook/send")
    def robot_send() -> Any:
        body = request.get_json(force=True)
        key = request.args.get("key", "")
        with state.lock:
            reached = _robot_route(state, key, str(body.get("chatid") or "@all_group"))
            code = (
                state.injected()
                or (0 if key in state.robot_chats else 93000)  # no such robot (deleted)
                or _robot_check(state, key, body)
                or (0 if reached else 40058)
            )
            if code:
                state.robot_rejected.append(code)
                return jsonify(errcode=code, errmsg="rejected")
            state.robot.append({"key": key, "delivered_to": reached, **body})
        return jsonify(errcode=0, errmsg="ok")

    @app.post("/cgi-bin/stable_token")
    def stable_token() -> Any:
        body = request.get_json(force=True)
        with state.lock:
            if body.get("secret") != state.app_secret:
                return jsonify(errcode=40125, errmsg="invalid appsecret")
            force = bool(body.get("force_refresh"))
            state.token_calls.append("stable-force" if force else "stable")
            token = None if force else state.current_valid_token()
            token = token or state.new_token()
            expires = int(state.tokens[token] - state.clock())
        return jsonify(access_token=token, expires_in=expires)

    @app.get("/cgi-bin/gettoken")
    def gettoken() -> Any:
        with state.lock:
            if request.args.get("corpsecret") != state.app_secret:
                return jsonify(errcode=40001, errmsg="invalid secret")  # 企业微信: 不合法的secret
            state.token_calls.append("gettoken")
            token = state.current_valid_token("wecom") or state.new_token("wecom")
            expires = int(state.tokens[token] - state.clock())
        return jsonify(errcode=0, errmsg="ok", access_token=token, expires_in=expires)

    @app.post("/cgi-bin/clear_quota")
    def clear_quota() -> Any:
        state.clear_quota_calls += 1
        return jsonify(errcode=0, errmsg="ok")

    @app.post("/cgi-bin/message/custom/send")
    def mp_send() -> Any:
        body = request.get_json(force=True)
        with state.lock:
            code = state.injected() or state.token_error(request.args.get("access_token", ""))
            code = code or _window_check(state, body["touser"])
            if code:
                state.mp_rejected.append(code)
                return jsonify(errcode=code, errmsg="rejected")
            state.mp_sent.append(body)
            state.accepted_with_token()
        return jsonify(errcode=0, errmsg="ok")

    @app.post("/cgi-bin/message/send")
    def app_send() -> Any:
        body = request.get_json(force=True)
        with state.lock:
            token = request.args.get("access_token", "")
            code = state.injected() or state.token_error(token, "wecom")
            if code:
                state.app_rejected.append(code)
                return jsonify(errcode=code, errmsg="rejected")
            member = body["touser"]
            if state.over_limit(f"app:{member}", state.app_limit) or state.over_limit(
                f"app-hour:{member}", state.app_hour_limit, 3600
            ):
                state.app_dropped.append(body)  # Tencent drops silently
            else:
                state.app_delivered.append(body)
            state.accepted_with_token()
        return jsonify(errcode=0, errmsg="ok", invaliduser="", msgid="m1")

    @app.get("/cgi-bin/media/get")
    def media_get() -> Any:
        media_id = request.args.get("media_id", "")
        with state.lock:
            state.media_calls.append(media_id)
            code = state.media_error(media_id, request.args.get("access_token", ""))
            if code:
                errmsg = "invalid media_id" if code == 40007 else "rejected"
                return jsonify(errcode=code, errmsg=errmsg)
            data, content_type, _ = state.media[media_id]
        headers = {
            "Content-disposition": f'attachment; filename="{media_id}.jpg"',
            "Cache-Control": "no-cache, must-revalidate",
        }
        return Response(data, mimetype=content_type, headers=headers)

    @app.get("/robot-image/<media_id>")
    def robot_image(media_id: str) -> Any:
        with state.lock:
            state.media_calls.append(media_id)
            found = state.media.get(media_id)
        if found is None:
            return Response("not found", status=404)
        return Response(found[0], mimetype=found[1])

    return app


def _robot_check(state: FakeTencent, key: str, body: dict[str, Any]) -> int:
    kind = body.get("msgtype")
    content = body.get(kind, {}).get("content", "") if kind in ("text", "markdown") else ""
    limit = 2048 if kind == "text" else 4096
    if not content or len(content.encode("utf-8")) > limit:
        return 40058  # invalid request parameter (content length)
    return 45009 if state.over_limit(f"robot:{key}", state.robot_limit) else 0


def _robot_route(state: FakeTencent, key: str, chatid: str) -> list[str]:
    """The chats a push reaches: the named ones the robot is in, or all its groups for
    @all_group. A chat the robot is not in reaches nobody (answered 40058, invalid parameter:
    the exact code is not documented)."""
    chats = state.robot_chats.get(key, set())
    if chatid == "@all_group":
        return sorted(chats)
    wanted = chatid.split("|")
    return wanted if len(wanted) <= 100 and set(wanted) <= chats else []


def _window_check(state: FakeTencent, openid: str) -> int:
    last = state._last_message.get(openid)
    if last is None or openid in state._unfollowed or state.clock() - last > WINDOW_48H:
        return 45015
    if state._window_count[(openid, last)] >= 5:
        return 45047
    state._window_count[(openid, last)] += 1
    return 0


@contextmanager
def serve_fake_tencent(state: FakeTencent | None = None) -> Iterator[tuple[str, FakeTencent]]:
    """Serve on 127.0.0.1 (free port) in a thread; yield (base_url, state)."""
    state = state or FakeTencent()
    server = make_server("127.0.0.1", 0, create_fake_app(state), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", state
    finally:
        server.shutdown()
        thread.join(5)
