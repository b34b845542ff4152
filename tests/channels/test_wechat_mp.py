"""bot.wechat_mp: signatures, freshness, safe-mode crypto (Tencent's vector), XML in and out."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from bot import wechat_mp as mp
from tests import wechat_client as wc
from tests.wechat_client import make_text_xml, make_xml, parse_xml


@pytest.fixture
def crypto() -> mp.MpCrypto:
    return mp.MpCrypto(wc.TOKEN, wc.AES_KEY, wc.APP_ID)


def vector_decrypt(crypto: mp.MpCrypto, **overrides: str) -> str:
    args = {
        "msg_signature": wc.VECTOR_MSG_SIGNATURE,
        "timestamp": wc.VECTOR_TIMESTAMP,
        "nonce": wc.VECTOR_NONCE,
    } | overrides
    return crypto.decrypt(wc.VECTOR_ENCRYPT, **args)


# --- signatures and freshness ---------------------------------------------------------------


def test_sign_matches_the_tencent_vector() -> None:
    parts = (wc.TOKEN, wc.VECTOR_TIMESTAMP, wc.VECTOR_NONCE, wc.VECTOR_ENCRYPT)
    assert mp.sign(*parts) == wc.VECTOR_MSG_SIGNATURE == wc.sign(*parts)


def test_check_signature_accepts_a_signed_query() -> None:
    args = {"timestamp": "1700000000", "nonce": "42", "signature": wc.sign("t", "1700000000", "42")}
    mp.check_signature("t", args)


@pytest.mark.parametrize(
    "args",
    [
        {"timestamp": "1700000000", "nonce": "42", "signature": "0" * 40},
        {"timestamp": "1700000001", "nonce": "42", "signature": wc.sign("t", "1700000000", "42")},
        {"timestamp": "1700000000", "nonce": "42"},
        {},
        {"timestamp": "1", "nonce": "2", "signature": "签名"},
    ],
)
def test_check_signature_refuses(args: dict[str, str]) -> None:
    with pytest.raises(mp.Forbidden):
        mp.check_signature("t", args)


def test_an_empty_token_never_verifies() -> None:
    with pytest.raises(mp.Forbidden):
        mp.check_signature("", {"timestamp": "1", "nonce": "2", "signature": wc.sign("", "1", "2")})


@pytest.mark.parametrize(
    ("timestamp", "ok"),
    [
        ("1700000000", True),
        ("1700000300", True),
        ("1699999700", True),
        ("1700000301", False),
        ("1699999699", False),
        ("", False),
        ("-5", False),
        ("1e9", False),
        ("１７００００００００", False),
        ("9" * 40, False),
    ],
)
def test_check_fresh(timestamp: str, ok: bool) -> None:
    if ok:
        mp.check_fresh(timestamp, now=1_700_000_000.0, max_skew_seconds=300)
    else:
        with pytest.raises(mp.Forbidden):
            mp.check_fresh(timestamp, now=1_700_000_000.0, max_skew_seconds=300)


# --- safe mode --------------------------------------------------------------------------------


def test_the_tencent_vector_decrypts_to_a_text_message(crypto: mp.MpCrypto) -> None:
    msg = mp.parse_message(vector_decrypt(crypto)).incoming
    assert (msg.kind, msg.text, msg.msg_id) == ("text", wc.VECTOR_CONTENT, wc.VECTOR_MSG_ID)
    assert msg.channel == "mp" and not msg.is_group
    assert msg.chat_id == msg.sender_id == "oyORnuP8q7ou2gfYjqLzSIWZf0rs"
    assert msg.received_at == datetime.fromtimestamp(1409735668, UTC)


def test_a_wrong_msg_signature_is_forbidden(crypto: mp.MpCrypto) -> None:
    with pytest.raises(mp.Forbidden):
        vector_decrypt(crypto, nonce="1320562133")


def test_another_app_id_is_refused() -> None:
    other = mp.MpCrypto(wc.TOKEN, wc.AES_KEY, "wx0000000000000000")
    with pytest.raises(mp.Malformed, match="AppID"):
        vector_decrypt(other)


def test_another_key_does_not_decrypt() -> None:
    other = mp.MpCrypto(wc.TOKEN, "A" * 43, wc.APP_ID)
    with pytest.raises(mp.Malformed):
        vector_decrypt(other)


@pytest.mark.parametrize(
    "encrypt",
    [
        "",
        "not base64!",
        base64.b64encode(b"short").decode(),
        base64.b64encode(b"x" * 40).decode(),
        base64.b64encode(bytes(64)).decode(),
        base64.b64encode(bytes(range(256)) * 2).decode(),
    ],
)
def test_garbage_encrypt_is_malformed(crypto: mp.MpCrypto, encrypt: str) -> None:
    ts, nonce = "1700000000", "1"
    with pytest.raises(mp.Malformed):
        crypto.decrypt(
            encrypt, msg_signature=wc.sign(wc.TOKEN, ts, nonce, encrypt), timestamp=ts, nonce=nonce
        )


def test_our_encryption_is_read_by_the_independent_client(crypto: mp.MpCrypto) -> None:
    inner = make_text_xml("回复：收到 ]]> 了", MsgId="1")
    envelope = parse_xml(crypto.encrypt(inner, timestamp="1700000000", nonce="99"))
    assert envelope["MsgSignature"] == wc.sign(wc.TOKEN, "1700000000", "99", envelope["Encrypt"])
    assert wc.decrypt(envelope["Encrypt"]) == (inner, wc.APP_ID)


def test_the_independent_clients_encryption_is_read_by_ours(crypto: mp.MpCrypto) -> None:
    inner = make_text_xml("我要两斤鸡蛋，3-2-201", MsgId="77")
    encrypted = wc.encrypt(inner)
    got = crypto.decrypt(
        encrypted, msg_signature=wc.sign(wc.TOKEN, "5", "6", encrypted), timestamp="5", nonce="6"
    )
    assert got == inner


@pytest.mark.parametrize("key", ["", "short", "A" * 42 + "!", "A" * 44])
def test_a_bad_aes_key_is_a_config_error(key: str) -> None:
    with pytest.raises(ValueError, match="aes_key"):
        mp.MpCrypto(wc.TOKEN, key, wc.APP_ID)


# --- XML in -----------------------------------------------------------------------------------


def test_text_message() -> None:
    got = mp.parse_message(make_text_xml("你好", MsgId="123", CreateTime=1700000000))
    msg = got.incoming
    assert (msg.kind, msg.text, msg.msg_id, msg.sender_id, msg.event) == (
        "text",
        "你好",
        "123",
        "o_u1",
        "",
    )
    assert got.account == wc.ACCOUNT
    assert msg.received_at == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)


def test_voice_with_recognition_is_text() -> None:
    xml = make_text_xml(None, MsgType="voice", MediaId="m1", Format="amr", Recognition="需要买药")
    msg = mp.parse_message(xml).incoming
    assert (msg.kind, msg.text) == ("text", "需要买药")


def test_voice_without_recognition_stays_voice() -> None:
    msg = mp.parse_message(make_text_xml(None, MsgType="voice", MediaId="m1")).incoming
    assert (msg.kind, msg.text) == ("voice", "")


@pytest.mark.parametrize(
    ("msg_type", "kind"),
    [
        ("image", "image"),
        ("IMAGE", "image"),
        ("location", "other"),
        ("link", "other"),
        ("video", "other"),
        ("shortvideo", "other"),
        ("miniprogrampage", "other"),
    ],
)
def test_other_message_types(msg_type: str, kind: str) -> None:
    msg = mp.parse_message(make_text_xml(None, MsgType=msg_type, PicUrl="http://x")).incoming
    assert msg.kind == kind and msg.text == ""


def test_subscribe_event() -> None:
    xml = make_xml(
        ToUserName=wc.ACCOUNT,
        FromUserName="o_new",
        CreateTime=1700000000,
        MsgType="event",
        Event="subscribe",
        EventKey="",
    )
    msg = mp.parse_message(xml).incoming
    assert (msg.kind, msg.event, msg.msg_id, msg.chat_id) == ("event", "subscribe", "", "o_new")


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not xml",
        b"<xml>",
        b"<html><body>hi</body></html>",
        b"\xff\xfe<xml/>",
        b"<xml></xml>",
        make_text_xml("hi", FromUserName=None).encode(),
        make_text_xml("hi", ToUserName=None).encode(),
        make_text_xml("hi", MsgType=None).encode(),
        make_text_xml("hi", MsgId=None).encode(),
        make_text_xml("hi", MsgId="").encode(),
        make_text_xml("hi", CreateTime=None).encode(),
        make_text_xml("hi", CreateTime="yesterday").encode(),
        make_text_xml("hi", CreateTime=10**30).encode(),
        make_text_xml("hi", FromUserName="o" * 65).encode(),
        make_text_xml("hi", FromUserName="o u1").encode(),
        make_text_xml("hi", FromUserName="<script>").encode(),
        make_xml(ToUserName="gh", FromUserName="o", CreateTime=1, MsgType="event").encode(),
        make_xml(
            ToUserName="gh", FromUserName="o", CreateTime=1, MsgType="event", Event="e" * 65
        ).encode(),
    ],
)
def test_not_a_wechat_message_is_malformed(body: bytes) -> None:
    with pytest.raises(mp.Malformed):
        mp.parse_message(body)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&d;&d;&d;</Content><MsgId>1</MsgId></xml>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&e;</Content><MsgId>1</MsgId></xml>"""
