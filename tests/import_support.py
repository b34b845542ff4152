"""Helpers shared by the import tests (issue 17): a campaign with one 接龙 line, the rows an
import writes, and the upload a browser sends."""

from __future__ import annotations

from io import BytesIO

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import TestResponse, encode_multipart

from bot.demo import DEMO_GROUPS, DEMO_WORKER, seed_demo
from models.audit import AuditLog
from models.campaign import Order, OrderLine
from models.community import Household
from models.payment import OrderImport, Payment
from tests.admin_support import create_tables, login, member_id, runtime_of

GROUP = DEMO_GROUPS[1][0]
WORKER = DEMO_WORKER[0]
OPEN = "开团：硕诚蔬菜套餐\n商品：蔬菜套餐 38元/份；鸡蛋 15元/盒\n截单：明天晚上8点"
CHAIN = "#接龙\n硕诚蔬菜套餐\n蔬菜套餐 38元/份"
TABLES = (Order, OrderLine, Payment, Household, OrderImport, AuditLog)


def open_campaign(app: Flask, client: FlaskClient, factory: sessionmaker[Session]) -> int:
    """A campaign opened in the demo's 团购群, where 张秀英 (3-2-201) has 接龙'd one 份."""
    seed_demo(factory)
    create_tables(runtime_of(app).engine)
    login(client, member_id(factory, WORKER))  # the simulator's worker needs a session
    say(client, WORKER, OPEN)
    say(
        client,
        "sim-u-zhangxy",
        "#接龙\n硕诚蔬菜套餐\n蔬菜套餐 38元/份\n\n1. 3-2-201 张秀英 蔬菜套餐1份",
    )
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Order)) == 1
    return 1


def say(client: FlaskClient, sender: str, text: str) -> str:
    """A message in the 团购群 through the simulator; the bot's reply."""
    response = client.post("/sim/api/send", json={"chat": GROUP, "sender": sender, "text": text})
    assert response.status_code == 200, response.text
    reply: str | None = response.get_json()["reply"]
    return reply or ""


def snapshot(factory: sessionmaker[Session]) -> tuple[int, ...]:
    """Rows in every table an import writes to."""
    with factory() as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) or 0 for t in TABLES)


def upload(
    client: FlaskClient, csrf: str, campaign: int, data: bytes, name: str = "ktt.xlsx"
) -> TestResponse:
    """The upload a browser sends (encoded in memory: the test client's own encoder would leave
    a temporary file open for a large body)."""
    file = FileStorage(BytesIO(data), filename=name, content_type="application/octet-stream")
    boundary, body = encode_multipart(MultiDict({"csrf_token": csrf, "file": file}))
    return client.post(
        f"/admin/campaigns/{campaign}/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
