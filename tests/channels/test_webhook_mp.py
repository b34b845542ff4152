"""/wechat/mp through HTTP, driven by an independent client (tests/wechat_client.py)."""

from __future__ import annotations

import dataclasses
import io
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot import pipeline, webhook_mp
from bot.app import create_app
from bot.config import Settings
from bot.wechat_mp import parse_message
from handlers import texts
from handlers.jielong import handler as jielong_handler
from handlers.jielong.merge import merge_post
from models.chain import ChainEntry
from models.messaging import InboxMessage, Notice
from tests import wechat_client as wc
from tests.wechat_client import WeChatActions, make_text_xml, make_xml

HELP = "帮助"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """兼容模式, named: this module drives the webhook in plain and in safe mode alike."""
    return dataclasses.replace(
        settings, wechat=dataclasses.replace(settings.wechat, mode="compatible")
    )


def inbox_rows(factory: sessionmaker[Session]) -> list[InboxMessage]:
    with factory() as session:
        return list(session.scalars(select(InboxMessage).order_by(InboxMessage.id)))


def count(factory: sessionmaker[Session], model: type[Any]) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


# --- plain and safe mode ----------------------------------------------------------------------


def test_signed_text_gets_a_chinese_reply(wechat: WeChatActions) -> None:
    assert wechat.send_text(HELP) == texts.HELP_TEXT


def test_safe_mode_reply_is_encrypted_and_readable_by_the_client(wechat: WeChatActions) -> None:
    response = wechat.post(make_text_xml(HELP, MsgId=wc.next_msg_id()), safe=True)
    assert b"<Encrypt>" in response.data and "帮助".encode() not in response.data
    fields = wechat.reply_fields(response)  # checks MsgSignature and AppID, decrypts
    assert fields is not None and fields["Content"] == texts.HELP_TEXT
    assert fields["ToUserName"] == "o_u1" and fields["FromUserName"] == wc.ACCOUNT


def test_the_tencent_vector_through_http(
    app: Flask, wechat: WeChatActions, session_factory: sessionmaker[Session]
) -> None:
    webhook_mp.set_clock(app, lambda: float(wc.VECTOR_TIMESTAMP))
    response = post_vector(wechat)
    fields = wechat.reply_fields(response)
    assert fields is not None and fields["ToUserName"] == "oyORnuP8q7ou2gfYjqLzSIWZf0rs"
    assert fields["Content"]  # the resident sees an answer (a hint for "abcdteT")
    [row] = inbox_rows(session_factory)
    assert (row.channel, row.msg_key, row.payload["text"]) == (
        "mp",
        wc.VECTOR_MSG_ID,
        wc.VECTOR_CONTENT,
    )


def test_the_tencent_vector_is_stale_today(wechat: WeChatActions) -> None:
    assert post_vector(wechat).status_code == 403


def post_vector(wechat: WeChatActions) -> Any:
    query = {
        "signature": wc.sign(wc.TOKEN, wc.VECTOR_TIMESTAMP, wc.VECTOR_NONCE),
        "timestamp": wc.VECTOR_TIMESTAMP,
        "nonce": wc.VECTOR_NONCE,
        "openid": "oyORnuP8q7ou2gfYjqLzSIWZf0rs",
        "encrypt_type": "aes",
        "msg_signature": wc.VECTOR_MSG_SIGNATURE,
    }
    body = make_xml(ToUserName=wc.ACCOUNT, Encrypt=wc.VECTOR_ENCRYPT)
    return wechat.client.post("/wechat/mp?" + urlencode(query), data=body)


# --- URL verification ---------------------------------------------------------------------


def test_signed_get_echoes(wechat: WeChatActions) -> None:
    response = wechat.verify("5837397520138472386")
    assert (response.status_code, response.data) == (200, b"5837397520138472386")


def test_get_with_a_wrong_signature_is_forbidden(wechat: WeChatActions) -> None:
    assert wechat.verify("x", signature="0" * 40).status_code == 403


def test_stale_get_is_forbidden(wechat: WeChatActions) -> None:
    stale = wechat.query(timestamp=str(int(time.time()) - 301))
    assert wechat.verify("x", **stale).status_code == 403


# --- refusals -------------------------------------------------------------------------------


def test_wrong_signature_is_forbidden_and_not_stored(
    wechat: WeChatActions, session_factory: sessionmaker[Session]
) -> None:
    assert wechat.post(make_text_xml(HELP), signature="f" * 40).status_code == 403
    assert wechat.post(make_text_xml(HELP), safe=True, msg_signature="f" * 40).status_code == 403
    assert WeChatActions(wechat.client, token="other").post(make_text_xml("x")).status_code == 403
    assert inbox_rows(session_factory) == []


