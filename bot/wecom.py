"""企业微信 (WeCom) protocol adapter: the crypto's receive ids, robot and app XML in and out.

The group robot callback and the workers' self-built app share one crypto scheme with the
公众号 (`bot.callback_crypto`: msg_signature, AES-256-CBC keyed by the 43-char EncodingAESKey,
the plaintext ending in a "receive id"). For the app that id is the CorpID; for the robot
Tencent's robot page says empty while other sources (and Tencent's published sample vector) use
the CorpID, so `WeComCrypto` accepts a list of ids. Messages are nested XML read by path.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

from bot.callback_crypto import CallbackCrypto, cdata, event_name, parse_root, text_at, unix_time

# re-exported: callers and tests speak of wecom.Forbidden and wecom.Malformed
from bot.callback_crypto import Forbidden as Forbidden
from bot.callback_crypto import Malformed as Malformed
from bot.wechat_mp import media_ref
from handlers.types import Incoming, Kind

ROBOT_CHANNEL = "wecom_robot"
APP_CHANNEL = "wecom_app"
TEXT_LIMIT_BYTES = 2048  # robot and app text messages, UTF-8 bytes
MAX_ID_CHARS = 128  # inbox columns hold 128
MAX_NAME_CHARS = 100
MAX_URL_CHARS = 1000  # pictures.media holds 1024
WEBHOOK_HOSTS = frozenset({"qyapi.weixin.qq.com", "in.qyapi.weixin.qq.com"})
_ID = re.compile(rf"[A-Za-z0-9_\-@.=+/:]{{1,{MAX_ID_CHARS}}}")
_LEADING_MENTION = re.compile(r"^\s*@\S+\s*")


class WeComCrypto(CallbackCrypto):
    """Verify, decrypt and encrypt for one callback; the first receive id is used to encrypt."""

    id_name = "receive id (CorpID)"

    def __init__(self, token: str, aes_key: str, receive_ids: Sequence[str]) -> None:
        if not token:
            raise ValueError("token is empty")
        super().__init__(token, aes_key, tuple(dict.fromkeys(receive_ids)) or ("",))


# --- XML in -----------------------------------------------------------------------------------


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
    kind, text, media = _robot_kind_text(root, msg_type)
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
        media=media,
    )
    return RobotMessage(chat_id, chat_type, webhook, "", incoming)


def _robot_kind_text(root: Element, msg_type: str) -> tuple[Kind, str, str]:
    """Text; mixed (text with pictures) keeps its text parts, else its first picture; an image
    keeps its URL ("url:…") for the OCR job; anything else is not text."""
    if msg_type == "text":
        return "text", text_at(root, "Text/Content"), ""
    if msg_type == "mixed":
        items = list(root.iterfind("MixedMessage/MsgItem"))
        text = "\n".join(p for p in (text_at(item, "Text/Content") for item in items) if p)
        if text:
            return "text", text, ""
        urls = [text_at(item, "Image/ImageUrl") for item in items]
        return "image", "", _image_ref(next((u for u in urls if u), ""))
    if msg_type == "image":
        return "image", "", _image_ref(text_at(root, "Image/ImageUrl"))
    return "other", "", ""


def _image_ref(url: str) -> str:
    parts = urlsplit(url)
    ok = parts.scheme in ("http", "https") and bool(parts.hostname) and len(url) <= MAX_URL_CHARS
    return f"url:{url}" if ok else ""


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
        received_at=unix_time(text_at(root, "CreateTime")),
        is_group=False,
        kind=kind,
        event=event,
        media=media_ref("wecom", text_at(root, "MediaId")) if kind == "image" else "",
    )
    return AppMessage(incoming, corp, text_at(root, "AgentID"))


def _id(root: Element, path: str) -> str:
    value = text_at(root, path)
    if not _ID.fullmatch(value):
        raise Malformed(f"{path} missing or not an id")
    return value


def _event(root: Element, path: str) -> str:
    return event_name(text_at(root, path))


# --- XML out ----------------------------------------------------------------------------------


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
