"""开团 on the worker page and a community's groups on the 社区 page: the same rule as in chat,
the groups ticked by default, another community's groups refused, names for groups, ordinary
WeChat groups listed for forwarding (and the same from `python -m bot group`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from models.campaign import Campaign
from models.community import Chat, Community, Member
from models.messaging import Notice
from tests.admin_support import form_csrf, login
from tests.setup_support import Cli, write_config

OPEN = "开团：鸡蛋团购\n商品：鸡蛋 15元/盒 限2盒\n截单：明晚8点\n取货：社区活动中心"


@pytest.fixture
def ids(session_factory: sessionmaker[Session]) -> dict[str, int]:
    with session_factory.begin() as s:
        a, b = Community(name="和平里社区"), Community(name="东风社区")
        s.add_all([a, b])
        s.flush()
        s.add(Chat(community_id=a.id, channel="sim", external_id="g-a3", title="3号楼群"))
        s.add(Chat(community_id=b.id, channel="sim", external_id="g-b1", title="东风1号楼群"))
        s.add(Chat(community_id=a.id, channel="wecom_robot", external_id="wrk-a5"))  # no name yet
        worker = Member(community_id=a.id, channel="sim", external_id="wa", role="worker")
        s.add(worker)
        s.flush()
        return {"a": a.id, "b": b.id, "worker": worker.id}


def _form(client: FlaskClient) -> str:
    return client.get("/admin/campaigns/new").get_data(as_text=True)


def _campaigns(factory: sessionmaker[Session]) -> int:
    with factory() as s:
        return int(s.scalar(select(func.count()).select_from(Campaign)) or 0)


def test_the_page_opens_for_the_ticked_groups_of_the_community(
    client: FlaskClient, session_factory: sessionmaker[Session], ids: dict[str, int]
) -> None:
    csrf = login(client, ids["worker"])
    form = _form(client)
    ticked = re.findall(r'name="chat" value="([^"]+)" checked', form)
    assert ticked == ["g-a3", "wrk-a5"] and "东风1号楼群" not in form
    data = {"csrf_token": csrf, "text": OPEN, "community_id": str(ids["a"]), "chat": ["g-a3"]}
    page = client.post("/admin/campaigns/new", data=data, follow_redirects=True)
    text = page.get_data(as_text=True)
    assert "接龙已发到1个群：3号楼群" in text and 'id="campaign-groups"' in text
    with session_factory() as s:
        (notice,) = s.scalars(select(Notice).where(Notice.kind == "announce")).all()
        campaign = s.scalars(select(Campaign)).one()
    assert (notice.channel, notice.target) == ("sim", "g-a3")
    assert (campaign.community_id, campaign.chat_id) == (ids["a"], "wa")  # never posted to


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"chat": ["g-a3", "g-b1"]}, "是「东风社区」的群"),
        ({"text": "开团：鸡蛋团购"}, "没看懂商品和价格"),
    ],
    ids=["other-community-group", "no-product"],
)
def test_the_page_refuses_and_keeps_the_text(
    client: FlaskClient,
    session_factory: sessionmaker[Session],
    ids: dict[str, int],
    fields: dict[str, object],
    says: str,
) -> None:
    csrf = login(client, ids["worker"])
    data = {"csrf_token": csrf, "text": OPEN, "community_id": str(ids["a"]), **fields}
    page = client.post("/admin/campaigns/new", data=data)
    assert page.status_code == 200 and says in page.get_data(as_text=True)
    assert 'id="open-error"' in page.get_data(as_text=True)
    assert _campaigns(session_factory) == 0


def test_a_worker_cannot_open_for_another_community(
    client: FlaskClient, session_factory: sessionmaker[Session], ids: dict[str, int]
) -> None:
    csrf = login(client, ids["worker"])
    data = {"csrf_token": csrf, "text": OPEN, "community_id": str(ids["b"]), "chat": ["g-b1"]}
    assert client.post("/admin/campaigns/new", data=data).status_code == 400
    assert _campaigns(session_factory) == 0


def test_groups_are_named_and_ordinary_groups_listed_for_forwarding(
    client: FlaskClient, session_factory: sessionmaker[Session], ids: dict[str, int]
) -> None:
    csrf = login(client, ids["worker"])
    with session_factory() as s:
        robot = s.scalars(select(Chat.id).where(Chat.external_id == "wrk-a5")).one()
    client.post(
        f"/admin/community/groups/{robot}/name", data={"csrf_token": csrf, "title": "5号楼群"}
    )
    client.post(
        f"/admin/community/{ids['a']}/groups", data={"csrf_token": csrf, "title": "7号楼群"}
    )
    again = client.post(
        f"/admin/community/{ids['a']}/groups",
        data={"csrf_token": csrf, "title": "７号楼群"},
        follow_redirects=True,
    )
    assert "「和平里社区」已经有叫“7号楼群”的群了" in again.get_data(as_text=True)
    page = client.get("/admin/community").get_data(as_text=True)
    assert "5号楼群" in page and "7号楼群" in page and "需人工转发" in page
    reply = client.post(
        "/admin/campaigns/new",
        data={
            "csrf_token": form_csrf(_form(client)),
            "text": OPEN + "\n发到：5号楼群、7号楼群",
            "community_id": str(ids["a"]),
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    # the robot has not said where to push yet (no webhook): both are forwarded by hand
    assert "接龙没有发到任何群（选中的群我都发不进去）" in reply
    assert (
        "请把下面的接龙转发到这些群：5号楼群、7号楼群" in reply and 'id="forward-template"' in reply
    )


def test_the_cli_lists_adds_and_names_groups(
    tmp_path: Path,
    settings: Settings,
    app: Flask,
    capsys: pytest.CaptureFixture[str],
    ids: dict[str, int],
) -> None:
    cli = Cli(write_config(tmp_path, settings), capsys)
    assert cli("group", "add", "7号楼群", "--community", "和平里社区")[0] == 0
    assert cli("group", "name", "wrk-a5", "5号楼群", "--community", "和平里社区")[0] == 0
    status, out = cli("group", "list", "--community", "和平里社区")
    assert status == 0
    assert (
        "3号楼群\tsim\tg-a3\t能发消息" in out and "5号楼群\twecom_robot\twrk-a5\t需人工转发" in out
    )
    assert "7号楼群\twechat" in out and "东风" not in out
    status, out = cli("group", "name", "g-b1", "x", "--community", "和平里社区")
    assert status == 1 and "没有 id 为 g-b1 的群" in out


def test_a_group_renamed_then_its_old_name_added_again_is_two_groups(
    client: FlaskClient, session_factory: sessionmaker[Session], ids: dict[str, int]
) -> None:
    """7号楼群 is renamed 7号楼一群; a new 7号楼群 is then a second group, not a server error."""
    csrf = login(client, ids["worker"])
    groups = f"/admin/community/{ids['a']}/groups"
    client.post(groups, data={"csrf_token": csrf, "title": "7号楼群"})
    with session_factory() as s:
        first = s.scalars(select(Chat.id).where(Chat.title == "7号楼群")).one()
    client.post(
        f"/admin/community/groups/{first}/name", data={"csrf_token": csrf, "title": "7号楼一群"}
    )
    again = client.post(
        groups, data={"csrf_token": csrf, "title": "7号楼群"}, follow_redirects=True
    )
    assert again.status_code == 200
    assert "已添加普通微信群「7号楼群」" in again.get_data(as_text=True)
    page = client.get("/admin/community").get_data(as_text=True)
    assert "7号楼一群" in page and "7号楼群" in page


def test_a_group_on_a_robot_and_a_relay_is_listed_once_where_linli_can_post(
    tmp_path: Path,
    settings: Settings,
    app: Flask,
    capsys: pytest.CaptureFixture[str],
    client: FlaskClient,
    session_factory: sessionmaker[Session],
    ids: dict[str, int],
) -> None:
    """One chat registered on the robot (no webhook yet) and on a relay is one group: the CLI
    lists it once, on the relay, and the 开团 form ticks it once (`handlers.reach`)."""
    with session_factory.begin() as s:
        s.add(Chat(community_id=ids["a"], channel="bridge", external_id="wrk-a5", title="5号楼群"))
    status, out = Cli(write_config(tmp_path, settings), capsys)(
        "group", "list", "--community", "和平里社区"
    )
    assert status == 0 and "5号楼群\tbridge\twrk-a5\t能发消息" in out
    assert "wecom_robot" not in out and out.count("wrk-a5") == 1
    login(client, ids["worker"])
    ticked = re.findall(r'name="chat" value="([^"]+)" checked', _form(client))
    assert ticked == ["g-a3", "wrk-a5"]
