"""The sender contract: one `send(message)` per channel, typed errors carrying Tencent's errcode."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

Format = Literal["text", "markdown"]

THROTTLED = 45009  # 企业微信: API call frequency exceeded (robot 20/min)
OUT_OF_WINDOW = 45015  # 公众号: reply time limit exceeded (48 h since the user's last message)
WINDOW_QUOTA = 45047  # 公众号: customer-service message count limit in the window
TOKEN_INVALID = 40001
TOKEN_EXPIRED = 42001
PERMANENT = frozenset({40003, 40008, 44004, 81013, 93000, 60020})
NETWORK = -2


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
    """Byte limits (UTF-8) per message, sends per minute per destination, batching."""

    text_bytes: int = 2048
    markdown_bytes: int = 0  # 0: the channel has no markdown
    per_minute: int = 0  # 0: no limit we must pace
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
    """40001/42001: the access token is invalid or expired; refresh it and try once more."""


class PermanentError(ChannelError):
    """Retrying cannot help (unknown user, bad webhook key, empty content)."""

    retryable = False


def error_for(errcode: int, errmsg: str = "") -> ChannelError:
    """The typed error for a Tencent errcode."""
    if errcode == THROTTLED:
        return Throttled(errcode, errmsg)
    if errcode in (OUT_OF_WINDOW, WINDOW_QUOTA):
        return OutsideWindow(errcode, errmsg)
    if errcode in (TOKEN_INVALID, TOKEN_EXPIRED):
        return TokenRejected(errcode, errmsg)
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
