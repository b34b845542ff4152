"""Pictures of a 接龙 through the real paths: each channel's image message, the OCR job, the notice.

The webhook only queues the picture and answers 收到图片，正在识别…; `read_queued_pictures` (the
scheduler's job, called here as the scheduler calls it) downloads it from the fake Tencent API
(which serves media and its error codes as the real one does), reads it and merges the list;
the sender hears the result as a notice. Bad pictures get a sentence, never a crash.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import (
    Settings,
)
from bot.demo import seed_demo
from bot.pictures.fetch import MediaFetcher
from bot.replay import collect
from handlers import texts
from models.chain import Chain, ChainEntry
from models.community import Member
from models.messaging import Notice
from models.picture import Picture
from scheduler.pictures import read_queued_pictures
from tests import picture_support as pics
from tests import wechat_client, wecom_client
from tests.admin_support import login, member_id
from tests.fake_tencent import FakeTencent, serve_fake_tencent
from tests.reach_support import street_settings
from tests.wechat_client import WeChatActions, make_xml, next_msg_id
from tests.wecom_client import WeComActions

SENDER = "o_worker_wang"


@pytest.fixture
def tencent() -> Iterator[tuple[str, FakeTencent]]:
    with serve_fake_tencent() as served:
        yield served


@pytest.fixture
def settings(tmp_path: Path, tencent: tuple[str, FakeTencent]) -> Settings:
    """公众号 and 企业微信 on, both pointing at the fake Tencent API; the simulator on."""
    base, _ = tencent
    street = street_settings(tmp_path, base)
    server = replace(street.server, max_body_bytes=65536)
    return replace(street, server=server, seed_demo=True)


def run_ocr_job(settings: Settings, factory: sessionmaker[Session]) -> int:
    """What the scheduler's read_queued_pictures job does on its next tick."""
    return read_queued_pictures(factory, MediaFetcher(settings, factory), threads=2)


def notices_to(factory: sessionmaker[Session], target: str) -> list[str]:
    with factory() as session:
        return list(session.scalars(select(Notice.text).where(Notice.target == target)))


def orders(factory: sessionmaker[Session]) -> list[dict[str, Any]]:
    with factory() as session:
        return collect(session)["orders"]


def send_mp_image(wechat: WeChatActions, media_id: str) -> str | None:
    xml = make_xml(
        ToUserName=wechat_client.ACCOUNT,
        FromUserName=SENDER,
        CreateTime=int(wechat.now()),
        MsgType="image",
        PicUrl="http://mmbiz.qpic.cn/mmbiz_jpg/example/0",
        MediaId=media_id,
        MsgId=next_msg_id(),
    )
    fields = wechat.reply_fields(wechat.post(xml, safe=True))
    return None if fields is None else fields["Content"]


def test_mp_screenshot_is_read_into_its_chain(
    wechat: WeChatActions,
    tencent: tuple[str, FakeTencent],
    settings: Settings,
    session_factory: sessionmaker[Session],
) -> None:
    _, fake = tencent
    media_id = fake.add_media(pics.sheet_png())
    assert send_mp_image(wechat, media_id) == texts.PICTURE_RECEIVED.format(picture=1)
    assert orders(session_factory) == []  # nothing read inside the webhook's 5 s

    assert run_ocr_job(settings, session_factory) == 1
    assert fake.media_calls == [media_id]
    got = [
        (o["building"], o["unit"], o["room"], o["name"], o["items"])
        for o in orders(session_factory)
    ]
    veg = "周六蔬菜"  # as the same chain pasted as text reads (团购 names the kind of chain)
    assert got == [
        ("3", "2", "502", "李建国", [{"name": veg, "qty": 2, "unit": "份"}]),
        ("5", "1", "1102", "刘洋", [{"name": veg, "qty": 1, "unit": "份"}]),
        ("7", None, "601", "赵", [{"name": veg, "qty": 3, "unit": "份"}]),
    ]
    [notice] = notices_to(session_factory, SENDER)
    assert notice.startswith("图片 #1 识别完成") and "新增 3 条" in notice
    assert all("picture:1" in o["flags"] for o in orders(session_factory))
    assert run_ocr_job(settings, session_factory) == 0  # done once


