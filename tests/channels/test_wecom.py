"""企业微信 callbacks through HTTP: WeCom's sample vector, our own encrypting client, the robot
(@-mention, 接龙 import, webhook kept on the chat) and the workers' app."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import webhook_wecom, wecom
from bot.config import DatabaseSettings, ServerSettings, Settings, WeComSettings
from bot.replay import collect
from models.community import Chat
from models.messaging import InboxMessage, Notice
from tests import wecom_client as wc
from tests.wecom_client import WeComActions

ROBOT_CHAT = "wrkSFfCgAALFgnrSsWU38puiv4yvExuw"
JIELONG = (
    "#接龙\n硕诚农业绿色蔬菜套餐 38元/份\n每户限2份，今晚8点截单\n\n例 3-2-201 王 2份\n\n"
    "1. 5号楼1单元302 李 1份\n2. 3-2-201 王阿姨 2份\n3. 7-1-101 赵 1份"
)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """WeCom on (robot and app keyed with the sample vector); no other channel."""
    return Settings(
        server=ServerSettings(secret_key="test-secret-key"),
        database=DatabaseSettings(url=f"sqlite:///{tmp_path / 'linli.db'}"),
        wecom=WeComSettings(
            enabled=True,
            corp_id=wc.CORP_ID,
            robot_token=wc.TOKEN,
            robot_aes_key=wc.AES_KEY,
            app_token=wc.TOKEN,
            app_aes_key=wc.AES_KEY,
            app_agent_id=1000002,
        ),
        simulator=False,
    )


@pytest.fixture
def robot(client: FlaskClient) -> WeComActions:
    """WeCom's side of the robot callback; receive id empty, as the robot page says."""
    return WeComActions(client, "/wecom/robot", receive_id="")


@pytest.fixture
def app_cb(client: FlaskClient) -> WeComActions:
    """WeCom's side of the self-built app callback (receive id: the CorpID)."""
    return WeComActions(client, "/wecom/app")


def vector_query() -> str:
    return urlencode(
        {
            "msg_signature": wc.VECTOR_MSG_SIGNATURE,
            "timestamp": wc.VECTOR_TIMESTAMP,
            "nonce": wc.VECTOR_NONCE,
            "echostr": wc.VECTOR_ECHOSTR,
        }
    )


def inbox(factory: sessionmaker[Session]) -> list[InboxMessage]:
    with factory() as session:
        return list(session.scalars(select(InboxMessage).order_by(InboxMessage.id)))


# --- the published vector ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/wecom/robot", "/wecom/app"])
def test_sample_vector_echostr_is_decrypted(app: Flask, client: FlaskClient, path: str) -> None:
    webhook_wecom.set_clock(app, lambda: float(wc.VECTOR_TIMESTAMP) + 5)
    response = client.get(f"{path}?{vector_query()}")
    assert response.status_code == 200
    assert response.data.decode() == wc.VECTOR_PLAIN


@pytest.mark.parametrize("path", ["/wecom/robot", "/wecom/app"])
def test_sample_vector_is_stale_with_the_real_clock(client: FlaskClient, path: str) -> None:
    assert client.get(f"{path}?{vector_query()}").status_code == 403


def test_adapter_decrypts_the_vector_with_the_corp_id_only() -> None:
    kwargs = {
        "msg_signature": wc.VECTOR_MSG_SIGNATURE,
        "timestamp": wc.VECTOR_TIMESTAMP,
        "nonce": wc.VECTOR_NONCE,
    }
    crypto = wecom.WeComCrypto(wc.TOKEN, wc.AES_KEY, [wc.CORP_ID])
    assert crypto.decrypt(wc.VECTOR_ECHOSTR, **kwargs) == wc.VECTOR_PLAIN
    with pytest.raises(wecom.Malformed):
        wecom.WeComCrypto(wc.TOKEN, wc.AES_KEY, ["wwsomeoneelse"]).decrypt(
            wc.VECTOR_ECHOSTR, **kwargs
        )
    with pytest.raises(wecom.Forbidden):
        crypto.decrypt(wc.VECTOR_ECHOSTR, **(kwargs | {"nonce": "1"}))


