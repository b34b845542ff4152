"""An independent 企业微信 client for tests: builds callback XML, signs and encrypts with
tests.tencent_crypto (hashlib and `cryptography` directly — never through wechatpy or bot.wecom)
so the callbacks are tested against an implementation they do not share."""

from __future__ import annotations

import itertools
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from tests import tencent_crypto
from tests.tencent_crypto import sign as sign  # tests sign through the client module

# WeCom's published sample vector (URL verification).
TOKEN = "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo"
AES_KEY = "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt"
CORP_ID = "ww1436e0e65a779aee"
VECTOR_MSG_SIGNATURE = "012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb"
VECTOR_TIMESTAMP = "1476416373"
VECTOR_NONCE = "47744683"
VECTOR_ECHOSTR = (
    "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA=="
)
VECTOR_PLAIN = "1288432023552776189"
WEBHOOK_URL = "http://in.qyapi.weixin.qq.com/cgi-bin/webhook/send?key=test-robot-key"


def encrypt(text: str, aes_key: str = AES_KEY, receive_id: str = CORP_ID) -> str:
    """The Encrypt field WeCom sends for `text` (tests.tencent_crypto with the CorpID)."""
    return tencent_crypto.encrypt(text, aes_key, receive_id)


def decrypt(encrypted: str, aes_key: str = AES_KEY) -> tuple[str, str]:
    """Inverse of encrypt: (text, receive id)."""
    return tencent_crypto.decrypt(encrypted, aes_key)


def robot_xml(
    text: str,
    *,
    chat_id: str = "wrkSFfCgAALFgnrSsWU38puiv4yvExuw",
    user_id: str = "zhangsan",
    name: str = "张三",
    msg_id: str = "CIGABBCOgP3qBRiR4vm7goCAAyAY",
    chat_type: str = "group",
    msg_type: str = "text",
    webhook_url: str = WEBHOOK_URL,
    event_type: str = "",
) -> str:
    """A robot callback as WeCom's robot page shows it (nested From, Text, Event)."""
    body = (
        f"<Event><EventType><![CDATA[{event_type}]]></EventType></Event>"
        if msg_type == "event"
        else f"<Text><Content><![CDATA[{text}]]></Content></Text>"
    )
    return (
        f"<xml><WebhookUrl><![CDATA[{webhook_url}]]></WebhookUrl><MsgId>{msg_id}</MsgId>"
        f"<ChatId><![CDATA[{chat_id}]]></ChatId><ChatType>{chat_type}</ChatType>"
        f"<From><UserId>{user_id}</UserId><Name><![CDATA[{name}]]></Name>"
        f"<Alias><![CDATA[{user_id}]]></Alias></From>"
        f"<GetChatInfoUrl><![CDATA[https://qyapi.weixin.qq.com/cgi-bin/webhook/get_chat_info"
        f"?code=CODE]]></GetChatInfoUrl><MsgType>{msg_type}</MsgType>{body}</xml>"
    )


def app_xml(
    text: str,
    *,
    user_id: str = "worker1",
    msg_id: str = "7000000000000000001",
    agent_id: int = 1000002,
    create_time: int | None = None,
) -> str:
    """A worker's text message to the self-built app."""
    return (
        f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName>"
        f"<FromUserName><![CDATA[{user_id}]]></FromUserName>"
        f"<CreateTime>{create_time or int(time.time())}</CreateTime>"
        f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{text}]]></Content>"
        f"<MsgId>{msg_id}</MsgId><AgentID>{agent_id}</AgentID></xml>"
    )


def parse_xml(body: bytes | str) -> ET.Element:
    """Our own server's (trusted) reply."""
    return ET.fromstring(body)


@dataclass
class WeComActions:
    """flaskr-style actions helper: what the WeCom server does to one of our callbacks."""

    client: Any  # flask.testing.FlaskClient
    path: str
    receive_id: str = CORP_ID
    token: str = TOKEN
    aes_key: str = AES_KEY
    now: Callable[[], float] = time.time
    nonces: itertools.count[int] = field(default_factory=lambda: itertools.count(47744683))

    def query(self, encrypted: str, *, timestamp: str | None = None) -> dict[str, str]:
        """timestamp, nonce and the msg_signature over them and the encrypted part."""
        ts = timestamp or str(int(self.now()))
        nonce = str(next(self.nonces))
        return {
            "msg_signature": sign(self.token, ts, nonce, encrypted),
            "timestamp": ts,
            "nonce": nonce,
        }

    def verify(self, echo: str = "echo-4711") -> Any:
        """The GET with which WeCom checks the URL (echostr encrypted)."""
        echostr = encrypt(echo, self.aes_key, self.receive_id)
        params = self.query(echostr) | {"echostr": echostr}
        return self.client.get(f"{self.path}?{urlencode(params)}")

    def post(self, xml: str, **query: str) -> Any:
        """POST an encrypted callback; query items override the signed ones."""
        encrypted = encrypt(xml, self.aes_key, self.receive_id)
        params = self.query(encrypted) | query
        body = f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName>"
        body += f"<Encrypt><![CDATA[{encrypted}]]></Encrypt><AgentID>1</AgentID></xml>"
        return self.client.post(
            f"{self.path}?{urlencode(params)}", data=body.encode(), content_type="text/xml"
        )

    def reply(self, response: Any) -> ET.Element | None:
        """The decrypted passive reply (signature and receive id checked); None when empty."""
        assert response.status_code == 200, response.data
        if not response.data:
            return None
        envelope = parse_xml(response.data)
        encrypted = envelope.findtext("Encrypt", "")
        expected = sign(
            self.token,
            envelope.findtext("TimeStamp", ""),
            envelope.findtext("Nonce", ""),
            encrypted,
        )
        assert envelope.findtext("MsgSignature") == expected
        xml, receive_id = decrypt(encrypted, self.aes_key)
        assert receive_id in ("", CORP_ID)
        return parse_xml(xml)