PLAIN_DOCTYPE = b"""<!DOCTYPE xml><xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName>
<CreateTime>1</CreateTime><MsgType>text</MsgType><Content>x</Content><MsgId>1</MsgId></xml>"""


@pytest.mark.parametrize("body", [BILLION_LAUGHS, EXTERNAL_ENTITY, PLAIN_DOCTYPE])
def test_dtds_are_refused(body: bytes) -> None:
    with pytest.raises(mp.Malformed):
        mp.parse_message(body)


def test_encrypted_part() -> None:
    assert mp.encrypted_part(make_xml(ToUserName="gh", Encrypt="abc").encode()) == "abc"
    with pytest.raises(mp.Malformed):
        mp.encrypted_part(make_xml(ToUserName="gh").encode())


# --- XML out ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["收到", "a ]]> b", "]]>]]>", "<b>&amp;</b>", "tab\tnew\nline"])
def test_cdata_round_trips(text: str) -> None:
    assert parse_xml(f"<xml><C>{mp.cdata(text)}</C></xml>")["C"] == text


def test_cdata_drops_characters_xml_forbids() -> None:
    section = mp.cdata("a\x00b\x1bc")
    assert parse_xml(f"<xml><C>{section}</C></xml>")["C"] == "abc"


def test_render_text_reply() -> None:
    msg = mp.parse_message(make_text_xml("你好", FromUserName="o_abc", MsgId="5"))
    fields = parse_xml(mp.render_text_reply(msg, "您好 ]]>", now=1700000000))
    assert fields == {
        "ToUserName": "o_abc",
        "FromUserName": wc.ACCOUNT,
        "CreateTime": "1700000000",
        "MsgType": "text",
        "Content": "您好 ]]>",
    }


def test_two_encryptions_of_one_reply_differ(crypto: mp.MpCrypto) -> None:
    one, two = (crypto.encrypt("<xml/>", timestamp="1", nonce="2") for _ in range(2))
    assert parse_xml(one)["Encrypt"] != parse_xml(two)["Encrypt"]
