"""Shared fixtures, flaskr-style: `settings` → `app` → `client` / `runner`, plus `wechat`."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy.orm import Session, sessionmaker

from bot.app import create_app
from bot.config import DatabaseSettings, ServerSettings, Settings, WeChatSettings
from bot.runtime import Runtime
from models.base import make_engine, make_session_factory
from models.migrate import upgrade_to_head
from tests import pg, wechat_client
from tests.wechat_client import WeChatActions


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """A SQLite file in tmp_path; the 公众号 channel on, keyed with Tencent's test vector."""
    return Settings(
        server=ServerSettings(secret_key="test-secret-key"),
        database=DatabaseSettings(url=f"sqlite:///{tmp_path / 'linli.db'}"),
        wechat=WeChatSettings(
            enabled=True,
            token=wechat_client.TOKEN,
            app_id=wechat_client.APP_ID,
            aes_key=wechat_client.AES_KEY,
        ),
    )


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    """The web app on a freshly migrated database."""
    engine = make_engine(settings.database.url)
    upgrade_to_head(engine)
    engine.dispose()
    app = create_app(settings)
    app.config.update(TESTING=True)
    yield app
    runtime: Runtime = app.extensions["linli"]
    runtime.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def session_factory(app: Flask) -> sessionmaker[Session]:
    """The app's own session factory (to look at or prepare the database)."""
    runtime: Runtime = app.extensions["linli"]
    return runtime.session_factory


@pytest.fixture
def wechat(client: FlaskClient, settings: Settings) -> WeChatActions:
    """Acts as the WeChat server towards /wechat/mp (signing and encrypting independently)."""
    return WeChatActions(
        client,
        token=settings.wechat.token,
        aes_key=settings.wechat.aes_key,
        app_id=settings.wechat.app_id,
    )


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[pg.Cluster]:
    """A throwaway PostgreSQL server for the whole session (tests/pg.py); fails without one."""
    try:
        cluster = pg.start_cluster()
    except pg.PostgresMissing as exc:
        if os.environ.get(pg.SKIP_ENV) == "1":
            pytest.skip(f"{pg.SKIP_ENV}=1: {exc}")
        pytest.fail(str(exc), pytrace=False)
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: pg.Cluster) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test: `postgresql+psycopg://…`."""
    url = pg_cluster.new_database()
    yield url
    pg_cluster.drop_database(url)


@pytest.fixture
def pg_migrated_url(pg_cluster: pg.Cluster) -> Iterator[str]:
    """A fresh PostgreSQL database already at the newest schema (cloned from a template)."""
    url = pg_cluster.migrated_database()
    yield url
    pg_cluster.drop_database(url)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_factory(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[sessionmaker[Session]]:
    """A migrated database, once as a SQLite file and once on the suite's PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'linli.db'}"
    else:
        url = request.getfixturevalue("pg_migrated_url")
    engine = make_engine(url)
    upgrade_to_head(engine)
    yield make_session_factory(engine)
    engine.dispose()
