"""公众号 customer-service messages: within 48 h of the resident's last message, 5 per window."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import requests
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.base import (
    MP,
    OUT_OF_WINDOW,
    WINDOW_QUOTA,
    ChannelLimits,
    Message,
    OutsideWindow,
    SendResult,
)
from bot.channels.http import TokenStore, call_json
from bot.config import SchedulerSettings, WeChatSettings
from models.base import utcnow
from models.community import Member
from models.messaging import Notice

log = logging.getLogger(__name__)


class MpCustomerServiceChannel:
    """Customer-service text to one follower (target: openid).

    The access token comes from the stable-token endpoint (a refresh by one process does not
    invalidate the token other processes hold) and lives in the database.
    """

    name = "mp"
    limits = ChannelLimits(text_bytes=2048)

    def __init__(
        self,
        factory: sessionmaker[Session],
        wechat: WeChatSettings,
        sched: SchedulerSettings,
        http: requests.Session | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.factory, self.clock = factory, clock
        self.base, self.timeout = wechat.api_base_url.rstrip("/"), sched.http_timeout_seconds
        self.app_id, self.secret = wechat.app_id, wechat.app_secret
        self.window = timedelta(hours=sched.mp_window_hours)
        self.quota = sched.mp_window_quota
        self.http = http or requests.Session()
        self.tokens = TokenStore(factory, f"mp:{wechat.app_id}", self._fetch_token, clock)

    def _fetch_token(self, force: bool) -> tuple[str, int]:
        body = {
            "grant_type": "client_credential",
            "appid": self.app_id,
            "secret": self.secret,
            "force_refresh": force,
        }
        answer = call_json(
            self.http, "POST", f"{self.base}/cgi-bin/stable_token", self.timeout, body, platform=MP
        )
        return str(answer["access_token"]), int(answer.get("expires_in", 7200))

    def rate_key(self, target: str) -> str | None:
        """The window rule is checked in `send`; there is no per-minute pacing."""
        return None

    def window_open(self, openid: str) -> int:
        """0 if a message may go now, else the errcode Tencent would answer (45015 / 45047)."""
        with self.factory() as session:
            last = session.scalar(
                select(Member.last_message_at).where(
                    Member.channel == self.name, Member.external_id == openid
                )
            )
            if last is None or last + self.window <= self.clock():
                return OUT_OF_WINDOW
            used = (
                session.scalar(
                    select(func.count(Notice.id)).where(
                        Notice.channel == self.name,
                        Notice.target == openid,
                        Notice.status == "sent",
                        Notice.sent_at >= last,
                    )
                )
                or 0
            )
        return WINDOW_QUOTA if used >= self.quota else 0

    def send(self, message: Message) -> SendResult:
        """Check the window ourselves first (no wasted call), then POST message/custom/send."""
        if code := self.window_open(message.target):
            raise OutsideWindow(code, "outside the customer-service window")
        body = {"touser": message.target, "msgtype": "text", "text": {"content": message.text}}
        self.tokens.with_token(
            lambda token: call_json(
                self.http,
                "POST",
                f"{self.base}/cgi-bin/message/custom/send",
                self.timeout,
                body,
                params={"access_token": token},
                platform=MP,
            )
        )
        return SendResult()
