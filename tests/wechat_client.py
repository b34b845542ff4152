"""An independent 公众号 client for tests: builds XML, signs and encrypts with tests.tencent_crypto
(hashlib and `cryptography` directly — never through wechatpy or bot.wechat_mp) so the webhook
is tested against an implementation it does not share."""

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

# The Tencent documentation's safe-mode vector.
TOKEN = "spamtest"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APP_ID = "wx2c2769f8efd9abc2"
VECTOR_TIMESTAMP = "1409735669"
VECTOR_NONCE = "1320562132"
VECTOR_MSG_SIGNATURE = "5d197aaffba7e9b25a30732f161a50dee96bd5fa"
VECTOR_ENCRYPT = (
    "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PG"
    "HQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6"
    "tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp"
    "3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhv"
    "Ql+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE="
)
VECTOR_CONTENT = "abcdteT"
VECTOR_MSG_ID = "6054768590064713728"
ACCOUNT = "gh_10f6c3c3ac5a"


def encrypt(xml: str, aes_key: str = AES_KEY, app_id: str = APP_ID) -> str:
    """The Encrypt field WeChat sends for `xml` (tests.tencent_crypto with this account's id)."""
    return tencent_crypto.encrypt(xml, aes_key, app_id)


def decrypt(encrypted: str, aes_key: str = AES_KEY) -> tuple[str, str]:
    """Inverse of encrypt: (xml, app_id)."""
    return tencent_crypto.decrypt(encrypted, aes_key)


def make_xml(**fields: Any) -> str:
    """<xml> with one CDATA/number child per field, in order."""
    parts = [
        f"<{k}>{v}</{k}>" if isinstance(v, int) else f"<{k}><![CDATA[{v}]]></{k}>"
        for k, v in fields.items()
    ]
    return "<xml>" + "".join(parts) + "</xml>"


def make_text_xml(text: str | None, **overrides: Any) -> str:
    """A resident's message (text by default); overrides replace, add or (None) drop fields."""
    fields: dict[str, Any] = {
        "ToUserName": ACCOUNT,
        "FromUserName": "o_u1",
        "CreateTime": int(time.time()),
        "MsgType": "text",
        "Content": text,
        "MsgId": "1000000000000000001",
    }
    fields.update(overrides)
    return make_xml(**{k: v for k, v in fields.items() if v is not None})


def parse_xml(body: bytes | str) -> dict[str, str]:
    """The children of a (trusted, our own server's) <xml> reply."""
    return {child.tag: child.text or "" for child in ET.fromstring(body)}


_ids = itertools.count(int(time.time() * 1000) % 10**12 * 10**6)


def next_msg_id() -> str:
    """A fresh MsgId (19 digits, like WeChat's)."""
    return str(6 * 10**18 + next(_ids))


@dataclass
class WeChatActions:
    """flaskr-style actions helper: what the WeChat server does to our webhook."""

    client: Any  # flask.testing.FlaskClient
    token: str = TOKEN
    aes_key: str = AES_KEY
    app_id: str = APP_ID
    now: Callable[[], float] = time.time
    nonces: itertools.count[int] = field(default_factory=lambda: itertools.count(1320562132))

    def query(self, *, timestamp: str | None = None, **extra: str) -> dict[str, str]:
        """timestamp, nonce and their signature (plus extra parameters)."""
        ts = timestamp or str(int(self.now()))
        nonce = str(next(self.nonces))
        return {"signature": sign(self.token, ts, nonce), "timestamp": ts, "nonce": nonce, **extra}

    def verify(self, echostr: str = "echo-123", **query: str) -> Any:
        """The GET with which WeChat checks the URL."""
        params = self.query() | {"echostr": echostr} | query
        return self.client.get("/wechat/mp?" + urlencode(params))

    def post(
        self, xml: str | bytes, *, safe: bool = False, timestamp: str | None = None, **query: str
    ) -> Any:
        """POST a message as WeChat does, in plain or safe mode; query items override."""
        params = self.query(timestamp=timestamp)
        body = xml.encode() if isinstance(xml, str) else xml
        if safe:
            encrypted = encrypt(body.decode(), self.aes_key, self.app_id)
            params |= {
                "encrypt_type": "aes",
                "msg_signature": sign(self.token, params["timestamp"], params["nonce"], encrypted),
            }
            body = make_xml(ToUserName=ACCOUNT, Encrypt=encrypted).encode()
        params |= query
        return self.client.post(
            "/wechat/mp?" + urlencode(params), data=body, content_type="text/xml"
        )

    def reply_fields(self, response: Any) -> dict[str, str] | None:
        """The reply's fields (decrypted and signature-checked if encrypted); None for success."""
        assert response.status_code == 200, response.data
        if response.data == b"success":
            return None
        fields = parse_xml(response.data)
        if "Encrypt" in fields:
            expected = sign(self.token, fields["TimeStamp"], fields["Nonce"], fields["Encrypt"])
            assert fields["MsgSignature"] == expected
            xml, app_id = decrypt(fields["Encrypt"], self.aes_key)
            assert app_id == self.app_id
            fields = parse_xml(xml)
        return fields

    def send_text(
        self,
        text: str,
        sender_id: str = "o_u1",
        msg_id: str | None = None,
        *,
        safe: bool = False,
        **overrides: Any,
    ) -> str | None:
        """Send a text message; return the reply's Content (None when answered "success")."""
        xml = make_text_xml(
            text,
            FromUserName=sender_id,
            MsgId=msg_id or next_msg_id(),
            CreateTime=int(self.now()),
            **overrides,
        )
        fields = self.reply_fields(self.post(xml, safe=safe))
        if fields is None:
            return None
        assert fields["MsgType"] == "text" and fields["ToUserName"] == sender_id
        return fields["Content"]