def test_stale_timestamp_is_forbidden(
    wechat: WeChatActions, session_factory: sessionmaker[Session]
) -> None:
    for skew in (-310, 310):  # clear of the 300 s window, whatever the clock does meanwhile
        stale = str(int(time.time()) + skew)
        assert wechat.post(make_text_xml(HELP), timestamp=stale).status_code == 403
        assert wechat.post(make_text_xml(HELP), safe=True, timestamp=stale).status_code == 403
    assert inbox_rows(session_factory) == []


def test_a_timestamp_within_the_window_is_accepted(wechat: WeChatActions) -> None:
    xml = make_text_xml(HELP, MsgId=wc.next_msg_id())
    for skew in (-290, 290):
        fields = wechat.reply_fields(wechat.post(xml, timestamp=str(int(time.time()) + skew)))
        assert fields is not None and fields["Content"] == texts.HELP_TEXT


def test_oversized_body_is_413(wechat: WeChatActions, settings: Settings) -> None:
    big = make_text_xml("菜" * settings.server.max_body_bytes)
    assert wechat.post(big).status_code == 413
    assert wechat.post(big, safe=True).status_code == 413


def test_oversized_chunked_body_without_length_is_413(
    wechat: WeChatActions, settings: Settings
) -> None:
    big = make_text_xml("x" * (settings.server.max_body_bytes + 1)).encode()
    response = wechat.client.post(
        "/wechat/mp?" + urlencode(wechat.query()),
        input_stream=io.BytesIO(big),
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},  # what gunicorn sets for chunked
    )
    assert response.status_code == 413


def test_chunked_body_within_the_limit_is_read(wechat: WeChatActions) -> None:
    body = make_text_xml(HELP, MsgId=wc.next_msg_id()).encode()
    response = wechat.client.post(
        "/wechat/mp?" + urlencode(wechat.query()),
        input_stream=io.BytesIO(body),
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    fields = wechat.reply_fields(response)
    assert fields is not None and fields["Content"] == texts.HELP_TEXT


def test_a_long_message_under_the_limit_is_accepted(
    wechat: WeChatActions, settings: Settings
) -> None:
    text = "#接龙 大米\n" + "1. 3-101 张 1袋\n" * ((settings.server.max_body_bytes - 400) // 21)
    xml = make_text_xml(text, MsgId=wc.next_msg_id())
    assert len(xml.encode()) <= settings.server.max_body_bytes
    assert wechat.post(xml).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<xml><oops",
        b"{}",
        b"<xml><ToUserName>gh</ToUserName></xml>",
        make_text_xml(HELP, MsgId=None).encode(),
        b'<!DOCTYPE xml [<!ENTITY a "aaaa">]><xml><Content>&a;</Content></xml>',
    ],
)
def test_malformed_xml_is_400(wechat: WeChatActions, body: bytes) -> None:
    assert wechat.post(body).status_code == 400


def test_undecryptable_safe_mode_body_is_400(wechat: WeChatActions) -> None:
    query = wechat.query()
    garbage = "A" * 64
    msg_signature = wc.sign(wc.TOKEN, query["timestamp"], query["nonce"], garbage)
    body = make_xml(ToUserName=wc.ACCOUNT, Encrypt=garbage)
    url = "/wechat/mp?" + urlencode(query | {"encrypt_type": "aes", "msg_signature": msg_signature})
    assert wechat.client.post(url, data=body).status_code == 400
    other_app = WeChatActions(wechat.client, app_id="wx0000000000000000")
    assert other_app.post(make_text_xml(HELP), safe=True).status_code == 400


def test_garbage_never_gets_a_500(wechat: WeChatActions) -> None:
    rng = random.Random(20220412)
    for _ in range(300):
        body = random_body(rng)
        query: dict[str, str] = rng.choice([{}, wechat.query(), random_query(rng)])
        safe = rng.random() < 0.3 and "timestamp" in query
        if safe:
            encrypted = rng.choice([wc.encrypt(body.decode("utf-8", "replace")), "A" * 64, ""])
            sig = wc.sign(wc.TOKEN, query["timestamp"], query["nonce"], encrypted)
            query |= {"encrypt_type": "aes", "msg_signature": sig}
            body = make_xml(Encrypt=encrypted).encode()
        response = wechat.client.post("/wechat/mp?" + urlencode(query), data=body)
        assert response.status_code in (200, 400, 403, 413), (body, query)


def test_garbage_get_never_gets_a_500(wechat: WeChatActions) -> None:
    rng = random.Random(20220413)
    for _ in range(100):
        query = random_query(rng) | rng.choice([{}, wechat.query()])
        response = wechat.client.get("/wechat/mp?" + urlencode(query))
        assert response.status_code in (200, 403), query


