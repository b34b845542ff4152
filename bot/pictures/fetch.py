"""Download a picture from where its channel keeps it, never more than `MAX_BYTES`.

公众号 and 企业微信 app image messages carry a MediaId: GET /cgi-bin/media/get with the
channel's access token answers the file itself, or JSON with an errcode (40007 unknown or
expired media id — ids live three days —, 40001/42001 token, which is refreshed once). The
group robot's messages carry an image URL. A file over the limit is refused from its
Content-Length or, without one, after reading one byte past the limit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlsplit

import requests
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.base import ChannelError, TokenRejected, error_for
from bot.channels.http import TokenStore
from bot.channels.mp import MpCustomerServiceChannel
from bot.channels.wecom import WeComAppChannel
from bot.config import Settings
from bot.pictures.decode import MAX_BYTES, PictureError

log = logging.getLogger(__name__)

CHUNK = 64 * 1024
INVALID_MEDIA = 40007
Fetch = Callable[[str], bytes]


class MediaFetcher:
    """`fetcher("mp:ID" | "wecom:ID" | "url:https://…")` → the picture's bytes."""

    def __init__(
        self,
        settings: Settings,
        factory: sessionmaker[Session],
        http: requests.Session | None = None,
        limit: int = MAX_BYTES,
    ) -> None:
        self.settings, self.factory, self.limit = settings, factory, limit
        self.http = http or requests.Session()
        self.timeout = settings.scheduler.http_timeout_seconds

    def __call__(self, media: str) -> bytes:
        """The bytes; PictureError (unavailable, too_large, not_image) or ChannelError."""
        kind, _, ref = media.partition(":")
        if kind == "mp" and ref:
            channel = MpCustomerServiceChannel(
                self.factory, self.settings.wechat, self.settings.scheduler, self.http
            )
            return self._by_media_id(channel.base, channel.tokens, ref)
        if kind == "wecom" and ref:
            app = WeComAppChannel(
                self.factory, self.settings.wecom, self.settings.scheduler, self.http
            )
            return self._by_media_id(app.base, app.tokens, ref)
        if kind == "url" and self._allowed(ref):
            return download(self.http, ref, {}, self.timeout, self.limit)
        raise PictureError("unavailable", f"no way to fetch {media[:60]!r}")

    def _by_media_id(self, base: str, tokens: TokenStore, media_id: str) -> bytes:
        url = f"{base}/cgi-bin/media/get"

        def get(token: str) -> bytes:
            params = {"access_token": token, "media_id": media_id}
            return download(self.http, url, params, self.timeout, self.limit)

        token = tokens.get()
        try:
            return get(token)
        except TokenRejected as exc:
            log.warning("media download: token rejected (%s), refreshing", exc.errcode)
            return get(tokens.refresh(bad=token))

    def _allowed(self, url: str) -> bool:
        """https, or the configured 企业微信 API host (the tests' fake serves plain http)."""
        parts = urlsplit(url)
        api_host = urlsplit(self.settings.wecom.api_base_url).hostname
        return parts.scheme == "https" or (
            parts.scheme == "http" and parts.hostname is not None and parts.hostname == api_host
        )


def download(
    http: requests.Session, url: str, params: dict[str, str], timeout: float, limit: int
) -> bytes:
    """GET a file; a JSON answer is Tencent's error; more than `limit` bytes is too_large."""
    try:
        with http.get(url, params=params, timeout=timeout, stream=True) as resp:
            resp.raise_for_status()
            if _is_json(resp):
                _raise_for_answer(resp)
            size = resp.headers.get("Content-Length", "")
            if size.isdigit() and int(size) > limit:
                raise PictureError("too_large", f"Content-Length {size}")
            return _read_capped(resp, limit)
    except requests.RequestException as exc:
        raise ChannelError(-2, f"{type(exc).__name__}: {exc}") from exc


def _is_json(resp: requests.Response) -> bool:
    kind = resp.headers.get("Content-Type", "").lower()
    return "json" in kind or kind.startswith("text/plain")


def _raise_for_answer(resp: requests.Response) -> None:
    try:
        answer = resp.json()
    except ValueError as exc:
        raise PictureError("not_image", "a text answer that is not JSON") from exc
    errcode = int(answer.get("errcode", 0) or 0) if isinstance(answer, dict) else 0
    if errcode == INVALID_MEDIA:
        raise PictureError("unavailable", f"errcode {errcode}: {answer.get('errmsg', '')}")
    if errcode:
        raise error_for(errcode, str(answer.get("errmsg", "")))
    raise PictureError("not_image", "JSON instead of a picture (a video?)")


def _read_capped(resp: requests.Response, limit: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    for chunk in resp.iter_content(CHUNK):
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise PictureError("too_large", f"over {limit} bytes")
    return b"".join(chunks)
