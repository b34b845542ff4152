"""Senders without a platform: the simulator, a channel that cannot send, and the recording fake
used by tests and benches."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from bot.channels.base import ChannelError, ChannelLimits, Message, SendResult


class SimChannel:
    """The built-in simulator: delivery is marking the notice sent; /sim shows sent sim notices."""

    name = "sim"
    limits = ChannelLimits(text_bytes=1 << 20)

    def rate_key(self, target: str) -> str | None:
        """The simulator is not paced."""
        return None

    def send(self, message: Message) -> SendResult:
        """Nothing to transmit: the outbox row becomes visible once it is marked sent."""
        return SendResult()


@dataclass
class UnconfiguredChannel:
    """A channel Linli receives on but cannot send on (its secret is not set): every send fails
    with `error`, so a notice to it falls back (the 公众号: to the resident's group) or is retried
    and then shown in the workers' failure list, instead of waiting for a sender that does not
    exist."""

    name: str
    error: type[ChannelError]
    why: str
    limits: ChannelLimits = field(default_factory=ChannelLimits)

    def rate_key(self, target: str) -> str | None:
        """Nothing is sent, so nothing is paced."""
        return None

    def send(self, message: Message) -> SendResult:
        """Refuse, naming the setting that is missing."""
        raise self.error(-5, self.why)


@dataclass
class FakeChannel:
    """Records what it sent; `errors` are raised by the next sends, in order (tests)."""

    name: str = "sim"
    limits: ChannelLimits = field(default_factory=ChannelLimits)
    pace_key: bool = False
    delay_seconds: float = 0.0
    sent: list[Message] = field(default_factory=list)
    errors: list[ChannelError] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def rate_key(self, target: str) -> str | None:
        """Paced per target when `pace_key` is set."""
        return f"{self.name}:{target}" if self.pace_key else None

    def send(self, message: Message) -> SendResult:
        """Record (or fail with the next scripted error)."""
        if self.delay_seconds:
            time.sleep(self.delay_seconds)
        with self.lock:
            if self.errors:
                raise self.errors.pop(0)
            self.sent.append(message)
        return SendResult(msgid=str(len(self.sent)))

    def texts(self) -> list[str]:
        """Just the texts, in send order."""
        return [m.text for m in self.sent]