def test_our_encryption_round_trips_through_the_independent_client() -> None:
    crypto = wecom.WeComCrypto(wc.TOKEN, wc.AES_KEY, ["", wc.CORP_ID])
    envelope = wc.parse_xml(crypto.encrypt("<xml>你好</xml>", timestamp="1", nonce="2"))
    text, receive_id = wc.decrypt(envelope.findtext("Encrypt", ""))
    assert (text, receive_id) == ("<xml>你好</xml>", "")
    assert envelope.findtext("MsgSignature") == wc.sign(
        wc.TOKEN, "1", "2", envelope.findtext("Encrypt", "")
    )


# --- URL verification with our own client ------------------------------------------------------


@pytest.mark.parametrize("receive_id", ["", wc.CORP_ID])
def test_robot_echostr_with_either_receive_id(client: FlaskClient, receive_id: str) -> None:
    response = WeComActions(client, "/wecom/robot", receive_id=receive_id).verify("42")
    assert (response.status_code, response.data) == (200, b"42")


def test_app_echostr(app_cb: WeComActions) -> None:
    response = app_cb.verify("8899")
    assert (response.status_code, response.data) == (200, b"8899")


def test_app_refuses_an_echostr_for_another_corp(client: FlaskClient) -> None:
    assert WeComActions(client, "/wecom/app", receive_id="").verify().status_code == 400


def test_wrong_signature_and_stale_timestamp_are_403(robot: WeComActions) -> None:
    bad_token = WeComActions(robot.client, "/wecom/robot", receive_id="", token="not-ours")
    assert bad_token.verify().status_code == 403
    stale = WeComActions(robot.client, "/wecom/robot", now=lambda: 1_000_000_000.0)
    assert stale.verify().status_code == 403
    assert stale.post(wc.robot_xml("@机器人 帮助")).status_code == 403


# --- the group robot ---------------------------------------------------------------------------


def test_mention_with_pasted_jielong_is_imported(
    robot: WeComActions, session_factory: sessionmaker[Session]
) -> None:
    response = robot.post(wc.robot_xml(f"@邻里接龙\u2005{JIELONG}", user_id="w_wang", name="王"))
    assert response.status_code == 200
    (row,) = inbox(session_factory)
    assert (row.channel, row.chat_id, row.sender_id) == ("wecom_robot", ROBOT_CHAT, "w_wang")
    assert row.payload["text"] == JIELONG and row.payload["sender_name"] == "王"
    with session_factory() as session:
        chat = session.scalars(select(Chat).where(Chat.external_id == ROBOT_CHAT)).one()
        orders = collect(session)["orders"]
    assert chat.channel == "wecom_robot" and chat.webhook_url == wc.WEBHOOK_URL
    assert [(o["chat"], o["seq"], o["room"]) for o in orders] == [
        (ROBOT_CHAT, 1, "302"),
        (ROBOT_CHAT, 2, "201"),
        (ROBOT_CHAT, 3, "101"),
    ]


def test_retry_of_the_same_msg_id_is_stored_once(
    robot: WeComActions, session_factory: sessionmaker[Session]
) -> None:
    xml = wc.robot_xml(
        "@机器人 我家需要买降压药，3-2-201", msg_id="CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI="
    )
    first, second = robot.post(xml), robot.post(xml)
    assert first.status_code == second.status_code == 200
    assert first.data == b"" or robot.reply(first) is not None
    assert len(inbox(session_factory)) == 1


