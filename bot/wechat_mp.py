"""公众号 (Official Account) protocol adapter: signatures, safe-mode crypto, XML in and out.

wechatpy stays behind this module (only its AES framing class is used) so it can be replaced.
Parsing is our own on defusedxml: the XML comes from the internet before anything about it is
trusted, so DTDs (and with them entity expansion and external entities) are refused outright.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from wechatpy.crypto import PrpCrypto
from wechatpy.exceptions import InvalidAppIdException

from handlers.types import Incoming, Kind

CHANNEL = "mp"
MAX_ID_CHARS = 64  # openids are 28 chars, MsgIds 19 digits; inbox columns hold 128
MAX_CREATE_TIME = 10**10  # year 2286; beyond that datetime conversion is pointless
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ID = re.compile(rf"[A-Za-z0-9_\-@.=]{{1,{MAX_ID_CHARS}}}")


class MpError(ValueError):
    """A request the webhook refuses; subclasses say with which status."""


class Forbidden(MpError):
    """Wrong signature or a stale timestamp (answer 403)."""


class Malformed(MpError):
    """A body that is not a WeChat message, or cannot be decrypted (answer 400)."""


@dataclass(frozen=True, slots=True)
class MpMessage:
    """A decoded message: the neutral Incoming plus the account id the reply must come from."""

    incoming: Incoming
    account: str  # ToUserName: the Official Account's original id (gh_...)


# --- signatures and freshness ---------------------------------------------------------------


def sign(*parts: str) -> str:
    """WeChat's signature: sha1 over sorted, joined parts (token, timestamp, nonce[, Encrypt])."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def signature_ok(expected_parts: tuple[str, ...], given: str) -> bool:
    """Constant-time comparison of sign(*expected_parts) with the signature the caller sent."""
    return hmac.compare_digest(sign(*expected_parts).encode(), given.encode("utf-8", "replace"))


def check_signature(token: str, args: Mapping[str, str]) -> None:
    """Raise Forbidden unless `signature` matches token/timestamp/nonce of the query."""
    parts = (token, args.get("timestamp", ""), args.get("nonce", ""))
    if not token or not signature_ok(parts, args.get("signature", "")):
        raise Forbidden("wrong signature")


def check_fresh(timestamp: str, now: float, max_skew_seconds: int) -> None:
    """Raise Forbidden unless the request's timestamp is within max_skew of now (replay guard)."""
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        raise Forbidden("timestamp is not a number")
    if abs(now - int(timestamp)) > max_skew_seconds:
        raise Forbidden(f"stale timestamp {timestamp} (now {int(now)})")


# --- safe mode (安全模式) -----------------------------------------------------------------------


class _PrpCrypto(PrpCrypto):  # type: ignore[misc]  # wechatpy is untyped
    """wechatpy's framing, with the 16-char random prefix from `secrets` instead of `random`:
    the IV is fixed (key[:16]), so this prefix is all that makes two ciphertexts differ."""

    def get_random_string(self) -> str:
        return secrets.token_urlsafe(12)


class MpCrypto:
    """AES-256-CBC message crypto of 安全模式, keyed by the 43-char EncodingAESKey and the AppID."""

    def __init__(self, token: str, aes_key: str, app_id: str) -> None:
        self.token, self.app_id = token, app_id
        self._prp = _PrpCrypto(_decode_aes_key(aes_key))

    def decrypt(self, encrypt: str, *, msg_signature: str, timestamp: str, nonce: str) -> str:
        """The inner XML of an Encrypt field; Forbidden on a bad msg_signature, else Malformed."""
        if not signature_ok((self.token, timestamp, nonce, encrypt), msg_signature):
            raise Forbidden("wrong msg_signature")
        try:
            raw = base64.b64decode(encrypt, validate=True)
        except binascii.Error as exc:
            raise Malformed("Encrypt is not base64") from exc
        if len(raw) < 32 or len(raw) % 16:
            raise Malformed("Encrypt has a wrong length")
        try:
            return cast(str, self._prp.decrypt(encrypt, self.app_id))
        except InvalidAppIdException as exc:
            raise Malformed("message is for another AppID") from exc
        except (ValueError, struct.error, IndexError) as exc:  # wechatpy's errors on bad bytes
            raise Malformed(f"cannot decrypt: {type(exc).__name__}") from exc

    def encrypt(self, xml: str, *, timestamp: str, nonce: str) -> str:
        """The encrypted reply envelope WeChat expects, signed with msg_signature."""
        encrypt = cast(bytes, self._prp.encrypt(xml, self.app_id)).decode("ascii")
        signature = sign(self.token, timestamp, nonce, encrypt)
        return (
            f"<xml><Encrypt>{cdata(encrypt)}</Encrypt><MsgSignature>{cdata(signature)}"
            f"</MsgSignature><TimeStamp>{timestamp}</TimeStamp><Nonce>{cdata(nonce)}</Nonce></xml>"
        )