def test_expired_media_id_gets_a_clear_answer(
    wechat: WeChatActions, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    assert send_mp_image(wechat, "M-expired-or-never-uploaded") is not None
    assert run_ocr_job(settings, session_factory) == 1  # 40007 from Tencent: not retried
    assert notices_to(session_factory, SENDER) == [texts.PICTURE_UNAVAILABLE.format(picture=1)]
    with session_factory() as session:
        picture = session.get_one(Picture, 1)
        assert picture.status == "failed" and "40007" in (picture.error or "")


def test_rejected_token_is_refreshed_and_a_blank_picture_is_said_to_be_blank(
    wechat: WeChatActions,
    tencent: tuple[str, FakeTencent],
    settings: Settings,
    session_factory: sessionmaker[Session],
) -> None:
    _, fake = tencent
    media_id = fake.add_media(pics.blank_png())
    send_mp_image(wechat, media_id)
    fake.fail_next.append(42001)  # the stored token expired at Tencent's end
    run_ocr_job(settings, session_factory)
    assert fake.media_calls == [media_id, media_id]
    assert notices_to(session_factory, SENDER) == [texts.PICTURE_NO_TEXT.format(picture=1)]


def test_a_20_mb_picture_is_refused_before_it_is_read(
    wechat: WeChatActions,
    tencent: tuple[str, FakeTencent],
    settings: Settings,
    session_factory: sessionmaker[Session],
) -> None:
    _, fake = tencent
    send_mp_image(wechat, fake.add_media(pics.huge_file(), "image/jpeg"))
    run_ocr_job(settings, session_factory)
    assert notices_to(session_factory, SENDER) == [
        texts.PICTURE_TOO_LARGE.format(picture=1, limit="10 MB")
    ]


def test_wecom_app_and_robot_pictures_are_fetched_and_answered(
    client: FlaskClient,
    tencent: tuple[str, FakeTencent],
    settings: Settings,
    session_factory: sessionmaker[Session],
) -> None:
    base, fake = tencent
    app_cb = WeComActions(client, "/wecom/app")
    media_id = fake.add_media(pics.blank_png())
    xml = (
        f"<xml><ToUserName><![CDATA[{wecom_client.CORP_ID}]]></ToUserName>"
        "<FromUserName><![CDATA[worker1]]></FromUserName>"
        f"<CreateTime>{int(app_cb.now())}</CreateTime><MsgType><![CDATA[image]]></MsgType>"
        f"<PicUrl><![CDATA[{base}/pic]]></PicUrl><MediaId><![CDATA[{media_id}]]></MediaId>"
        "<MsgId>7000000000000000077</MsgId><AgentID>1000002</AgentID></xml>"
    )
    reply = app_cb.reply(app_cb.post(xml))
    assert reply is not None and reply.findtext("Content") == texts.PICTURE_RECEIVED.format(
        picture=1
    )
    robot = WeComActions(client, "/wecom/robot", receive_id="")
    image_id = fake.add_media(pics.blank_png())
    robot_xml = wecom_client.robot_xml("", msg_type="image").replace(
        "<Text><Content><![CDATA[]]></Content></Text>",
        f"<Image><ImageUrl><![CDATA[{base}/robot-image/{image_id}]]></ImageUrl></Image>",
    )
    answer = robot.reply(robot.post(robot_xml))
    assert answer is not None and texts.PICTURE_RECEIVED.format(picture=2) in (
        answer.findtext("Text/Content") or ""
    )
    assert run_ocr_job(settings, session_factory) == 2
    assert fake.media_calls == [media_id, image_id]
    assert notices_to(session_factory, "worker1") == [texts.PICTURE_NO_TEXT.format(picture=1)]
    chat = "wrkSFfCgAALFgnrSsWU38puiv4yvExuw"
    assert notices_to(session_factory, chat) == [texts.PICTURE_NO_TEXT.format(picture=2)]


def upload(client: FlaskClient, data: bytes, sender: str = "sim-u-lijg") -> Any:
    form = {"chat": "sim-g-tuangou", "sender": sender, "image": (io.BytesIO(data), "a.png")}
    return client.post("/sim/api/image", data=form, content_type="multipart/form-data")


def sim_feed(client: FlaskClient) -> dict[str, Any]:
    return dict(client.get("/sim/api/messages?chat=sim-g-tuangou").get_json())


def test_simulator_upload_button_path(
    client: FlaskClient, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    answer = upload(client, pics.sheet_png())
    assert answer.status_code == 200
    assert answer.get_json()["reply"] == texts.PICTURE_RECEIVED.format(picture=1)
    # the next sheet: no header, its first line already on the first sheet (an overlap)
    second_page = "3. 7栋601 赵 3份\n4. 2-1-101 钱 1份\n5. 8-3-702 孙 2份"
    upload(client, pics.sheet_png(second_page, angle=-1.0))
    third_page = "6. 9-1-301 周 1份"  # another resident's photo of the list's end
    upload(client, pics.sheet_png(third_page), sender="sim-u-liuy")
    assert run_ocr_job(settings, session_factory) == 3
    feed = sim_feed(client)
    assert [m["text"] for m in feed["messages"]] == [texts.SIM_IMAGE_LABEL] * 3
    notes = [n["text"] for n in feed["notices"]]
    assert notes[0].startswith("图片 #1 识别完成") and "新增 3 条" in notes[0]
    assert notes[1].startswith("图片 #2 识别完成") and "新增 2 条" in notes[1]
    assert notes[2].startswith("图片 #3 识别完成") and "新增 1 条" in notes[2]
    rooms = [(o["room"], o["sender"], o["status"]) for o in orders(session_factory)]
    assert rooms == [  # the second sheet withdrew nothing of the first
        ("502", "sim-u-lijg", "active"),
        ("1102", "sim-u-lijg", "active"),
        ("601", "sim-u-lijg", "active"),
        ("101", "sim-u-lijg", "active"),
        ("702", "sim-u-lijg", "active"),
        ("301", "sim-u-liuy", "active"),
    ]


@pytest.mark.parametrize(
    ("make", "sentence"),
    [
        (pics.corrupt_png, texts.PICTURE_NOT_IMAGE),
        (pics.png_bomb, texts.PICTURE_TOO_MANY_PIXELS),
        (pics.blank_png, texts.PICTURE_NO_TEXT),
        (lambda: pics.sheet_png("今天天气不错\n大家辛苦了"), texts.PICTURE_NO_LIST),
    ],
    ids=["corrupt", "png-bomb", "no-text", "no-list"],
)
def test_bad_pictures_get_a_sentence_not_a_crash(
    client: FlaskClient,
    settings: Settings,
    session_factory: sessionmaker[Session],
    make: Any,
    sentence: str,
) -> None:
    assert upload(client, make()).status_code == 200
    assert run_ocr_job(settings, session_factory) == 1
    assert [n["text"] for n in sim_feed(client)["notices"]] == [
        sentence.format(picture=1, limit="10 MB")
    ]


def test_a_20_mb_upload_is_refused_with_a_sentence(client: FlaskClient) -> None:
    answer = upload(client, pics.huge_file())
    answer.request.environ["wsgi.input"].close()  # the test client spooled the body to a file
    assert answer.status_code == 413
    assert answer.get_json()["error"] == texts.SIM_IMAGE_TOO_LARGE.format(limit="10 MB")


def test_a_png_bomb_is_refused_from_its_header_with_bounded_memory(tmp_path: Path) -> None:
    """Decoding in a fresh process: its peak memory (VmHWM, which a fork's exec resets, unlike
    ru_maxrss) stays far below the bomb's 30 GB."""
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(pics.png_bomb())
    code = (
        "import json, re, sys\n"
        "from bot.pictures.decode import PictureError, decode_picture\n"
        "try:\n    decode_picture(open(sys.argv[1], 'rb').read())\n    reason = None\n"
        "except PictureError as exc:\n    reason = exc.reason\n"
        "peak = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())\n"
        "print(json.dumps([reason, int(peak.group(1))]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(bomb)], capture_output=True, text=True, check=True
    )
    reason, peak_kib = json.loads(out.stdout)
    assert reason == "too_many_pixels"
    assert peak_kib < 200 * 1024


def test_a_line_that_is_no_entry_is_kept_for_the_worker_with_its_crop(
    client: FlaskClient, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    """The demo's open campaign 硕诚蔬菜套餐: a sheet of it with a line nobody can order from."""
    seed_demo(session_factory)  # what `make run` does to a new database
    opened = (
        "开团：硕诚蔬菜套餐\n商品：蔬菜套餐 38元/份 每户限2份\n截单：明晚8点\n取货：社区活动中心"
    )
    login(client, member_id(session_factory, "sim-w-wangsm"))  # staff speak once logged in
    body = {"chat": "sim-g-tuangou", "sender": "sim-w-wangsm", "text": opened}
    assert client.post("/sim/api/send", json=body).get_json()["reply"]
    sheet = "#接龙\n硕诚蔬菜套餐 38元/份\n\n1. 3-2-502 李建国 蔬菜套餐2份\n2. 门口那家 看不清"
    upload(client, pics.sheet_png(sheet), sender="sim-w-wangsm")
    run_ocr_job(settings, session_factory)
    [notice] = [n["text"] for n in sim_feed(client)["notices"] if n["text"].startswith("图片")]
    assert "新增 2 条" in notice and "1 条看不太清（第 2 条）" in notice
    [flagged] = [o for o in orders(session_factory) if "unreadable" in o["flags"]]
    assert flagged["raw"] == "门口那家 看不清" and "picture:1" in flagged["flags"]

    with session_factory() as session:
        entry, campaign = session.execute(
            select(ChainEntry.id, Chain.campaign_id)
            .join(Chain, Chain.id == ChainEntry.chain_id)
            .where(ChainEntry.raw == flagged["raw"])
        ).one()
        worker = session.scalar(select(Member.id).where(Member.external_id == "sim-w-wangsm"))
    assert campaign is not None and worker is not None
    login(client, worker)
    page = client.get(f"/admin/campaigns/{campaign}").get_data(as_text=True)
    crop_url = f"/admin/campaigns/{campaign}/entries/{entry}/picture.png"
    assert "读自图片 #1" in page and crop_url in page
    crop = client.get(crop_url)
    assert crop.status_code == 200 and crop.mimetype == "image/png"
    width, height = Image.open(io.BytesIO(crop.data)).size
    assert 100 < width < 600 and 30 < height < 120  # one line of the sheet, with a margin
