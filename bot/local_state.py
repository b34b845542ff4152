"""What a running Linli keeps beside its database: the data directory, the secret key generated
once there, and the login-link issuer signed with that key.

Flask-free, so the scheduler process (which answers `后台` while sweeping the inbox) and the
web app build the same issuer from the same settings.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from bot.config import Settings
from handlers.community.admin_link import SignedLinkIssuer


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


def link_issuer(settings: Settings) -> SignedLinkIssuer:
    """The issuer the bot's Context should carry so `后台` can answer with a link."""
    base = settings.server.public_url or f"http://{settings.server.host}:{settings.server.port}"
    return SignedLinkIssuer(secret_key(settings), base)
