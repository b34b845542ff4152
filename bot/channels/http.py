"""JSON over HTTP to Tencent, errcodes turned into typed errors, and the database-held token."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import requests
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.base import MP, NETWORK, ChannelError, Platform, TokenRejected, error_for
from models import leases
from models.base import utcnow
from models.tokens import AccessToken

log = logging.getLogger(__name__)

TOKEN_MARGIN = timedelta(minutes=5)  # refresh a little early: a token may die mid-send
REFRESH_WAIT_SECONDS = 10.0

# fetch(force_refresh) -> (token, expires_in seconds)
TokenFetcher = Callable[[bool], tuple[str, int]]


def call_json(
    http: requests.Session,
    method: str,
    url: str,
    timeout: float,
    body: Any = None,
    params: dict[str, str] | None = None,
    platform: Platform = MP,
) -> dict[str, Any]:
    """One request; a non-zero errcode raises its typed ChannelError (as `platform` reads it),
    network trouble NETWORK."""
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
    try:
        resp = http.request(
            method,
            url,
            params=params,
            data=data,
            timeout=timeout,
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
        resp.raise_for_status()
        answer: dict[str, Any] = resp.json()
    except (requests.RequestException, ValueError) as exc:
        raise ChannelError(NETWORK, f"{type(exc).__name__}: {exc}") from exc
    errcode = int(answer.get("errcode", 0) or 0)
    if errcode:
        raise error_for(errcode, str(answer.get("errmsg", "")), platform)
    return answer


class TokenStore:
    """An access token kept in the database so every process shares one; refreshed under a lease.

    Fetching a token the classic way invalidates the previous one, and the daily quota is
    small, so processes must not each keep their own. clear_quota is never called.
    """

    def __init__(
        self,
        factory: sessionmaker[Session],
        key: str,
        fetch: TokenFetcher,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.factory, self.key, self.fetch, self.clock = factory, key, fetch, clock

    def get(self) -> str:
        """A valid token: the stored one, or a fresh one."""
        return self._stored(bad=None) or self.refresh(bad=None)

    def refresh(self, bad: str | None) -> str:
        """Replace `bad` (or a missing/expiring token); one process fetches, the others wait."""
        holder, deadline = uuid.uuid4().hex, time.monotonic() + REFRESH_WAIT_SECONDS
        while time.monotonic() < deadline:
            if leases.try_acquire(
                self.factory, f"token:{self.key}", holder, self.clock(), timedelta(seconds=30)
            ):
                try:
                    return self._stored(bad) or self._fetch_and_store(bad)
                finally:
                    leases.release(self.factory, f"token:{self.key}", holder)
            time.sleep(0.1)
            if token := self._stored(bad):
                return token
        raise ChannelError(-3, f"token {self.key}: refresh still running elsewhere")

    def _stored(self, bad: str | None) -> str | None:
        with self.factory() as session:
            row = session.get(AccessToken, self.key)
        if row is None or row.token == bad or row.expires_at - TOKEN_MARGIN <= self.clock():
            return None
        return row.token

    def _fetch_and_store(self, bad: str | None) -> str:
        token, expires_in = self.fetch(False)
        if bad is not None and token == bad:  # still valid to the stable-token endpoint
            token, expires_in = self.fetch(True)
        now = self.clock()
        with self.factory.begin() as session:
            row = session.get(AccessToken, self.key, with_for_update=True)
            if row is None:
                row = AccessToken(key=self.key, token="", expires_at=now)
                session.add(row)
            row.token, row.refreshed_at = token, now
            row.expires_at = now + timedelta(seconds=expires_in)
        log.info("access token %s refreshed, valid %ss", self.key, expires_in)
        return token

    def with_token(self, call: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
        """Run `call(token)`; when the platform says the token is bad, refresh once and retry."""
        token = self.get()
        try:
            return call(token)
        except TokenRejected as exc:
            log.warning("token %s rejected (%s): refreshing", self.key, exc.errcode)
            return call(self.refresh(bad=token))
