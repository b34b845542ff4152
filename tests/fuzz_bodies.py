"""Request bodies the fuzzer (tests/fuzzing.py) builds per route: forms for the worker page,
JSON for the simulator and the bridge (HMAC-signed), XML for the Tencent callbacks (signed and
encrypted with tests.tencent_crypto, with odd XML declarations)."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from tests import tencent_crypto
from tests import wechat_client as wc
from tests import wecom_client as wcc

if TYPE_CHECKING:
    from tests.fuzzing import Fuzzer, Request

BRIDGE_SECRET = "fuzz-relay-secret"
HUGE_INTS = [0, 1, 7, 2**31, 2**63 - 1, 2**63, 2**64, 10**30, -1, -(2**63) - 1]
ENCODINGS = ["x-unknown", "utf-16", "utf-32", "cp500", "iso-2022-jp", "latin-1", "", "utf-8"]


def generic(f: Fuzzer, req: Request) -> None:
    """A form (valid CSRF token most of the time) or random bytes."""
    choice = f.rng.random()
    if choice < 0.5:
        fields = {"csrf_token": f.csrf if f.rng.random() < 0.8 else "x"}
        for name in [
            "action",
            "reason",
            "qty",
            "product",
            "rule",
            "note",
            "code",
            "flags",
            "next",
            "text",
            "title",
            "chat",
            "community_id",
        ]:
            if f.rng.random() < 0.4:
                fields[name] = f._value()
        req.body = "&".join(f"{k}={v}" for k, v in fields.items()).encode()
        req.headers["Content-Type"] = "application/x-www-form-urlencoded"
    else:
        req.body = f.rng.randbytes(f.rng.randint(0, 300))


def _sim_send(f: Fuzzer, req: Request) -> None:
    base = {"chat": "sim-g-3hao", "sender": "sim-u-lijg", "text": f.text(), "sender_name": "李"}
    req.body = f.json_body(base)
    req.headers["Content-Type"] = "application/json"


def _bridge(f: Fuzzer, req: Request) -> None:
    if req.path.endswith("/ack"):
        base: dict[str, Any] = {"ids": [f.rng.choice(HUGE_INTS) for _ in range(3)]}
    else:
        base = {"chat": "g1", "sender": "u1", "text": f.text(), "msg_id": str(f.rng.random())}
    req.body = f.json_body(base) if req.method == "POST" else b""
    stamp = str(int(time.time()))
    if f.rng.random() < 0.85:
        mac = hmac.new(BRIDGE_SECRET.encode(), stamp.encode() + b"\n" + req.body, hashlib.sha256)
        req.headers |= {"X-Linli-Timestamp": stamp, "X-Linli-Signature": mac.hexdigest()}
    req.headers["Content-Type"] = "application/json"


def _xml_message(f: Fuzzer, fields: dict[str, Any]) -> str:
    for _ in range(f.rng.randint(0, 3)):
        fields[f.rng.choice(list(fields))] = f.rng.choice([*HUGE_INTS, f.text(), "event", ""])
    encoding = f.rng.choice(ENCODINGS)
    declaration = f'<?xml version="1.0" encoding="{encoding}"?>' if encoding else ""
    return declaration + wc.make_xml(**fields)


def _mp(f: Fuzzer, req: Request) -> None:
    ts, nonce = str(int(time.time())), str(f.rng.randrange(10**9))
    fields = {
        "ToUserName": wc.ACCOUNT,
        "FromUserName": "o_fuzz",
        "CreateTime": int(ts),
        "MsgType": "text",
        "Content": f.text(),
        "MsgId": str(f.rng.randrange(10**19)),
    }
    xml = _xml_message(f, fields)
    query = {"signature": tencent_crypto.sign(wc.TOKEN, ts, nonce), "timestamp": ts, "nonce": nonce}
    if f.rng.random() < 0.5:  # safe mode: the XML above (declaration and all) is encrypted
        encrypted = tencent_crypto.encrypt(_utf8(xml), wc.AES_KEY, wc.APP_ID)
        query |= {
            "encrypt_type": "aes",
            "msg_signature": tencent_crypto.sign(wc.TOKEN, ts, nonce, encrypted),
        }
        xml = _declared(f) + wc.make_xml(ToUserName=wc.ACCOUNT, Encrypt=encrypted)
    _signed(f, req, query, xml)


def _wecom(f: Fuzzer, req: Request) -> None:
    ts, nonce = str(int(time.time())), str(f.rng.randrange(10**9))
    inner = _xml_message(
        f,
        {
            "ChatId": "wrkSFfCgAA",
            "MsgId": str(f.rng.random()),
            "MsgType": "text",
            "CreateTime": int(ts),
            "FromUserName": "zhangsan",
            "ToUserName": wcc.CORP_ID,
            "Content": f.text(),
            "AgentID": "1000002",
        },
    )
    encrypted = tencent_crypto.encrypt(_utf8(inner), wcc.AES_KEY, wcc.CORP_ID)
    query = {
        "msg_signature": tencent_crypto.sign(wcc.TOKEN, ts, nonce, encrypted),
        "timestamp": ts,
        "nonce": nonce,
    }
    if req.method == "GET":
        query["echostr"] = encrypted
    _signed(f, req, query, _declared(f) + wc.make_xml(Encrypt=encrypted))


def _utf8(text: str) -> str:
    """What Tencent can encrypt: UTF-8 text (a lone surrogate becomes "?")."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _declared(f: Fuzzer) -> str:
    encoding = f.rng.choice(ENCODINGS)
    return f'<?xml version="1.0" encoding="{encoding}"?>' if encoding else ""


def _signed(f: Fuzzer, req: Request, query: dict[str, str], xml: str) -> None:
    """Keep the real signature most of the time; sometimes spoil the query or the body."""
    if f.rng.random() < 0.15:
        query[f.rng.choice(list(query))] = f._value()
    req.query = "&".join(f"{k}={quote(v, safe='')}" for k, v in query.items()).encode()
    body = xml.encode("utf-8", "surrogatepass")
    req.body = f.rng.randbytes(40) + body if f.rng.random() < 0.05 else body
    req.headers["Content-Type"] = "text/xml"


BODIES: dict[str, Callable[[Fuzzer, Request], None]] = {
    "/sim/api/send": _sim_send,
    "/bridge/messages": _bridge,
    "/bridge/outbox": _bridge,
    "/bridge/outbox/ack": _bridge,
    "/wechat/mp": _mp,
    "/wecom/robot": _wecom,
    "/wecom/app": _wecom,
}
