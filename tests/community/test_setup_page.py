"""The 社区 page through the test client: roles, a roster bigger than an ordinary form, and a
refused file that stores nothing."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from models.community import Household, RosterUpload
from tests.admin_support import form_csrf, login, member_id
from tests.setup_support import Cli, Sim, code_in, roster_workbook, write_config


@pytest.fixture
def worker_client(
    tmp_path: Path,
    settings: Settings,
    app: Flask,
    client: FlaskClient,
    session_factory: sessionmaker[Session],
    capsys: pytest.CaptureFixture[str],
) -> tuple[FlaskClient, str]:
    cli = Cli(write_config(tmp_path, settings), capsys)
    assert cli("community", "add", "和平里社区")[0] == 0
    code = code_in(cli("invite", "--community", "和平里社区")[1])
    assert "绑定成功" in Sim(client).send("w1", "w1", f"绑定 {code}")
    login(client, member_id(session_factory, "w1"))
    return client, form_csrf(client.get("/admin/community").get_data(as_text=True))


def _households(factory: sessionmaker[Session]) -> int:
    with factory() as db:
        return int(db.scalar(select(func.count()).select_from(Household)) or 0)


def test_a_worker_imports_a_large_roster_but_cannot_add_communities(
    worker_client: tuple[FlaskClient, str],
    tmp_path: Path,
    session_factory: sessionmaker[Session],
) -> None:
    client, csrf = worker_client
    page = client.get("/admin/community").get_data(as_text=True)
    assert "和平里社区" in page and "添加社区" not in page and "生成绑定码" not in page
    assert (
        client.post("/admin/community", data={"csrf_token": csrf, "name": "x"}).status_code == 403
    )

    data = roster_workbook(tmp_path / "big.xlsx", 3000).read_bytes()
    assert len(data) > 64 * 1024  # more than the ordinary body limit
    form = {"csrf_token": csrf, "community_id": "1", "file": (BytesIO(data), "名单.xlsx")}
    preview = client.post("/admin/community/roster", data=form, follow_redirects=True)
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200 and 'id="count-new">2999<' in text
    assert _households(session_factory) == 0  # a preview writes nothing
    token = preview.request.path.rsplit("/", 1)[-1]
    done = client.post(f"/admin/community/roster/{token}", data={"csrf_token": csrf})
    assert done.status_code == 302 and _households(session_factory) == 2999
    assert client.get(f"/admin/community/roster/{token}").status_code == 404  # used up


def test_a_refused_file_stores_nothing(
    worker_client: tuple[FlaskClient, str], session_factory: sessionmaker[Session]
) -> None:
    client, csrf = worker_client
    form = {"csrf_token": csrf, "community_id": "1", "file": (BytesIO(b"3,2,201"), "x.xlsx")}
    answer = client.post("/admin/community/roster", data=form, follow_redirects=True)
    assert "不是 Excel 的 .xlsx 文件" in answer.get_data(as_text=True)
    with session_factory() as db:
        assert db.scalar(select(func.count()).select_from(RosterUpload)) == 0
    form = {"csrf_token": csrf, "community_id": "2", "file": (BytesIO(b"x"), "x.xlsx")}
    assert client.post("/admin/community/roster", data=form).status_code == 404
