"""Outbound channel senders, chosen from settings; the scheduler drains the outbox through them."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session, sessionmaker

from bot.channels.base import (
    Channel,
    ChannelError,
    ChannelLimits,
    ConfigRejected,
    Message,
    OutsideWindow,
    PermanentError,
    SendResult,
    Throttled,
    TokenRejected,
)
from bot.channels.mp import MpCustomerServiceChannel
from bot.channels.simple import FakeChannel, SimChannel, UnconfiguredChannel
from bot.channels.wecom import WeComAppChannel, WeComRobotChannel
from bot.config import Settings

__all__ = [
    "Channel",
    "ChannelError",
    "ChannelLimits",
    "ConfigRejected",
    "FakeChannel",
    "Message",
    "MpCustomerServiceChannel",
    "OutsideWindow",
    "PermanentError",
    "SendResult",
    "SimChannel",
    "Throttled",
    "TokenRejected",
    "UnconfiguredChannel",
    "WeComAppChannel",
    "WeComRobotChannel",
    "channels_from_settings",
]

log = logging.getLogger(__name__)

NO_MP_SECRET = "wechat.app_secret is not set: the 公众号 cannot send customer-service messages"
NO_APP_SECRET = "wecom.app_secret or app_agent_id is not set: no app messages to workers"


def channels_from_settings(
    settings: Settings, factory: sessionmaker[Session]
) -> dict[str, Channel]:
    """Senders by notice channel name: the simulator always, the others when enabled.

    An enabled channel without the secret to send (receive only) gets an UnconfiguredChannel:
    its notices fall back or fail visibly instead of waiting forever.
    """
    senders: dict[str, Channel] = {"sim": SimChannel()}
    wecom, sched = settings.wecom, settings.scheduler
    if wecom.enabled:
        senders["wecom_robot"] = WeComRobotChannel(factory, wecom, sched)
        if wecom.app_secret and wecom.app_agent_id:
            senders["wecom_app"] = WeComAppChannel(factory, wecom, sched)
        else:
            senders["wecom_app"] = UnconfiguredChannel("wecom_app", ConfigRejected, NO_APP_SECRET)
    if settings.wechat.enabled and settings.wechat.app_secret:
        senders["mp"] = MpCustomerServiceChannel(factory, settings.wechat, sched)
    elif settings.wechat.enabled:
        senders["mp"] = UnconfiguredChannel("mp", OutsideWindow, NO_MP_SECRET)
    for sender in senders.values():
        if isinstance(sender, UnconfiguredChannel):
            log.warning("%s cannot send: %s", sender.name, sender.why)
    return senders
