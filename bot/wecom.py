"""企业微信 (WeCom) protocol adapter: msg_signature, AES crypto, robot and app XML in and out.

The group robot callback and the workers' self-built app share one crypto scheme: AES-256-CBC
keyed by the 43-char EncodingAESKey, the plaintext ending in a "receive id". For the app that
id is the CorpID; for the robot Tencent's robot page says empty while other sources (and
Tencent's published sample vector) use the CorpID, so `WeComCrypto` accepts a list of ids.
wechatpy stays behind this module (only its AES framing class is used); XML parsing is our own
on defusedxml, DTDs refused, because the body comes from the internet.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from wechatpy.crypto import PrpCrypto
from wechatpy.exceptions import InvalidAppIdException

from handlers.types import Incoming, Kind

ROBOT_CHANNEL = "wecom_robot"
APP_CHANNEL = "wecom_app"
TEXT_LIMIT_BYTES = 2048  # robot and app text messages, UTF-8 bytes
MAX_ID_CHARS = 128  # inbox columns hold 128
MAX_NAME_CHARS = 100
WEBHOOK_HOSTS = frozenset({"qyapi.weixin.qq.com", "in.qyapi.weixin.qq.com"})
_ID = re.compile(rf"[A-Za-z0-9_\-@.=+/:]{{1,{MAX_ID_CHARS}}}")
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_LEADING_MENTION = re.compile(r"^\s*@\S+\s*")


class WeComError(ValueError):
    """A request the webhook refuses; subclasses say with which status."""


class Forbidden(WeComError):
    """Wrong msg_signature or a stale timestamp (answer 403)."""


class Malformed(WeComError):
    """A body that is not a WeCom message, or cannot be decrypted (answer 400)."""


# --- signatures and freshness ---------------------------------------------------------------


def sign(*parts: str) -> str:
    """WeCom's msg_signature: sha1 over sorted, concatenated token/timestamp/nonce/encrypt."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def check_fresh(timestamp: str, now: float, max_skew_seconds: int) -> None:
    """Raise Forbidden unless the timestamp is within max_skew of now (replay guard)."""
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        raise Forbidden("timestamp is not a number")
    if abs(now - int(timestamp)) > max_skew_seconds:
        raise Forbidden(f"stale timestamp {timestamp} (now {int(now)})")


class WeComCrypto:
    """Verify, decrypt and encrypt for one callback; the first receive id is used to encrypt."""

    def __init__(self, token: str, aes_key: str, receive_ids: Sequence[str]) -> None:
        if not token:
            raise ValueError("token is empty")
        self.token = token
        self.receive_ids = tuple(dict.fromkeys(receive_ids)) or ("",)
        self._prp = PrpCrypto(decode_aes_key(aes_key))

    def check(self, given: str, timestamp: str, nonce: str, encrypt: str) -> None:
        """Raise Forbidden unless `given` is the msg_signature of these parts (constant time)."""
        expected = sign(self.token, timestamp, nonce, encrypt).encode()
        if not hmac.compare_digest(expected, given.encode("utf-8", "replace")):
            raise Forbidden("wrong msg_signature")

    def decrypt(self, encrypt: str, *, msg_signature: str, timestamp: str, nonce: str) -> str:
        """The plaintext (echostr or message XML); Forbidden on a bad signature, else Malformed."""
        self.check(msg_signature, timestamp, nonce, encrypt)
        try:
            raw = base64.b64decode(encrypt, validate=True)
        except binascii.Error as exc:
            raise Malformed("Encrypt is not base64") from exc
        if len(raw) < 32 or len(raw) % 16:
            raise Malformed("Encrypt has a wrong length")
        for receive_id in self.receive_ids:
            try:
                return cast(str, self._prp.decrypt(encrypt, receive_id))
            except InvalidAppIdException:
                continue
            except (ValueError, struct.error, IndexError) as exc:  # wechatpy on bad bytes
                raise Malformed(f"cannot decrypt: {type(exc).__name__}") from exc
        raise Malformed("message is for another receive id (CorpID)")

    def encrypt(self, xml: str, *, timestamp: str, nonce: str) -> str:
        """The encrypted, signed reply envelope WeCom expects."""
        encrypt = cast(bytes, self._prp.encrypt(xml, self.receive_ids[0])).decode("ascii")
        signature = sign(self.token, timestamp, nonce, encrypt)
        return (
            f"<xml><Encrypt>{cdata(encrypt)}</Encrypt><MsgSignature>{cdata(signature)}"
            f"</MsgSignature><TimeStamp>{timestamp}</TimeStamp><Nonce>{cdata(nonce)}</Nonce></xml>"
        )


