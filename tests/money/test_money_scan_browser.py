"""扫码收款 in real headless Chromium at phone width (issue 17): the treasurer's scanner types a
resident's pickup code into the 收款 page's box and presses Enter; the page shows who and how
much, one tap on 确认收款 marks the order 已付 and the money totals change."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from bot.config import ServerSettings, Settings
from bot.demo import DEMO_GROUPS, DEMO_RESIDENTS, DEMO_WORKER
from bot.pipeline import process
from handlers.types import Incoming
from models.base import make_engine, make_session_factory
from tests.admin_support import create_tables, link_for
from tests.browser import chromium, live_server, require_chromium
from tests.money.test_money_browser import SECRET, wait_text

pytestmark = pytest.mark.browser

GROUP = DEMO_GROUPS[1][0]
OPEN = "开团：硕诚蔬菜套餐\n商品：蔬菜套餐 38元/份\n截单：明天晚上8点\n取货：社区活动中心"
LI = DEMO_RESIDENTS[1]  # 李建国, 3-2-502


def _say(factory: object, sender: str, text: str, n: int, chat: str = GROUP) -> str:
    msg = Incoming("sim", f"s{n}", sender, chat, text, datetime.now(UTC), is_group=chat == GROUP)
    return process(factory, msg) or ""  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A live server whose batch has arrived (pickup codes given); (url, 李建国's code as 查询
    tells him)."""
    require_chromium()
    tmp = tmp_path_factory.mktemp("scan-server")
    with live_server(tmp) as url:
        engine = make_engine(f"sqlite:///{tmp / 'linli.db'}")
        create_tables(engine)
        factory = make_session_factory(engine)
        worker = DEMO_WORKER[0]
        _say(factory, worker, OPEN, 0)
        chain = "#接龙\n硕诚蔬菜套餐\n蔬菜套餐 38元/份\n\n1. 3-2-201 张秀英 蔬菜套餐2份"
        _say(factory, DEMO_RESIDENTS[0].external_id, chain, 1)  # each adds their own line
        _say(factory, LI.external_id, chain + "\n2. 3-2-502 李建国 蔬菜套餐1份", 2)
        for n, command in enumerate(("截单", "确认全部", "到货"), start=3):
            _say(factory, worker, command, n)
        reply = _say(factory, LI.external_id, "查询", 9, chat=LI.external_id)
        engine.dispose()
        found = re.search(r"取货码 (\w+)", reply)
        assert found, reply
        yield url, found.group(1)


@pytest.fixture(scope="module")
def driver(
    served: tuple[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[webdriver.Chrome]:
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as browser:
        link = link_for(Settings(server=ServerSettings(secret_key=SECRET)), DEMO_WORKER[0])
        browser.get(served[0] + link)
        browser.find_element(By.ID, "use-link").click()
        wait_text(browser, "今日")
        yield browser


def test_scanner_types_the_code_and_enter_then_one_confirmation(
    driver: webdriver.Chrome, served: tuple[str, str]
) -> None:
    url, code = served
    driver.get(f"{url}/admin/campaigns/1/money")
    wait_text(driver, "扫码收款")
    assert "未收 114 元（2 户）" in driver.find_element(By.ID, "money-summary").text
    box = driver.find_element(By.ID, "scan-code")
    assert driver.switch_to.active_element == box  # focused: the scanner types straight in
    camera = driver.find_element(By.ID, "scan-camera")
    has_detector = driver.execute_script("return 'BarcodeDetector' in window")
    assert camera.is_displayed() == bool(has_detector)  # the camera only where it can work

    box.send_keys(code + Keys.ENTER)  # what a barcode scanner does
    wait_text(driver, "确认收款")
    page = driver.find_element(By.ID, "confirm-pay").text
    assert f"扫码：{code}" in page and "3-2-502" in page and "李建国" in page
    assert driver.find_element(By.ID, "confirm-total").text == "38"

    driver.find_element(By.ID, "pay-confirm").click()
    wait_text(driver, "已记为已付")
    assert "2 号 3-2-502 李建国 38 元" in driver.find_element(By.TAG_NAME, "main").text
    row = driver.find_element(By.ID, "pay-2").text
    assert "已付" in row and "未付 38" not in row
    summary = driver.find_element(By.ID, "money-summary").text
    assert "已收 38 元" in summary and "未收 76 元（1 户）" in summary
    assert driver.switch_to.active_element == driver.find_element(By.ID, "scan-code")

    driver.find_element(By.ID, "scan-code").send_keys(code + Keys.ENTER)  # scanned twice
    wait_text(driver, "已经付过 38 元，没有再记账")
    assert "未收 76 元（1 户）" in driver.find_element(By.ID, "money-summary").text
