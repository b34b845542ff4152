"""企业微信 senders: the group robot webhook (20/min per robot) and app messages to workers."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.base import WECOM, ChannelLimits, Message, PermanentError, SendResult
from bot.channels.http import TokenStore, call_json
from bot.config import SchedulerSettings, WeComSettings
from models.community import Chat

log = logging.getLogger(__name__)


def webhook_key(webhook_url: str) -> str:
    """The `key` of a robot webhook URL (or the value itself if it is already a bare key)."""
    query = parse_qs(urlsplit(webhook_url).query)
    return query["key"][0] if "key" in query else webhook_url.strip()


class WeComRobotChannel:
    """Group notices through the robot webhook; the target is the group's chat id.

    The push URL belongs to the robot, not to a group: one robot serves every group (and 1:1
    chat) it was added to, and a push without `chatid` goes to all of its groups
    (`@all_group`). So every push names its one chat.
    """

    name = "wecom_robot"

    def __init__(
        self,
        factory: sessionmaker[Session],
        wecom: WeComSettings,
        sched: SchedulerSettings,
        http: requests.Session | None = None,
    ) -> None:
        self.factory, self.base = factory, wecom.api_base_url.rstrip("/")
        self.timeout = sched.http_timeout_seconds
        self.limits = ChannelLimits(
            text_bytes=2048, markdown_bytes=4096, per_minute=sched.robot_per_minute, batch=True
        )
        self.http = http or requests.Session()

    def _key(self, target: str) -> str:
        with self.factory() as session:
            url = session.scalar(
                select(Chat.webhook_url).where(
                    Chat.channel == self.name, Chat.external_id == target
                )
            )
        if not url:
            raise PermanentError(-4, f"no robot webhook for chat {target}")
        return webhook_key(url)

    def rate_key(self, target: str) -> str | None:
        """Tencent counts per robot (webhook key)."""
        return f"{self.name}:{self._key(target)}"

    def send(self, message: Message) -> SendResult:
        """POST text (with mentioned_mobile_list) or markdown to the robot, for one chat."""
        if not message.target or message.target.startswith("@") or "|" in message.target:
            raise PermanentError(-4, f"not one chat id: {message.target!r}")  # @all_group …
        body: dict[str, Any] = {"chatid": message.target}
        if message.format == "markdown":
            body |= {"msgtype": "markdown", "markdown": {"content": message.text}}
        else:
            text: dict[str, Any] = {"content": message.text}
            if message.mentioned_mobiles:
                text["mentioned_mobile_list"] = list(message.mentioned_mobiles)
            body |= {"msgtype": "text", "text": text}
        call_json(
            self.http,
            "POST",
            f"{self.base}/cgi-bin/webhook/send",
            self.timeout,
            body,
            params={"key": self._key(message.target)},
            platform=WECOM,
        )
        return SendResult()


class WeComAppChannel:
    """App messages to workers (target: their WeCom userid); 30 per minute and 1000 per hour
    per member, beyond which WeCom drops messages silently."""

    name = "wecom_app"

    def __init__(
        self,
        factory: sessionmaker[Session],
        wecom: WeComSettings,
        sched: SchedulerSettings,
        http: requests.Session | None = None,
    ) -> None:
        self.base, self.agent_id = wecom.api_base_url.rstrip("/"), wecom.app_agent_id
        self.timeout = sched.http_timeout_seconds
        self.limits = ChannelLimits(
            text_bytes=2048,
            per_minute=sched.app_per_member_per_minute,
            per_hour=sched.app_per_member_per_hour,
        )
        self.http = http or requests.Session()
        self.corp_id, self.secret = wecom.corp_id, wecom.app_secret
        self.tokens = TokenStore(
            factory, f"wecom_app:{wecom.corp_id}:{wecom.app_agent_id}", self._fetch_token
        )

    def _fetch_token(self, force: bool) -> tuple[str, int]:
        answer = call_json(
            self.http,
            "GET",
            f"{self.base}/cgi-bin/gettoken",
            self.timeout,
            params={"corpid": self.corp_id, "corpsecret": self.secret},
            platform=WECOM,
        )
        return str(answer["access_token"]), int(answer.get("expires_in", 7200))

    def rate_key(self, target: str) -> str | None:
        """Tencent drops (silently) beyond 30 per minute per member: we must pace ourselves."""
        return f"{self.name}:{target}"

    def send(self, message: Message) -> SendResult:
        """POST message/send; a target listed back as invalid is a permanent failure."""
        body = {
            "touser": message.target,
            "msgtype": "text",
            "agentid": self.agent_id,
            "text": {"content": message.text},
        }
        answer = self.tokens.with_token(
            lambda token: call_json(
                self.http,
                "POST",
                f"{self.base}/cgi-bin/message/send",
                self.timeout,
                body,
                params={"access_token": token},
                platform=WECOM,
            )
        )
        if answer.get("invaliduser"):
            raise PermanentError(81013, f"invalid user {answer['invaliduser']}")
        return SendResult(msgid=str(answer.get("msgid", "")))
