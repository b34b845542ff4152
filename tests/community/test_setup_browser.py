"""The 社区 page in real headless Chromium: an admin adds a community, makes an invitation
code, gives a waiting group to a community and imports a roster after its preview."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from bot.cli import main
from bot.config import ServerSettings, Settings
from tests.admin_support import link_for
from tests.browser import chromium, live_server, require_chromium
from tests.setup_support import code_in, roster_workbook

pytestmark = pytest.mark.browser

SECRET = "browser-test"  # what tests.browser.live_server configures
ADMIN = "sim-new-admin"  # a visitor who binds an admin invitation in the simulator


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    require_chromium()
    tmp = tmp_path_factory.mktemp("setup-server")
    with live_server(tmp) as url:
        yield url, tmp


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as browser:
        yield browser


def wait_text(driver: webdriver.Chrome, text: str) -> None:
    wait = WebDriverWait(driver, 15, ignored_exceptions=(StaleElementReferenceException,))
    wait.until(lambda d: text in d.find_element(By.TAG_NAME, "body").text)


def _sim(base: str, chat: str, sender: str, text: str) -> str:
    body = {"chat": chat, "sender": sender, "text": text}
    got = requests.post(f"{base}/sim/api/send", json=body, timeout=10).json()
    return str(got["reply"] or "")


def test_setting_up_on_the_page(
    driver: webdriver.Chrome,
    served: tuple[str, Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    base, tmp = served
    config = tmp / "linli.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{tmp / "linli.db"}"\n')
    capsys.readouterr()
    assert (
        main(["--config", str(config), "invite", "--community", "和平里社区", "--role", "admin"])
        == 0
    )
    code = code_in(capsys.readouterr().out)
    assert "管理员" in _sim(base, ADMIN, ADMIN, f"绑定 {code}")
    _sim(base, "g-new-5", "u-5", "5号楼的邻居们好")  # a group nobody has assigned yet

    driver.get(base + link_for(Settings(server=ServerSettings(secret_key=SECRET)), ADMIN))
    driver.find_element(By.ID, "use-link").click()
    wait_text(driver, "今日")
    driver.find_element(By.LINK_TEXT, "社区").click()
    wait_text(driver, "待归属的群")

    form = driver.find_element(By.ID, "add-community")
    form.find_element(By.NAME, "name").send_keys("幸福里社区")
    form.find_element(By.TAG_NAME, "button").click()
    wait_text(driver, "已添加社区：幸福里社区")

    invite = driver.find_element(By.ID, "invite")
    Select(invite.find_element(By.NAME, "community_id")).select_by_visible_text("幸福里社区")
    invite.find_element(By.TAG_NAME, "button").click()
    wait_text(driver, "只显示这一次")
    shown = driver.find_element(By.ID, "invite-code").text
    assert re.search(r"绑定 [A-Z2-9]{4}-[A-Z2-9]{4}", shown) and "幸福里社区的工作人员" in shown

    group = driver.find_element(By.CSS_SELECTOR, "#waiting-groups .a-row")
    assert "g-new-5" in group.text and "1 条消息已保存" in group.text
    Select(group.find_element(By.NAME, "community_id")).select_by_visible_text("和平里社区")
    group.find_element(By.TAG_NAME, "button").click()
    wait_text(driver, "已归属和平里社区，之前的1条消息已计入")
    assert "没有待归属的群" in driver.find_element(By.ID, "waiting-groups").text

    sheet = roster_workbook(tmp / "名单.xlsx", 40)
    upload = driver.find_element(By.ID, "roster")
    Select(upload.find_element(By.NAME, "community_id")).select_by_visible_text("和平里社区")
    upload.find_element(By.NAME, "file").send_keys(str(sheet))
    upload.find_element(By.TAG_NAME, "button").click()
    wait_text(driver, "预览")
    summary = driver.find_element(By.ID, "roster-summary").text
    assert "楼号 ← 楼 号" in summary and "房号 ← 门牌号" in summary
    assert driver.find_element(By.ID, "count-review").text == "1"
    assert "与第6行同一户" in driver.find_element(By.ID, "roster-review").text
    assert driver.find_element(By.ID, "count-new").text == "39"
    driver.find_element(By.ID, "roster-confirm").click()
    wait_text(driver, "已导入和平里社区住户名单")
    assert "住户0" in driver.find_element(By.TAG_NAME, "body").text
