"""The bridge protocol without Flask: HMAC auth, message validation, a per-relay rate window.

Auth: `X-Linli-Timestamp` (unix seconds, within max_clock_skew_seconds) and `X-Linli-Signature`
= hex HMAC-SHA256(secret, timestamp + "\\n" + body). Documented in docs/channels.md.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.config import BridgeSettings
from bot.json_input import BadJson, load_json
from handlers.types import Incoming

CHANNEL = "bridge"
MAX_ID_CHARS = 128
MAX_NAME_CHARS = 100


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """hex HMAC-SHA256(secret, timestamp + "\\n" + body): what the relay sends."""
    message = timestamp.encode("ascii") + b"\n" + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def auth_failure(
    settings: BridgeSettings, timestamp: str, given: str, body: bytes, now: float
) -> str | None:
    """Why a request with these X-Linli-Timestamp / X-Linli-Signature values is refused."""
    if not settings.secret:
        return "bridge.secret is not configured"
    if not timestamp or not given:
        return "missing X-Linli-Timestamp or X-Linli-Signature"
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        return "X-Linli-Timestamp is not unix seconds"
    if abs(now - int(timestamp)) > settings.max_clock_skew_seconds:
        return "X-Linli-Timestamp is stale (check the relay's clock)"
    expected = signature(settings.secret, timestamp, body)
    if not hmac.compare_digest(expected.encode(), given.strip().lower().encode("utf-8", "replace")):
        return "wrong X-Linli-Signature"
    return None


class SlidingWindow:
    """Requests per key in the last 60 s, in this process (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hits: dict[str, deque[float]] = {}

    def retry_after(self, key: str, limit: int, now: float) -> int:
        """0 and count the request when under `limit`; else the seconds until there is room."""
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - 60:
                hits.popleft()
            if len(hits) >= limit:
                return max(1, int(hits[0] + 60 - now) + 1)
            hits.append(now)
            return 0


@dataclass(frozen=True, slots=True)
class BridgeMessage:
    """A validated message from the relay."""

    chat: str
    sender: str
    text: str
    msg_id: str
    sender_name: str = ""
    ts: datetime | None = None
    is_group: bool | None = None


def parse_body(body: bytes) -> BridgeMessage | str:
    """The message, or the reason it cannot be used (for the 400 answer)."""
    try:
        data = load_json(body)
    except BadJson as exc:
        return str(exc)
    if not isinstance(data, dict):
        return "malformed JSON: the body must be one JSON object"
    return parse_fields(data)


def parse_fields(data: dict[str, Any]) -> BridgeMessage | str:
    """Check each field's type and size."""
    for name, limit in (("chat", MAX_ID_CHARS), ("sender", MAX_ID_CHARS), ("msg_id", MAX_ID_CHARS)):
        value = data.get(name)
        if not isinstance(value, str) or not value.strip() or len(value) > limit:
            return f"field {name!r} must be a non-empty string of at most {limit} characters"
    if not isinstance(data.get("text"), str):
        return "field 'text' must be a string"
    name = data.get("sender_name", "")
    if not isinstance(name, str):
        return "field 'sender_name' must be a string"
    is_group = data.get("is_group")
    if is_group is not None and not isinstance(is_group, bool):
        return "field 'is_group' must be true or false"
    ts = parse_ts(data.get("ts"))
    if isinstance(ts, str):
        return ts
    return BridgeMessage(
        chat=data["chat"],
        sender=data["sender"],
        text=data["text"],
        msg_id=data["msg_id"],
        sender_name=name[:MAX_NAME_CHARS],
        ts=ts,
        is_group=is_group,
    )


def parse_ts(value: object) -> datetime | str | None:
    """`ts` as unix seconds or ISO 8601 (naive = UTC); None when absent; a str is the reason."""
    if value is None:
        return None
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, UTC)
        if isinstance(value, str):
            at = datetime.fromisoformat(value)
            return at if at.tzinfo else at.replace(tzinfo=UTC)
    except (ValueError, OverflowError, OSError):
        pass
    return "field 'ts' must be unix seconds or an ISO 8601 time"


def to_incoming(msg: BridgeMessage, now: datetime) -> Incoming:
    """The neutral message; a `ts` in the future is taken as now."""
    at = now if msg.ts is None or msg.ts > now else msg.ts
    return Incoming(
        channel=CHANNEL,
        msg_id=msg.msg_id,
        sender_id=msg.sender,
        chat_id=msg.chat,
        text=msg.text,
        received_at=at,
        sender_name=msg.sender_name,
        is_group=msg.chat != msg.sender if msg.is_group is None else msg.is_group,
    )
