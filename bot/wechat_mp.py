"""公众号 (Official Account) protocol adapter: plain-mode signature, safe-mode crypto, messages.

The Tencent parts it shares with 企业微信 (signatures, freshness, AES framing, DTD-refusing XML
parsing, CDATA) live in `bot.callback_crypto`; here are the 公众号's own: the receive id is the
AppID, the message fields are flat children of <xml>, and the passive reply comes from the
account's original id.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bot.callback_crypto import CallbackCrypto, child_texts, event_name, parse_root, unix_time

# re-exported: the webhook and tests speak of mp.sign, mp.Forbidden, ...
from bot.callback_crypto import Forbidden as Forbidden
from bot.callback_crypto import Malformed as Malformed
from bot.callback_crypto import cdata as cdata
from bot.callback_crypto import check_fresh as check_fresh
from bot.callback_crypto import encrypted_part as encrypted_part
from bot.callback_crypto import sign as sign
from bot.callback_crypto import signature_ok as signature_ok
from handlers.types import Incoming, Kind

CHANNEL = "mp"
MAX_ID_CHARS = 64  # openids are 28 chars, MsgIds 19 digits; inbox columns hold 128
_ID = re.compile(rf"[A-Za-z0-9_\-@.=]{{1,{MAX_ID_CHARS}}}")
_MEDIA_ID = re.compile(r"[A-Za-z0-9_\-@.=+/]{1,256}")  # media ids are ~64 url-safe characters


@dataclass(frozen=True, slots=True)
class MpMessage:
    """A decoded message: the neutral Incoming plus the account id the reply must come from."""

    incoming: Incoming
    account: str  # ToUserName: the Official Account's original id (gh_...)


def check_signature(token: str, args: Mapping[str, str]) -> None:
    """Plain mode: raise Forbidden unless `signature` matches token/timestamp/nonce of the query."""
    parts = (token, args.get("timestamp", ""), args.get("nonce", ""))
    if not token or not signature_ok(parts, args.get("signature", "")):
        raise Forbidden("wrong signature")


class MpCrypto(CallbackCrypto):
    """AES-256-CBC message crypto of 安全模式, keyed by the 43-char EncodingAESKey and the AppID."""

    key_name = "wechat.aes_key"
    id_name = "AppID"

    def __init__(self, token: str, aes_key: str, app_id: str) -> None:
        super().__init__(token, aes_key, (app_id,))
        self.app_id = app_id


# --- XML in -----------------------------------------------------------------------------------


def parse_fields(body: bytes | str) -> dict[str, str]:
    """The text of each child of a WeChat <xml> root; Malformed for anything else (or a DTD)."""
    return child_texts(parse_root(body))


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
        received_at=unix_time(fields.get("CreateTime", "")),
        is_group=False,
        kind=kind,
        event=event,
        media=media_ref("mp", fields.get("MediaId", "")) if kind == "image" else "",
    )
    return MpMessage(incoming=incoming, account=account)


def media_ref(channel: str, media_id: str) -> str:
    """The OCR job's reference "mp:ID" / "wecom:ID"; "" when MediaId is missing or odd."""
    return f"{channel}:{media_id}" if _MEDIA_ID.fullmatch(media_id) else ""


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
        return "event", fields.get("EventKey", ""), event_name(fields.get("Event", ""))
    return "other", "", ""


def _required_id(fields: Mapping[str, str], name: str) -> str:
    value = fields.get(name, "")
    if not _ID.fullmatch(value):
        raise Malformed(f"{name} missing or not an id")
    return value


# --- XML out ----------------------------------------------------------------------------------


def render_text_reply(msg: MpMessage, text: str, now: int) -> str:
    """The passive text reply to `msg` (from the account to the resident)."""
    return (
        f"<xml><ToUserName>{cdata(msg.incoming.sender_id)}</ToUserName>"
        f"<FromUserName>{cdata(msg.account)}</FromUserName>"
        f"<CreateTime>{now}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{cdata(text)}</Content></xml>"
    )
