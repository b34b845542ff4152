"""The worker page in real headless Chromium at phone width: login by link, bulk confirm,
pickup verification, resident HTML shown as text. Saves the README screenshots.

Screenshots (docs/screenshots/admin-today.png, admin-pickup.png) are written when missing or
when LINLI_SCREENSHOT=1, so an ordinary `make test` leaves the working tree clean.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import (
    NoAlertPresentException,
    StaleElementReferenceException,
    WebDriverException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from bot.config import ServerSettings, Settings
from models.base import make_engine, make_session_factory
from tests.admin_support import XSS_NAME, World, create_tables, link_for, seed
from tests.browser import chromium, live_server, require_chromium, require_cjk_font

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SECRET = "browser-test"  # what tests.browser.live_server configures


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, World]]:
    require_chromium()
    tmp = tmp_path_factory.mktemp("admin-server")
    with live_server(tmp) as url:
        engine = make_engine(f"sqlite:///{tmp / 'linli.db'}")
        create_tables(engine)
        world = seed(make_session_factory(engine))
        engine.dispose()
        yield url, world


@pytest.fixture(scope="module")
def driver(
    served: tuple[str, World], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[webdriver.Chrome]:
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as browser:
        yield browser


def wait_text(driver: webdriver.Chrome, text: str) -> None:
    # while a form's answer loads, the old body can vanish under the read: stale, or
    # "node does not belong to the document" (a WebDriverException); both mean "not yet"
    ignored = (StaleElementReferenceException, WebDriverException)
    wait = WebDriverWait(driver, 15, ignored_exceptions=ignored)
    wait.until(lambda d: text in d.find_element(By.TAG_NAME, "body").text)


def no_alert(driver: webdriver.Chrome) -> bool:
    try:
        driver.switch_to.alert.dismiss()
    except NoAlertPresentException:
        return True
    return False


def screenshot(driver: webdriver.Chrome, name: str) -> None:
    path = SHOTS / name
    if os.environ.get("LINLI_SCREENSHOT") != "1" and path.exists():
        return
    require_cjk_font()
    metrics = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": False}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        assert driver.save_screenshot(str(path))
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_login_by_link_and_resident_html_is_text(
    driver: webdriver.Chrome, served: tuple[str, World]
) -> None:
    base, _ = served
    driver.get(base + link_for(Settings(server=ServerSettings(secret_key=SECRET)), "w-a"))
    assert "#" not in driver.current_url  # the page moved the token into its form
    driver.find_element(By.ID, "use-link").click()
    wait_text(driver, "今日")
    assert driver.current_url.rstrip("/").endswith("/admin")
    body = driver.find_element(By.TAG_NAME, "body").text
    assert XSS_NAME in body  # shown as text ...
    assert no_alert(driver)  # ... and never run
    assert driver.find_elements(By.CSS_SELECTOR, "main img") == []
    screenshot(driver, "admin-today.png")
    driver.get(f"{base}/admin/households")
    assert XSS_NAME in driver.find_element(By.TAG_NAME, "body").text and no_alert(driver)


def test_bulk_confirm(driver: webdriver.Chrome, served: tuple[str, World]) -> None:
    base, world = served
    driver.get(f"{base}/admin/campaigns/{world.campaign_a}")
    driver.find_element(By.ID, "select-all").click()  # admin.js ticks every waiting order
    boxes = driver.find_elements(By.CSS_SELECTOR, "input[data-order]")
    assert len(boxes) == 2 and all(b.is_selected() for b in boxes)
    driver.find_element(By.ID, "bulk-confirm").click()
    wait_text(driver, "已确认 2 单")
    assert driver.find_elements(By.CSS_SELECTOR, "input[data-order]") == []
    assert XSS_NAME in driver.find_element(By.TAG_NAME, "body").text and no_alert(driver)


def test_pickup_verification(driver: webdriver.Chrome, served: tuple[str, World]) -> None:
    base, world = served
    driver.get(f"{base}/admin/pickup")
    box = driver.find_element(By.ID, "q")
    assert driver.switch_to.active_element == box  # a scanner types straight in
    box.send_keys("k7q2", Keys.ENTER)
    button = WebDriverWait(driver, 15, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: d.find_element(By.ID, f"verify-{world.ready_order}")
    )
    button.click()
    wait_text(driver, "已核销")
    result = driver.find_element(By.ID, "result")
    assert "a-ok" in (result.get_attribute("class") or "")
    screenshot(driver, "admin-pickup.png")
    driver.find_element(By.ID, "q").send_keys("K7Q2", Keys.ENTER)
    wait_text(driver, "取过")
    assert not driver.find_elements(By.ID, f"verify-{world.ready_order}")
