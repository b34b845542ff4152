"""`后台`: a worker asks for a one-time link to the worker page (工作台).

The link carries a signed, short-lived token (HMAC-SHA256 over a small JSON claim). Signing is
pure Python so it lives here, beside the handler; `bot.admin` verifies the same token and keeps
the used token ids, which makes every link single use. The handler only sees the `LinkIssuer`
port in its Context, so tests pass a fake and no secret.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from handlers import texts
from handlers.staff_only import refuse_resident
from handlers.types import Action, Incoming, Reply

if TYPE_CHECKING:  # handlers.context imports this module for the port's default
    from handlers.context import Context

LINK_TTL = timedelta(minutes=10)
LOGIN_PATH = "/admin/login/link#"  # the token rides in the fragment: never sent, never logged
COMMANDS = frozenset({"后台", "工作台", "后台登录"})
_KEY_LABEL = b"linli admin login link v1"


@dataclass(frozen=True, slots=True)
class LoginClaim:
    """What a login token says: who (channel + sender id), which token, until when."""

    channel: str
    sender_id: str
    token_id: str
    expires_at: datetime


def _key(secret: str) -> bytes:
    """A key used only for login links, derived from the app secret."""
    return hmac.new(secret.encode("utf-8"), _KEY_LABEL, hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_login_token(secret: str, claim: LoginClaim) -> str:
    """`payload.signature`, both base64url; safe in a URL."""
    body = {
        "c": claim.channel,
        "s": claim.sender_id,
        "j": claim.token_id,
        "e": int(claim.expires_at.timestamp()),
    }
    payload = _b64(json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    signature = hmac.new(_key(secret), payload.encode("ascii"), hashlib.sha256).digest()
    return f"{payload}.{_b64(signature)}"


def read_login_token(secret: str, token: str, now: datetime) -> LoginClaim | None:
    """The claim of a well-signed, unexpired token; None for anything else. Never raises."""
    payload, _, signature = token.partition(".")
    if not payload or not signature or len(token) > 1000:
        return None
    try:
        expected = hmac.new(_key(secret), payload.encode("ascii"), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _unb64(signature)):
            return None
        body = json.loads(_unb64(payload))
        claim = LoginClaim(
            str(body["c"]),
            str(body["s"]),
            str(body["j"]),
            datetime.fromtimestamp(int(body["e"]), UTC),
        )
    except (ValueError, KeyError, TypeError, UnicodeError, binascii.Error):
        return None
    return claim if claim.expires_at > now else None


@dataclass(frozen=True, slots=True)
class SignedLinkIssuer:
    """The real issuer: signs with the app secret; `base_url` is the public address."""

    secret: str
    base_url: str
    ttl: timedelta = LINK_TTL

    def login_link(self, channel: str, sender_id: str, now: datetime) -> str | None:
        claim = LoginClaim(channel, sender_id, secrets.token_urlsafe(16), now + self.ttl)
        return f"{self.base_url.rstrip('/')}{LOGIN_PATH}{sign_login_token(self.secret, claim)}"


def match_admin_link(msg: Incoming, ctx: Context) -> str | None:
    """The command word when the whole message is `后台` (or 工作台); else None."""
    text = msg.text.strip()
    return text if msg.kind == "text" and text in COMMANDS else None


def handle_admin_link(msg: Incoming, payload: str, ctx: Context) -> list[Action]:
    """Workers get a link in a 1:1 chat; a group never sees one; residents are told no."""
    if (refusal := refuse_resident(msg, ctx, payload)) is not None:
        return [Reply(refusal)]
    if msg.is_group:
        return [Reply(texts.ADMIN_LINK_PRIVATE_ONLY)]
    link = ctx.links.login_link(msg.channel, msg.sender_id, ctx.now())
    if link is None:
        return [Reply(texts.ADMIN_LINK_UNAVAILABLE)]
    minutes = int(LINK_TTL.total_seconds() // 60)
    return [Reply(texts.ADMIN_LINK.format(link=link, minutes=minutes))]