def _decode_aes_key(aes_key: str) -> bytes:
    """EncodingAESKey (43 base64 chars) → the 32-byte AES key; ValueError when misconfigured."""
    if len(aes_key) != 43:
        raise ValueError("wechat.aes_key must have 43 characters")
    try:
        key = base64.b64decode(aes_key + "=", validate=True)
    except binascii.Error as exc:
        raise ValueError("wechat.aes_key is not base64") from exc
    if len(key) != 32:
        raise ValueError("wechat.aes_key does not decode to 32 bytes")
    return key


# --- XML in -----------------------------------------------------------------------------------


def parse_fields(body: bytes | str) -> dict[str, str]:
    """The text of each child of a WeChat <xml> root; Malformed for anything else (or a DTD)."""
    try:
        root: Element = fromstring(body, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise Malformed(f"not XML: {exc}") from exc
    if root.tag != "xml":
        raise Malformed(f"root element is <{root.tag}>, not <xml>")
    fields: dict[str, str] = {}
    for child in root:
        fields.setdefault(child.tag, (child.text or "").strip())
    return fields


def encrypted_part(body: bytes) -> str:
    """The Encrypt field of a safe-mode body."""
    encrypt = parse_fields(body).get("Encrypt", "")
    if not encrypt:
        raise Malformed("safe-mode body without Encrypt")
    return encrypt


def parse_message(body: bytes | str) -> MpMessage:
    """A WeChat message XML → MpMessage; Malformed when required fields are missing or odd."""
    return to_message(parse_fields(body))


def to_message(fields: Mapping[str, str]) -> MpMessage:
    """Map WeChat's fields to Incoming (channel "mp", 1:1: chat_id is the resident's openid)."""
    openid = _required_id(fields, "FromUserName")
    account = _required_id(fields, "ToUserName")
    msg_type = fields.get("MsgType", "").lower()
    if not msg_type:
        raise Malformed("MsgType missing")
    kind, text, event = _kind_text_event(msg_type, fields)
    msg_id = "" if kind == "event" else _required_id(fields, "MsgId")
    incoming = Incoming(
        channel=CHANNEL,
        msg_id=msg_id,
        sender_id=openid,
        chat_id=openid,
        text=text,
        received_at=_create_time(fields),
        is_group=False,
        kind=kind,
        event=event,
    )
    return MpMessage(incoming=incoming, account=account)


def _kind_text_event(msg_type: str, fields: Mapping[str, str]) -> tuple[Kind, str, str]:
    """Text; voice with Recognition counts as text; events keep their lower-cased name."""
    if msg_type == "text":
        return "text", fields.get("Content", ""), ""
    if msg_type == "voice":
        recognition = fields.get("Recognition", "")
        return ("text", recognition, "") if recognition else ("voice", "", "")
    if msg_type == "image":
        return "image", "", ""
    if msg_type == "event":
        event = fields.get("Event", "").lower()
        if not event or len(event) > MAX_ID_CHARS:
            raise Malformed("event without a usable Event")
        return "event", fields.get("EventKey", ""), event
    return "other", "", ""


def _required_id(fields: Mapping[str, str], name: str) -> str:
    value = fields.get(name, "")
    if not _ID.fullmatch(value):
        raise Malformed(f"{name} missing or not an id")
    return value


def _create_time(fields: Mapping[str, str]) -> datetime:
    raw = fields.get("CreateTime", "")
    if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_CREATE_TIME:
        raise Malformed("CreateTime missing or not a time")
    return datetime.fromtimestamp(int(raw), UTC)


# --- XML out ----------------------------------------------------------------------------------


def cdata(text: str) -> str:
    """A CDATA section that survives "]]>" in the text and drops characters XML forbids."""
    clean = _INVALID_XML_CHARS.sub("", text)
    return "<![CDATA[" + clean.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def render_text_reply(msg: MpMessage, text: str, now: int) -> str:
    """The passive text reply to `msg` (from the account to the resident)."""
    return (
        f"<xml><ToUserName>{cdata(msg.incoming.sender_id)}</ToUserName>"
        f"<FromUserName>{cdata(msg.account)}</FromUserName>"
        f"<CreateTime>{now}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{cdata(text)}</Content></xml>"
    )
