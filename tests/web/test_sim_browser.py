"""The simulator page in real headless Chromium at phone size: send, see replies, screenshot.

The README screenshot (docs/screenshots/simulator.png) is written when it is missing or when
LINLI_SCREENSHOT=1, so an ordinary `make test` leaves the working tree clean.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.browser import chromium, live_server, require_chromium, require_cjk_font

pytestmark = pytest.mark.browser

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "simulator.png"
GROUP_BUY = "sim-g-tuangou"
CHAIN_HEAD = "#接龙\n周六蔬菜团购 周五晚8点截单 周六上午9点3号楼下取货\n例 3-2-201 张三 土豆2斤\n"
CHAIN_1 = CHAIN_HEAD + "1. 3-2-502 李建国 西红柿3斤 鸡蛋1板"
CHAIN_2 = CHAIN_1 + "\n2. 5-1-1102 刘洋 大白菜1颗 土豆两斤"
CHAIN_3 = CHAIN_2 + "\n3. 3-1-301 王丽 黄瓜2斤 鸡蛋1板"
NEED = "3-2-201 张奶奶一个人住，降压药吃完了，麻烦社区帮忙代买一盒硝苯地平，谢谢！"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_chromium()
    with live_server(tmp_path_factory.mktemp("server")) as url:
        yield url


@pytest.fixture(scope="module")
def driver(base_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as browser:
        yield browser


def open_sim(driver: webdriver.Chrome, base_url: str, chat: str, speaker: str) -> None:
    driver.get(f"{base_url}/sim?chat={chat}&as={speaker}")
    WebDriverWait(driver, 15).until(lambda d: d.find_element(By.ID, "text").is_displayed())


def bubbles(driver: webdriver.Chrome, css: str) -> list[WebElement]:
    return driver.find_elements(By.CSS_SELECTOR, f"#messages {css} .bubble")


def pick_speaker(driver: webdriver.Chrome, external_id: str) -> None:
    Select(driver.find_element(By.ID, "speaker")).select_by_value(external_id)


def say(driver: webdriver.Chrome, text: str) -> None:
    """Type into the textarea (newlines included) and press 发送; wait for my bubble."""
    before = len(bubbles(driver, ".msg.me"))
    box = driver.find_element(By.ID, "text")
    box.clear()
    box.send_keys(text)
    driver.find_element(By.ID, "send").click()
    WebDriverWait(driver, 15).until(lambda d: len(bubbles(d, ".msg.me")) > before)
    assert bubbles(driver, ".msg.me")[-1].text == text
    assert driver.find_element(By.ID, "text").get_attribute("value") == ""


def wait_for_bot(driver: webdriver.Chrome, at_least: int = 1) -> list[WebElement]:
    WebDriverWait(driver, 15).until(lambda d: len(bubbles(d, ".msg.bot")) >= at_least)
    return bubbles(driver, ".msg.bot")


def test_group_jielong_and_need_get_bot_replies(driver: webdriver.Chrome, base_url: str) -> None:
    open_sim(driver, base_url, GROUP_BUY, "sim-u-lijg")
    assert driver.find_element(By.ID, "chat-title").text == "和平里团购群"
    say(driver, CHAIN_1)
    pick_speaker(driver, "sim-u-liuy")
    say(driver, CHAIN_2)
    pick_speaker(driver, "sim-u-wangl")  # the resident whose phone we are looking at
    WebDriverWait(driver, 15).until(lambda d: len(bubbles(d, ".msg.them")) >= 2)
    say(driver, CHAIN_3)
    say(driver, NEED)
    replies = wait_for_bot(driver)
    assert all(r.text.strip() for r in replies)
    names = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#messages .msg .name")]
    assert {"李建国", "刘洋", "王丽"} <= set(names)
    if os.environ.get("LINLI_SCREENSHOT") == "1" or not SCREENSHOT.exists():
        require_cjk_font()
        save_phone_screenshot(driver, SCREENSHOT)


def save_phone_screenshot(driver: webdriver.Chrome, path: Path) -> None:
    """A crisp 390x844 CSS-pixel screenshot (device scale 2), scrolled to the newest message."""
    metrics = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": False}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    try:
        driver.execute_script("document.getElementById('messages').scrollTop = 1e9")
        path.parent.mkdir(parents=True, exist_ok=True)
        assert driver.save_screenshot(str(path))
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_one_to_one_chat_with_the_bot_answers(driver: webdriver.Chrome, base_url: str) -> None:
    open_sim(driver, base_url, "__dm__", "sim-u-zhangxy")
    assert driver.find_element(By.ID, "chat-title").text == "邻里接龙助手"
    say(driver, "帮助")
    [reply] = wait_for_bot(driver)
    assert reply.text.strip()


def test_html_from_a_resident_is_shown_as_text(driver: webdriver.Chrome, base_url: str) -> None:
    open_sim(driver, base_url, "sim-g-3hao", "sim-u-chenj")
    text = "<img src=x onerror=\"document.title='pwned'\"> <b>5-3-602</b>"
    say(driver, text)
    assert driver.title != "pwned"
    assert driver.find_elements(By.CSS_SELECTOR, "#messages img, #messages .bubble b") == []


def test_page_fits_a_small_phone_and_centres_on_desktop(
    driver: webdriver.Chrome, base_url: str
) -> None:
    try:
        for width, height in ((360, 640), (414, 896)):
            driver.set_window_size(width, height)
            open_sim(driver, base_url, "sim-g-3hao", "sim-u-lijg")
            overflow = driver.execute_script(
                "return document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, f"horizontal scroll at {width}px"
            assert driver.find_element(By.ID, "send").is_displayed()
        driver.set_window_size(1280, 900)
        open_sim(driver, base_url, "sim-g-3hao", "sim-u-lijg")
        phone = driver.find_element(By.ID, "sim")
        assert phone.size["width"] <= 480 and phone.location["x"] > 200
    finally:
        driver.set_window_size(390, 844)


def test_the_picture_button_sends_a_screenshot(
    driver: webdriver.Chrome, base_url: str, tmp_path: Path
) -> None:
    """图片: pick a file, the bubble says [图片] and the bot answers that it is being read."""
    from tests.picture_support import sheet_png

    picture = tmp_path / "jielong.png"
    picture.write_bytes(sheet_png())
    open_sim(driver, base_url, "sim-g-3hao", "sim-u-chenj")
    before = len(bubbles(driver, ".msg.bot"))
    driver.find_element(By.ID, "image").send_keys(str(picture))
    replies = wait_for_bot(driver, before + 1)
    assert replies[-1].text.startswith("收到图片，正在识别…")
    assert bubbles(driver, ".msg.me")[-1].text == "[图片]"
    assert driver.find_element(By.ID, "image").get_attribute("value") == ""