def test_passive_reply_mentions_the_sender(
    robot: WeComActions, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(webhook_wecom, "reply_within", lambda *args, **kw: "已收到，谢谢！")
    reply = robot.reply(robot.post(wc.robot_xml("@机器人 你好", user_id="lisi")))
    assert reply is not None
    assert reply.findtext("MsgType") == "text"
    assert reply.findtext("Text/Content") == "已收到，谢谢！"
    assert [i.text for i in reply.iterfind("Text/MentionedList/Item")] == ["lisi"]


def test_long_reply_goes_through_the_robot_outbox(
    robot: WeComActions, session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    long_text = "名单：" + "3-2-201 王 2份\n" * 200
    monkeypatch.setattr(webhook_wecom, "reply_within", lambda *args, **kw: long_text)
    response = robot.post(wc.robot_xml("@机器人 名单"))
    assert (response.status_code, response.data) == (200, b"")
    with session_factory() as session:
        (notice,) = session.scalars(select(Notice)).all()
    assert (notice.channel, notice.target, notice.text) == ("wecom_robot", ROBOT_CHAT, long_text)


def test_removal_event_forgets_the_webhook_and_a_foreign_url_is_never_stored(
    robot: WeComActions, session_factory: sessionmaker[Session]
) -> None:
    assert robot.post(wc.robot_xml("", msg_type="event", event_type="add_to_chat")).data == b""
    robot.post(wc.robot_xml("@机器人 hi", msg_id="m2", webhook_url="https://evil.example/x?key=1"))
    with session_factory() as session:
        assert session.scalar(select(Chat.webhook_url)) == wc.WEBHOOK_URL
    robot.post(wc.robot_xml("", msg_id="m3", msg_type="event", event_type="delete_from_chat"))
    with session_factory() as session:
        assert session.scalar(select(Chat.webhook_url)) is None
    assert all(r.channel == "wecom_robot" for r in inbox(session_factory))


@pytest.mark.parametrize(
    ("mutate", "status"),
    [
        (lambda a: a.client.post("/wecom/robot?" + urlencode(a.query("x")), data=b"<xml>"), 400),
        (
            lambda a: a.client.post(
                "/wecom/robot?" + urlencode(a.query("x")), data=b"<xml><Encrypt>y</Encrypt></xml>"
            ),
            403,
        ),
        (lambda a: a.post("<not-xml"), 400),
        (lambda a: a.post("<xml><MsgType>text</MsgType></xml>"), 400),
        (
            lambda a: WeComActions(a.client, "/wecom/robot", receive_id="wwother").post(
                wc.robot_xml("hi")
            ),
            400,
        ),
        (
            lambda a: a.client.post(
                "/wecom/robot?" + urlencode(a.query("x")), data=b"<xml>" + b"a" * 70_000 + b"</xml>"
            ),
            413,
        ),
    ],
)
def test_bad_requests_are_refused_never_500(robot: WeComActions, mutate: Any, status: int) -> None:
    assert mutate(robot).status_code == status


# --- the workers' app --------------------------------------------------------------------------


def test_app_message_goes_through_the_pipeline_one_to_one(
    app_cb: WeComActions, session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(webhook_wecom, "reply_within", lambda *args, **kw: "今日报告：0 单")
    reply = app_cb.reply(app_cb.post(wc.app_xml("今日", user_id="worker1")))
    assert reply is not None
    assert (reply.findtext("ToUserName"), reply.findtext("FromUserName")) == ("worker1", wc.CORP_ID)
    assert reply.findtext("Content") == "今日报告：0 单"


def test_app_message_is_stored_with_the_worker_as_chat(
    app_cb: WeComActions, session_factory: sessionmaker[Session]
) -> None:
    response = app_cb.post(wc.app_xml("帮助", user_id="worker1"))
    assert response.status_code == 200
    (row,) = inbox(session_factory)
    assert (row.channel, row.chat_id, row.sender_id) == ("wecom_app", "worker1", "worker1")
    assert row.payload["is_group"] is False


def test_app_refuses_another_agent(app_cb: WeComActions) -> None:
    assert app_cb.post(wc.app_xml("帮助", agent_id=999)).status_code == 400


# --- pure helpers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("@RobotA hello robot", "", "hello robot"),
        ("@邻里接龙\u2005#接龙\n1. 张", "", "#接龙\n1. 张"),
        ("@邻里 接龙 #接龙\n1. 张", "邻里 接龙", "#接龙\n1. 张"),
        ("  #接龙 no mention", "", "#接龙 no mention"),
    ],
)
def test_strip_mention(text: str, name: str, expected: str) -> None:
    assert wecom.strip_mention(text, name) == expected


def test_single_chat_text_keeps_a_leading_at() -> None:
    from datetime import UTC, datetime

    msg = wecom.parse_robot(wc.robot_xml("@all 你好", chat_type="single"), datetime.now(UTC))
    assert msg.incoming is not None and msg.incoming.text == "@all 你好"
    assert msg.incoming.is_group is False
