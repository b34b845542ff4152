"""Tencent callback protocol shared by 公众号 and 企业微信: signatures, freshness, AES, XML.

wechatpy stays behind this module (only its AES framing class is used) so it can be replaced.
Parsing is our own on defusedxml: callback XML comes from the internet before anything about it
is trusted, so DTDs (and with them entity expansion and external entities) are refused outright.
What differs per channel — the receive id (AppID, CorpID or empty), message shapes, id rules —
stays in `bot.wechat_mp` and `bot.wecom`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import struct
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import ClassVar, cast
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from wechatpy.crypto import PrpCrypto
from wechatpy.exceptions import InvalidAppIdException

MAX_CREATE_TIME = 10**10  # year 2286; beyond that datetime conversion is pointless
MAX_EVENT_CHARS = 64
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class CallbackError(ValueError):
    """A request a callback refuses; subclasses say with which status."""


class Forbidden(CallbackError):
    """Wrong signature or a stale timestamp (answer 403)."""


class Malformed(CallbackError):
    """A body that is not a callback message, or cannot be decrypted (answer 400)."""


# --- signatures and freshness ---------------------------------------------------------------


def sign(*parts: str) -> str:
    """Tencent's signature: sha1 over sorted, joined parts (token, timestamp, nonce[, Encrypt])."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def signature_ok(expected_parts: tuple[str, ...], given: str) -> bool:
    """Constant-time comparison of sign(*expected_parts) with the signature the caller sent."""
    return hmac.compare_digest(sign(*expected_parts).encode(), given.encode("utf-8", "replace"))


def check_fresh(timestamp: str, now: float, max_skew_seconds: int) -> None:
    """Raise Forbidden unless the request's timestamp is within max_skew of now (replay guard)."""
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        raise Forbidden("timestamp is not a number")
    if abs(now - int(timestamp)) > max_skew_seconds:
        raise Forbidden(f"stale timestamp {timestamp} (now {int(now)})")


# --- AES (安全模式 / 加密模式) ----------------------------------------------------------------


class _PrpCrypto(PrpCrypto):  # type: ignore[misc]  # wechatpy is untyped
    """wechatpy's framing, with the 16-char random prefix from `secrets` instead of `random`:
    the IV is fixed (key[:16]), so this prefix is all that makes two ciphertexts differ."""

    def get_random_string(self) -> str:
        return secrets.token_urlsafe(12)


def decode_aes_key(aes_key: str, name: str = "EncodingAESKey") -> bytes:
    """EncodingAESKey (43 base64 chars) → the 32-byte AES key; ValueError when misconfigured."""
    if len(aes_key) != 43:
        raise ValueError(f"{name} must have 43 characters")
    try:
        key = base64.b64decode(aes_key + "=", validate=True)
    except binascii.Error as exc:
        raise ValueError(f"{name} is not base64") from exc
    if len(key) != 32:
        raise ValueError(f"{name} does not decode to 32 bytes")
    return key


class CallbackCrypto:
    """AES-256-CBC callback crypto: the plaintext ends in a receive id; any of `receive_ids`
    is accepted on the way in, the first is used on the way out. Subclasses name the key and
    the id for their channel's messages."""

    key_name: ClassVar[str] = "EncodingAESKey"
    id_name: ClassVar[str] = "receive id"

    def __init__(self, token: str, aes_key: str, receive_ids: Sequence[str]) -> None:
        self.token = token
        self.receive_ids = tuple(receive_ids)
        self._prp = _PrpCrypto(decode_aes_key(aes_key, self.key_name))

    def check(self, given: str, timestamp: str, nonce: str, encrypt: str) -> None:
        """Raise Forbidden unless `given` is the msg_signature of these parts (constant time)."""
        if not self.token or not signature_ok((self.token, timestamp, nonce, encrypt), given):
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
        raise Malformed(f"message is for another {self.id_name}")

    def decrypt_query(self, encrypt: str, args: Mapping[str, str]) -> str:
        """decrypt() with msg_signature, timestamp and nonce taken from the request's query."""
        return self.decrypt(
            encrypt,
            msg_signature=args.get("msg_signature", ""),
            timestamp=args.get("timestamp", ""),
            nonce=args.get("nonce", ""),
        )

    def encrypt(self, xml: str, *, timestamp: str, nonce: str) -> str:
        """The encrypted reply envelope Tencent expects, signed with msg_signature."""
        encrypt = cast(bytes, self._prp.encrypt(xml, self.receive_ids[0])).decode("ascii")
        signature = sign(self.token, timestamp, nonce, encrypt)
        return (
            f"<xml><Encrypt>{cdata(encrypt)}</Encrypt><MsgSignature>{cdata(signature)}"
            f"</MsgSignature><TimeStamp>{timestamp}</TimeStamp><Nonce>{cdata(nonce)}</Nonce></xml>"
        )


# --- XML in -----------------------------------------------------------------------------------


def parse_root(body: bytes | str) -> Element:
    """The <xml> root of a callback body; Malformed for anything else (or a DTD)."""
    try:
        root: Element = fromstring(body, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError, LookupError) as exc:
        # LookupError: an XML declaration naming an encoding Python does not know
        raise Malformed(f"not XML: {exc}") from exc
    if root.tag != "xml":
        raise Malformed(f"root element is <{root.tag}>, not <xml>")
    return root


def text_at(root: Element, path: str) -> str:
    """Stripped text of the first element at `path` ("" when absent)."""
    node = root.find(path)
    return "" if node is None else (node.text or "").strip()


def child_texts(root: Element) -> dict[str, str]:
    """The stripped text of each child of `root` (the first one of a repeated name)."""
    fields: dict[str, str] = {}
    for child in root:
        fields.setdefault(child.tag, (child.text or "").strip())
    return fields


def encrypted_part(body: bytes) -> str:
    """The Encrypt field of an encrypted callback body."""
    encrypt = text_at(parse_root(body), "Encrypt")
    if not encrypt:
        raise Malformed("body without Encrypt")
    return encrypt


def unix_time(raw: str) -> datetime:
    """CreateTime (unix seconds) → aware UTC; Malformed for anything else. The length check
    comes first: int() of thousands of digits raises a plain ValueError (a 500)."""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 11 or int(raw) > MAX_CREATE_TIME:
        raise Malformed("CreateTime missing or not a time")
    return datetime.fromtimestamp(int(raw), UTC)


def event_name(raw: str) -> str:
    """An event's lower-cased name; Malformed when missing or too long to be one."""
    event = raw.lower()
    if not event or len(event) > MAX_EVENT_CHARS:
        raise Malformed("event without a usable name")
    return event


# --- XML out ----------------------------------------------------------------------------------


def cdata(text: str) -> str:
    """A CDATA section that survives "]]>" in the text and drops characters XML forbids."""
    clean = _INVALID_XML_CHARS.sub("", text)
    return "<![CDATA[" + clean.replace("]]>", "]]]]><![CDATA[>") + "]]>"
