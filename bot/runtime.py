"""The Runtime a web app carries: settings and the database, reached through `runtime()`."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from flask import current_app
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from handlers.admin_link import NO_LINKS, LinkIssuer


@dataclass(frozen=True, slots=True)
class Runtime:
    """Per-app state; tests build one per app, so nothing is global."""

    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    links: LinkIssuer = NO_LINKS  # signs the worker-page login links the bot sends (`后台`)


def runtime() -> Runtime:
    """The Runtime of the current app (typed accessor instead of app.config lookups)."""
    return cast(Runtime, current_app.extensions["linli"])


def data_dir(settings: Settings) -> Path:
    """Where the SQLite file and generated secrets live (var/ next to the database)."""
    url = settings.database.url
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        return Path(url.removeprefix("sqlite:///")).resolve().parent
    return Path("var").resolve()


def secret_key(settings: Settings) -> str:
    """The configured secret, or one generated once and kept in var/secret_key (mode 600)."""
    if settings.server.secret_key:
        return settings.server.secret_key
    path = data_dir(settings) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()
