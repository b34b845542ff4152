"""The sender contract: one `send(message)` per channel, typed errors carrying Tencent's errcode."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

Format = Literal["text", "markdown"]

THROTTLED = 45009  # 企业微信: API call frequency exceeded (robot 20/min)
OUT_OF_WINDOW = 45015  # 公众号: reply time limit exceeded (48 h since the user's last message)
WINDOW_QUOTA = 45047  # 公众号: customer-service message count limit in the window
TOKEN_INVALID = 40014  # both platforms: 不合法的access_token
TOKEN_EXPIRED = 42001  # both platforms: access_token 已过期
PERMANENT = frozenset({40003, 40008, 44004, 81013, 93000})
NETWORK = -2


@dataclass(frozen=True, slots=True)
class Platform:
    """How one platform's errcodes read: which mean "get a new access token", and which mean
    the operator's configuration is refused (with what to fix). The same number differs:
    40001 is a stale or invalid token on the 公众号 but a wrong secret on 企业微信."""

    name: str
    token_codes: frozenset[int]
    config_codes: dict[int, str]


MP = Platform(
    "公众号",
    frozenset({40001, TOKEN_INVALID, TOKEN_EXPIRED}),  # 40001: invalid credential / not latest
    {
        40125: "wechat.app_secret is wrong (不合法的AppSecret)",
        40164: "this server's IP is not on the 公众号 IP whitelist (基本配置 → IP白名单)",
    },
)
WECOM = Platform(
    "企业微信",
    frozenset({TOKEN_INVALID, TOKEN_EXPIRED}),
    {
        40001: "wecom.app_secret is wrong (不合法的secret参数)",
        40013: "wecom.corp_id is wrong (不合法的CorpID)",
        60020: "this server's IP is not among the app's 企业可信IP",
    },
)


@dataclass(frozen=True, slots=True)
class Message:
    """What goes over the wire once: one notice, or a batch of reminders for one group."""

    target: str
    text: str
    format: Format = "text"
    mentioned_mobiles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SendResult:
    """Tencent's answer when it has one worth logging (a msgid)."""

    msgid: str = ""


@dataclass(frozen=True, slots=True)
class ChannelLimits:
    """Byte limits (UTF-8) per message, sends per minute and per hour per destination,
    batching."""

    text_bytes: int = 2048
    markdown_bytes: int = 0  # 0: the channel has no markdown
    per_minute: int = 0  # 0: no limit we must pace
    per_hour: int = 0  # 0: none beyond the minute's (paced only with per_minute set)
    batch: bool = False  # many reminders for one target may become one message


class ChannelError(Exception):
    """A failed send with the platform's errcode (negative codes are ours: network, config)."""

    retryable = True

    def __init__(self, errcode: int, errmsg: str = "") -> None:
        super().__init__(f"errcode={errcode} {errmsg}".strip())
        self.errcode = errcode
        self.errmsg = errmsg


class Throttled(ChannelError):
    """45009: the destination is over its rate; wait a minute, do not count a failure."""


class OutsideWindow(ChannelError):
    """45015/45047: the resident cannot be messaged 1:1 now; fall back to the group notice."""

    retryable = False


class TokenRejected(ChannelError):
    """The platform's token codes (40014/42001, and 40001 on the 公众号): the access token is
    invalid or expired; refresh it and try once more."""


class ConfigRejected(ChannelError):
    """The platform refuses our configuration (a wrong secret, this server's IP not allowed):
    no token refresh helps; an operator must fix it. Retried with backoff meanwhile, so the
    notices go out once it is fixed."""


class PermanentError(ChannelError):
    """Retrying cannot help (unknown user, bad webhook key, empty content)."""

    retryable = False


def error_for(errcode: int, errmsg: str = "", platform: Platform = MP) -> ChannelError:
    """The typed error for a Tencent errcode, read as `platform` means it."""
    if errcode in platform.token_codes:
        return TokenRejected(errcode, errmsg)
    if errcode in platform.config_codes:
        return ConfigRejected(errcode, f"{errmsg} — {platform.config_codes[errcode]}")
    if errcode == THROTTLED:
        return Throttled(errcode, errmsg)
    if errcode in (OUT_OF_WINDOW, WINDOW_QUOTA):
        return OutsideWindow(errcode, errmsg)
    if errcode in PERMANENT:
        return PermanentError(errcode, errmsg)
    return ChannelError(errcode, errmsg)


class Channel(Protocol):
    """A sender. `rate_key` names the destination whose limit applies (None: unpaced)."""

    name: str
    limits: ChannelLimits

    def rate_key(self, target: str) -> str | None:
        """The pacing bucket for this target, e.g. `wecom_robot:<key>`."""
        ...

    def send(self, message: Message) -> SendResult:
        """Deliver one message or raise a ChannelError."""
        ...