def decode_aes_key(aes_key: str) -> bytes:
    """EncodingAESKey (43 base64 chars) → the 32-byte AES key; ValueError when misconfigured."""
    if len(aes_key) != 43:
        raise ValueError("EncodingAESKey must have 43 characters")
    try:
        key = base64.b64decode(aes_key + "=", validate=True)
    except binascii.Error as exc:
        raise ValueError("EncodingAESKey is not base64") from exc
    if len(key) != 32:
        raise ValueError("EncodingAESKey does not decode to 32 bytes")
    return key


# --- XML in -----------------------------------------------------------------------------------


def parse_root(body: bytes | str) -> Element:
    """The <xml> root of a WeCom body; Malformed for anything else (or a DTD)."""
    try:
        root: Element = fromstring(body, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise Malformed(f"not XML: {exc}") from exc
    if root.tag != "xml":
        raise Malformed(f"root element is <{root.tag}>, not <xml>")
    return root


def text_at(root: Element, path: str) -> str:
    """Stripped text of the first element at `path` ("" when absent)."""
    node = root.find(path)
    return "" if node is None else (node.text or "").strip()


def encrypted_part(body: bytes) -> str:
    """The Encrypt field of an encrypted callback body."""
    encrypt = text_at(parse_root(body), "Encrypt")
    if not encrypt:
        raise Malformed("body without Encrypt")
    return encrypt


@dataclass(frozen=True, slots=True)
class RobotMessage:
    """A decoded robot callback: the Incoming (None for events) and where the robot can answer."""

    chat_id: str
    chat_type: str  # single, group, blackboard, blackboard_reply
    webhook_url: str  # as sent; check it with is_robot_webhook before storing it
    event: str  # add_to_chat, delete_from_chat, enter_chat ... ("" for messages)
    incoming: Incoming | None


def parse_robot(body: bytes | str, received_at: datetime, robot_name: str = "") -> RobotMessage:
    """Robot callback XML → RobotMessage; the leading @robot mention is stripped in groups."""
    root = parse_root(body)
    chat_id, sender = _id(root, "ChatId"), _id(root, "From/UserId")
    chat_type = text_at(root, "ChatType").lower() or "group"
    msg_type = text_at(root, "MsgType").lower()
    if not msg_type:
        raise Malformed("MsgType missing")
    webhook = text_at(root, "WebhookUrl")
    if msg_type == "event":
        return RobotMessage(chat_id, chat_type, webhook, _event(root, "Event/EventType"), None)
    kind, text = _robot_kind_text(root, msg_type)
    is_group = chat_type != "single"
    if is_group and kind == "text":
        text = strip_mention(text, robot_name)
    incoming = Incoming(
        channel=ROBOT_CHANNEL,
        msg_id=_id(root, "MsgId"),
        sender_id=sender,
        chat_id=chat_id,
        text=text,
        received_at=received_at,
        sender_name=text_at(root, "From/Name")[:MAX_NAME_CHARS],
        is_group=is_group,
        kind=kind,
    )
    return RobotMessage(chat_id, chat_type, webhook, "", incoming)


def _robot_kind_text(root: Element, msg_type: str) -> tuple[Kind, str]:
    """Text; mixed (text with pictures) keeps its text parts; anything else is not text."""
    if msg_type == "text":
        return "text", text_at(root, "Text/Content")
    if msg_type == "mixed":
        parts = [text_at(item, "Text/Content") for item in root.iterfind("MixedMessage/MsgItem")]
        text = "\n".join(p for p in parts if p)
        return ("text", text) if text else ("image", "")
    return ("image", "") if msg_type == "image" else ("other", "")


def strip_mention(text: str, robot_name: str = "") -> str:
    """Remove the leading `@robot` (the configured name, else the first @word) and spaces."""
    if robot_name:
        stripped = text.lstrip()
        mention = "@" + robot_name
        return stripped[len(mention) :].lstrip() if stripped.startswith(mention) else text.strip()
    return _LEADING_MENTION.sub("", text, count=1).strip()


def is_robot_webhook(url: str, extra_host: str = "") -> bool:
    """True for a robot push URL on Tencent's host: never store a URL we would POST to blindly."""
    parts = urlsplit(url)
    hosts = WEBHOOK_HOSTS | ({extra_host} if extra_host else set())
    return (
        parts.scheme in ("http", "https")
        and parts.hostname in hosts
        and parts.path == "/cgi-bin/webhook/send"
        and "key=" in parts.query
    )


@dataclass(frozen=True, slots=True)
class AppMessage:
    """A decoded self-built app callback: a worker's 1:1 message or event."""

    incoming: Incoming
    corp_id: str  # ToUserName
    agent_id: str


def parse_app(body: bytes | str) -> AppMessage:
    """App callback XML → AppMessage (channel wecom_app, chat_id = the worker's userid)."""
    root = parse_root(body)
    user, corp = _id(root, "FromUserName"), _id(root, "ToUserName")
    msg_type = text_at(root, "MsgType").lower()
    kind: Kind
    event = ""
    if msg_type == "text":
        kind, text = "text", text_at(root, "Content")
    elif msg_type == "event":
        kind, text, event = "event", text_at(root, "EventKey"), _event(root, "Event")
    elif msg_type in ("image", "voice"):
        kind, text = cast(Kind, msg_type), ""
    elif msg_type:
        kind, text = "other", ""
    else:
        raise Malformed("MsgType missing")
    msg_id = "" if kind == "event" else _id(root, "MsgId")
    incoming = Incoming(
        channel=APP_CHANNEL,
        msg_id=msg_id,
        sender_id=user,
        chat_id=user,
        text=text,
        received_at=_create_time(root),
        is_group=False,
        kind=kind,
        event=event,
    )
    return AppMessage(incoming, corp, text_at(root, "AgentID"))


def _id(root: Element, path: str) -> str:
    value = text_at(root, path)
    if not _ID.fullmatch(value):
        raise Malformed(f"{path} missing or not an id")
    return value


def _event(root: Element, path: str) -> str:
    event = text_at(root, path).lower()
    if not event or len(event) > 64:
        raise Malformed("event without a usable name")
    return event


def _create_time(root: Element) -> datetime:
    raw = text_at(root, "CreateTime")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 11:
        raise Malformed("CreateTime missing or not a time")
    return datetime.fromtimestamp(int(raw), UTC)


# --- XML out ----------------------------------------------------------------------------------


def cdata(text: str) -> str:
    """A CDATA section that survives "]]>" in the text and drops characters XML forbids."""
    clean = _INVALID_XML_CHARS.sub("", text)
    return "<![CDATA[" + clean.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def fits(text: str) -> bool:
    """True when the text fits one WeCom text message."""
    return len(text.encode("utf-8")) <= TEXT_LIMIT_BYTES


def render_robot_reply(text: str, mention: str = "") -> str:
    """The robot's passive text reply (plaintext, to be encrypted), @-mentioning `mention`."""
    mentioned = f"<MentionedList><Item>{cdata(mention)}</Item></MentionedList>" if mention else ""
    content = f"<Content>{cdata(text)}</Content>"
    return f"<xml><MsgType>text</MsgType><Text>{content}{mentioned}</Text></xml>"


def render_app_reply(msg: AppMessage, text: str, now: int) -> str:
    """The app's passive text reply to the worker (plaintext, to be encrypted)."""
    return (
        f"<xml><ToUserName>{cdata(msg.incoming.sender_id)}</ToUserName>"
        f"<FromUserName>{cdata(msg.corp_id)}</FromUserName><CreateTime>{now}</CreateTime>"
        f"<MsgType><![CDATA[text]]></MsgType><Content>{cdata(text)}</Content></xml>"
    )
