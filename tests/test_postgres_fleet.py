"""Linli spread over processes on one PostgreSQL database: two web servers (`python -m bot
serve`, gunicorn workers each) take urgent needs from residents over the 公众号 webhook, and two
outbox senders (`python -m scheduler --sender`) drain the worker alerts those needs queue, at
the same time, to the fake 企业微信. Every alert reaches its worker exactly once."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models import Member, Need, Notice, make_engine, make_session_factory
from tests import wechat_client as wc
from tests.fake_tencent import FakeTencent, serve_fake_tencent
from tests.tencent_crypto import sign
from tests.test_serve import ROOT, free_port, wait_for_200

pytestmark = pytest.mark.postgres

WORKERS = 12
NEEDS = 20  # per worker: under the 30 app messages a minute 企业微信 allows a member
ALERT = "家里老人摔倒了起不来，急需帮助，单号K{:04d}"


def config(tmp_path: Path, name: str, url: str, port: int, base: str) -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(
        f'seed_demo = false\nsimulator = false\nlog_level = "INFO"\n'
        f'[server]\nport = {port}\n[database]\nurl = "{url}"\n'
        f'[wechat]\nenabled = true\ntoken = "{wc.TOKEN}"\napp_id = "{wc.APP_ID}"\n'
        f'aes_key = "{wc.AES_KEY}"\n'
        f'[wecom]\nenabled = true\ncorp_id = "ww-fleet"\napp_secret = "secret"\n'
        f'app_agent_id = 1000002\napi_base_url = "{base}"\n'
        "[scheduler]\npush_seconds = 0.2\nclaim_batch = 5\n",
        encoding="utf-8",
    )
    return path


@contextmanager
def process(argv: list[str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = {k: v for k, v in os.environ.items() if k != "LINLI_CONFIG"}
    env["PYTHONPATH"] = str(ROOT)
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def post_need(port: int, i: int) -> int:
    """A resident's urgent need, as WeChat posts it in safe mode; the HTTP status."""
    xml = wc.make_text_xml(
        ALERT.format(i), FromUserName=f"o_fleet{i:03d}", MsgId=str(8 * 10**18 + i)
    )
    ts, nonce = str(int(time.time())), str(random.randrange(10**9))
    encrypted = wc.encrypt(xml)
    query = {
        "signature": sign(wc.TOKEN, ts, nonce),
        "timestamp": ts,
        "nonce": nonce,
        "encrypt_type": "aes",
        "msg_signature": sign(wc.TOKEN, ts, nonce, encrypted),
    }
    body = wc.make_xml(ToUserName=wc.ACCOUNT, Encrypt=encrypted).encode()
    url = f"http://127.0.0.1:{port}/wechat/mp?{urlencode(query)}"
    return requests.post(url, data=body, timeout=30).status_code


def alerts_sent(factory: sessionmaker[Session]) -> tuple[int, int]:
    """(notices queued, notices sent)."""
    with factory() as session:
        total = session.scalar(select(func.count()).select_from(Notice)) or 0
        sent = session.scalar(select(func.count()).where(Notice.status == "sent")) or 0
    return total, sent


def test_two_web_servers_and_two_senders_send_every_alert_once(
    pg_migrated_url: str, tmp_path: Path
) -> None:
    engine = make_engine(pg_migrated_url)
    factory = make_session_factory(engine)
    try:
        run_fleet(factory, pg_migrated_url, tmp_path)
    finally:
        engine.dispose()


def run_fleet(factory: sessionmaker[Session], url: str, tmp_path: Path) -> None:
    with factory.begin() as session:
        session.add_all(
            Member(channel="wecom_app", external_id=f"w{k:02d}", role="worker")
            for k in range(WORKERS)
        )
    ports = [free_port(), free_port()]
    with ExitStack() as stack:
        base, fake = stack.enter_context(serve_fake_tencent(FakeTencent(latency=0.02)))
        for n, port in enumerate(ports):
            cfg = config(tmp_path, f"web{n}", url, port, base)
            web = stack.enter_context(
                process([sys.executable, "-m", "bot", "--config", str(cfg), "serve"],
                        tmp_path / f"web{n}.log")
            )  # fmt: skip
            wait_for_200(f"http://127.0.0.1:{port}/", web)
        cfg = config(tmp_path, "sender", url, 0, base)
        logs = [tmp_path / f"sender{n}.log" for n in range(2)]
        for log in logs:
            argv = [sys.executable, "-m", "scheduler", "--config", str(cfg), "--sender"]
            stack.enter_context(process(argv, log))
        with ThreadPoolExecutor(4) as pool:
            statuses = list(pool.map(lambda i: post_need(ports[i % 2], i), range(NEEDS)))
        assert statuses == [200] * NEEDS
        deadline = time.monotonic() + 90
        while alerts_sent(factory) != (NEEDS * WORKERS, NEEDS * WORKERS):
            assert time.monotonic() < deadline, f"alerts (queued, sent): {alerts_sent(factory)}"
            time.sleep(0.3)
        time.sleep(1.0)  # a second send of any of them would land now
    with factory() as session:
        queued = Counter((t, x) for t, x in session.execute(select(Notice.target, Notice.text)))
        needs = session.scalar(select(func.count()).select_from(Need))
    delivered = Counter((m["touser"], m["text"]["content"]) for m in fake.app_delivered)
    assert needs == NEEDS and sum(queued.values()) == NEEDS * WORKERS
    assert delivered == queued, "an alert was sent twice, or not at all"
    assert fake.app_dropped == [] and fake.app_rejected == []
    assert all(re.search(r"sent \d+ notices", log.read_text()) for log in logs), "a sender idled"