def random_body(rng: random.Random) -> bytes:
    choices: list[Callable[[], bytes]] = [
        lambda: rng.randbytes(rng.randint(0, 300)),
        lambda: make_text_xml(rng.choice(["", "帮助", "\x00", "]]>", "&amp;"])).encode(),
        lambda: mutate(rng, make_text_xml("接龙", MsgId=wc.next_msg_id()).encode()),
        lambda: make_text_xml(
            "hi",
            MsgType=rng.choice(["event", "voice", "??", ""]),
            Event=rng.choice([None, "", "subscribe", "x" * 70]),
            CreateTime=rng.choice(["1", "-1", "9" * 30, "", "abc"]),
            MsgId=rng.choice([None, "", "1", "x" * 200]),
        ).encode(),
    ]
    return rng.choice(choices)()


def mutate(rng: random.Random, data: bytes) -> bytes:
    raw = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        raw[rng.randrange(len(raw))] = rng.randrange(256)
    return bytes(raw)


def random_query(rng: random.Random) -> dict[str, str]:
    keys = ["signature", "timestamp", "nonce", "encrypt_type", "msg_signature", "echostr"]
    return {k: rng.choice(["", "aes", "1", "%", "é" * 50, "9" * 40]) for k in keys}


# --- dedupe, kinds, restart ------------------------------------------------------------------


@pytest.mark.parametrize("safe", [False, True])
def test_a_retry_is_answered_identically_and_stored_once(
    wechat: WeChatActions, session_factory: sessionmaker[Session], safe: bool
) -> None:
    msg_id = wc.next_msg_id()
    first = wechat.send_text(HELP, msg_id=msg_id, safe=safe)
    again = wechat.send_text(HELP, msg_id=msg_id, safe=safe)
    assert first == again == texts.HELP_TEXT
    assert len(inbox_rows(session_factory)) == 1


def test_the_same_msg_id_from_another_resident_is_another_message(
    wechat: WeChatActions, session_factory: sessionmaker[Session]
) -> None:
    wechat.send_text(HELP, sender_id="o_a", msg_id="42")
    wechat.send_text(HELP, sender_id="o_b", msg_id="42")
    assert len(inbox_rows(session_factory)) == 2


def test_subscribe_gets_the_welcome_once(
    wechat: WeChatActions, session_factory: sessionmaker[Session]
) -> None:
    event = make_xml(
        ToUserName=wc.ACCOUNT,
        FromUserName="o_new",
        CreateTime=int(time.time()),
        MsgType="event",
        Event="subscribe",
        EventKey="",
    )
    for _ in range(2):  # WeChat's retry of an event: same sender and CreateTime
        fields = wechat.reply_fields(wechat.post(event))
        assert fields is not None and fields["Content"] == texts.WELCOME
    assert len(inbox_rows(session_factory)) == 1


def test_unsubscribe_is_answered_success(wechat: WeChatActions) -> None:
    event = make_xml(
        ToUserName=wc.ACCOUNT,
        FromUserName="o_gone",
        CreateTime=int(time.time()),
        MsgType="event",
        Event="unsubscribe",
    )
    assert wechat.post(event).data == b"success"


def test_an_image_is_queued_for_ocr_and_a_video_gets_the_polite_reply(
    wechat: WeChatActions,
) -> None:
    """Pictures of a 接龙 are read by the OCR job (tests/pictures/test_pictures.py); a video
    is not."""
    xml = make_text_xml(
        None, MsgType="image", PicUrl="http://mmbiz/x.jpg", MediaId="m", MsgId=wc.next_msg_id()
    )
    fields = wechat.reply_fields(wechat.post(xml))
    assert fields is not None and fields["Content"] == texts.PICTURE_RECEIVED.format(picture=1)
    video = make_text_xml(
        None, MsgType="video", MediaId="v", ThumbMediaId="t", MsgId=wc.next_msg_id()
    )
    fields = wechat.reply_fields(wechat.post(video))
    assert fields is not None and fields["Content"] == texts.UNSUPPORTED_MESSAGE


def test_voice_with_recognition_is_handled_as_text(wechat: WeChatActions) -> None:
    xml = make_text_xml(
        None, MsgType="voice", MediaId="m", Format="amr", Recognition=HELP, MsgId=wc.next_msg_id()
    )
    fields = wechat.reply_fields(wechat.post(xml))
    assert fields is not None and fields["Content"] == texts.HELP_TEXT


