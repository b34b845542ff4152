"""The Runtime a web app carries: settings and the database, reached through `runtime()`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from flask import current_app
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from handlers.community.repo import NO_LINKS, LinkIssuer


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
