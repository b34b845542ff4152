"""Issue 17 in real headless Chromium at phone width: a ready-made text copied with one tap
(read back from the browser's clipboard), and a payment ticked and confirmed on the 收款 page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from bot.config import ServerSettings, Settings
from bot.demo import DEMO_GROUPS, DEMO_RESIDENTS, DEMO_WORKER
from bot.pipeline import process
from handlers.types import Incoming
from models.base import make_engine, make_session_factory
from tests.admin_support import create_tables, link_for
from tests.browser import chromium, live_server, require_chromium

pytestmark = pytest.mark.browser

SECRET = "browser-test"  # what tests.browser.live_server configures
GROUP = DEMO_GROUPS[1][0]
OPEN = (
    "开团：硕诚蔬菜套餐\n商品：蔬菜套餐 38元/份\n满4份成团\n截单：明天晚上8点\n取货：社区活动中心"
)


def _say(factory: object, sender: str, text: str, n: int) -> str | None:
    msg = Incoming("sim", f"b{n}", sender, GROUP, text, datetime.now(UTC), is_group=True)
    return process(factory, msg)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live server whose demo group has a batch with two households' orders."""
    require_chromium()
    tmp = tmp_path_factory.mktemp("money-server")
    with live_server(tmp) as url:
        engine = make_engine(f"sqlite:///{tmp / 'linli.db'}")
        create_tables(engine)
        factory = make_session_factory(engine)
        _say(factory, DEMO_WORKER[0], OPEN, 0)
        body = "\n".join(
            f"{i + 1}. {r.building}-{r.unit}-{r.room} {r.name} 蔬菜套餐2份"
            for i, r in enumerate(DEMO_RESIDENTS[:2])
        )
        _say(
            factory,
            DEMO_RESIDENTS[1].external_id,
            f"#接龙\n硕诚蔬菜套餐\n蔬菜套餐 38元/份\n\n{body}",
            1,
        )
        engine.dispose()
        yield url


@pytest.fixture(scope="module")
def driver(served: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as browser:
        browser.get(
            served + link_for(Settings(server=ServerSettings(secret_key=SECRET)), DEMO_WORKER[0])
        )
        browser.find_element(By.ID, "use-link").click()
        wait_text(browser, "今日")
        yield browser


def wait_text(driver: webdriver.Chrome, text: str) -> None:
    # while a form's answer loads, the old body can vanish under the read: stale, or
    # "node does not belong to the document" (a WebDriverException); both mean "not yet"
    ignored = (StaleElementReferenceException, WebDriverException)
    wait = WebDriverWait(driver, 15, ignored_exceptions=ignored)
    wait.until(lambda d: text in d.find_element(By.TAG_NAME, "body").text)


def test_copy_button_puts_the_ready_text_on_the_clipboard(
    driver: webdriver.Chrome, served: str
) -> None:
    driver.execute_cdp_cmd(  # as a phone asks the worker once
        "Browser.grantPermissions",
        {"origin": served, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
    )
    driver.get(f"{served}/admin/campaigns/1")
    wait_text(driver, "现成文案")
    expected = driver.find_element(By.ID, "ready-open").get_attribute("value") or ""
    assert expected.startswith("【开团】硕诚蔬菜套餐") and "#接龙" in expected
    button = driver.find_element(By.ID, "copy-open")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()
    WebDriverWait(driver, 10).until(lambda d: button.text == "已复制")
    pasted = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "navigator.clipboard.readText().then(done, (e) => done('error: ' + e));"
    )
    assert pasted == expected
    reminder = driver.find_element(By.ID, "ready-cutoff").get_attribute("value") or ""
    assert "已接龙 4 份，已成团" in reminder


def test_payment_tick_and_confirm(driver: webdriver.Chrome, served: str) -> None:
    driver.get(f"{served}/admin/campaigns/1/money")
    wait_text(driver, "订单付款")
    assert "未收 152 元（2 户）" in driver.find_element(By.ID, "money-summary").text
    box = driver.find_element(By.CSS_SELECTOR, "#pay-2 input[data-unpaid]")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
    box.click()
    driver.find_element(By.ID, "pay-check").click()
    wait_text(driver, "确认收款")
    assert driver.find_element(By.ID, "confirm-total").text == "76"
    driver.find_element(By.ID, "pay-confirm").click()
    wait_text(driver, "已记为已付")
    row = driver.find_element(By.ID, "pay-2").text
    assert "已付" in row and "未付 76" not in row
    assert "未收 76 元（1 户）" in driver.find_element(By.ID, "money-summary").text
    assert driver.find_elements(By.CSS_SELECTOR, "#pay-2 input[data-unpaid]") == []