def test_a_message_left_by_a_crash_is_handled_at_start(
    wechat: WeChatActions, session_factory: sessionmaker[Session]
) -> None:
    msg = parse_message(
        make_text_xml(HELP, FromUserName="o_crash", MsgId="777", CreateTime=int(time.time()))
    ).incoming
    pipeline.store_inbox(session_factory, msg)  # committed, then the process died
    assert pipeline.handle_pending(session_factory) == 1
    [row] = inbox_rows(session_factory)
    assert row.handled_at is not None and row.reply == texts.HELP_TEXT
    assert wechat.send_text(HELP, sender_id="o_crash", msg_id="777") == texts.HELP_TEXT
    assert len(inbox_rows(session_factory)) == 1 and pipeline.handle_pending(session_factory) == 0


# --- the 4 s answer -----------------------------------------------------------------------------


def test_a_reply_later_than_the_budget_goes_through_the_outbox_once(
    wechat: WeChatActions, session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the 4 s budget the answer is "success" and the reply a customer-service message;
    WeChat's retry of a slow message waits for its commit and is not handled again, nor does it
    show the reply a second time."""
    monkeypatch.setattr(webhook_mp, "REPLY_BUDGET_SECONDS", 0.2)
    monkeypatch.setattr(jielong_handler, "merge_post", slow_merge(0.8))
    post = "#接龙\n东北大米 45元/袋\n1. 3-2-201 王 1袋"
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(wechat.send_text, post, sender_id="o_slow", msg_id="888")
        time.sleep(0.3)  # WeChat's retry while the first delivery is being handled
        retry = pool.submit(wechat.send_text, post, sender_id="o_slow", msg_id="888")
        assert (first.result(), retry.result()) == (None, None)  # "success", both
    [notice] = notices_of(session_factory)
    assert (notice.channel, notice.target) == ("mp", "o_slow") and "东北大米" in notice.text
    [row] = inbox_rows(session_factory)
    assert row.handled_at is not None and row.reply == ""
    monkeypatch.setattr(webhook_mp, "REPLY_BUDGET_SECONDS", 4.0)
    assert wechat.send_text(post, sender_id="o_slow", msg_id="888") is None
    assert count(session_factory, Notice) == 1 and count(session_factory, ChainEntry) == 1


def slow_merge(seconds: float) -> Callable[..., Any]:
    """merge_post, slowed down: a handling that outlasts the reply budget."""

    def merge(*args: Any) -> Any:
        time.sleep(seconds)
        return merge_post(*args)

    return merge


def notices_of(factory: sessionmaker[Session]) -> list[Notice]:
    with factory() as session:
        return list(session.scalars(select(Notice)))


def test_storage_failure_is_503_not_500(
    wechat: WeChatActions, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> pipeline.Handled:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(webhook_mp, "accept", broken)
    assert wechat.post(make_text_xml(HELP, MsgId=wc.next_msg_id())).status_code == 503


# --- configuration --------------------------------------------------------------------------------


def test_disabled_endpoint_is_404(settings: Settings) -> None:
    off = dataclasses.replace(settings, wechat=dataclasses.replace(settings.wechat, enabled=False))
    client = create_app(off).test_client()
    actions = WeChatActions(client)
    assert actions.verify("x").status_code == 404
    assert actions.post(make_text_xml(HELP)).status_code == 404


def safe_mode_app(settings: Settings) -> WeChatActions:
    """The webhook as configured by default with a key: wechat.mode not set."""
    safe = dataclasses.replace(settings, wechat=dataclasses.replace(settings.wechat, mode=""))
    return WeChatActions(create_app(safe).test_client())


def test_with_a_key_a_plain_post_is_refused_unless_compatible_is_named(
    settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    """Safe mode cannot be downgraded: a plain body is signed without the body, so a query
    string from a log would let anyone post as any openid for 300 s."""
    actions = safe_mode_app(settings)
    assert actions.post(make_text_xml(HELP, MsgId=wc.next_msg_id())).status_code == 403
    assert inbox_rows(session_factory) == []
    assert actions.send_text(HELP, safe=True) == texts.HELP_TEXT
    compatible = WeChatActions(create_app(settings).test_client())  # mode = "compatible"
    assert compatible.send_text(HELP) == texts.HELP_TEXT


def test_safe_mode_without_an_aes_key_is_400(settings: Settings, app: Flask) -> None:
    wechat = dataclasses.replace(settings.wechat, aes_key="", mode="")
    plain = dataclasses.replace(settings, wechat=wechat)
    actions = WeChatActions(create_app(plain).test_client())
    assert actions.post(make_text_xml(HELP), safe=True).status_code == 400
    assert actions.send_text(HELP) == texts.HELP_TEXT  # plain mode still works
