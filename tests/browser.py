"""Helpers for the browser tests: a live Linli server in a thread and Debian's headless Chromium.

Selenium is given the driver path, so it never runs Selenium Manager (no network here).
Missing Chromium fails the test with the command that installs it; LINLI_SKIP_BROWSER=1 skips.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from werkzeug.serving import make_server

from bot.app import create_app
from bot.config import DatabaseSettings, ServerSettings, Settings
from bot.runtime import Runtime
from bot.serve import init_db

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
PHONE_SIZE = (390, 844)
SKIP_ENV = "LINLI_SKIP_BROWSER"


def require_chromium() -> None:
    """Fail loudly when Chromium is missing (skip only when LINLI_SKIP_BROWSER=1)."""
    if os.environ.get(SKIP_ENV) == "1":
        pytest.skip(f"{SKIP_ENV}=1: browser tests skipped")
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.is_file()]
    if missing:
        pytest.fail(
            f"browser tests need Debian's chromium and chromium-driver ({', '.join(missing)} "
            f"missing): run `make system-deps` (or set {SKIP_ENV}=1 to skip them)",
            pytrace=False,
        )


def require_cjk_font() -> None:
    """Without a CJK font the screenshot shows boxes instead of Chinese."""
    fc_list = shutil.which("fc-list")
    found = (
        fc_list
        and subprocess.run(
            [fc_list, ":lang=zh"], capture_output=True, text=True, check=False
        ).stdout.strip()
    )
    if not found:
        pytest.fail(
            "no Chinese font for Chromium: run `make system-deps` (fonts-noto-cjk)", pytrace=False
        )


@contextmanager
def live_server(tmp_path: Path) -> Iterator[str]:
    """Migrate and seed a tmp database, serve the real app on a free port; yield its base URL."""
    settings = Settings(
        server=ServerSettings(secret_key="browser-test"),
        database=DatabaseSettings(url=f"sqlite:///{tmp_path / 'linli.db'}"),
    )
    init_db(settings)
    app = create_app(settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        runtime: Runtime = app.extensions["linli"]
        runtime.engine.dispose()


@contextmanager
def chromium(profile_dir: Path) -> Iterator[webdriver.Chrome]:
    """Headless Chromium at phone size (390x844), with a throwaway profile."""
    options = Options()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--lang=zh-CN",
        f"--user-data-dir={profile_dir}",
        f"--window-size={PHONE_SIZE[0]},{PHONE_SIZE[1]}",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        driver.set_window_size(*PHONE_SIZE)
        driver.set_page_load_timeout(30)
        yield driver
    finally:
        driver.quit()
