"""Outbound channel senders, chosen from settings; the scheduler drains the outbox through them."""

from __future__ import annotations

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
from bot.channels.simple import FakeChannel, SimChannel
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
    "WeComAppChannel",
    "WeComRobotChannel",
    "channels_from_settings",
]


def channels_from_settings(
    settings: Settings, factory: sessionmaker[Session]
) -> dict[str, Channel]:
    """Senders by notice channel name: the simulator always, the others when configured."""
    senders: dict[str, Channel] = {"sim": SimChannel()}
    wecom, sched = settings.wecom, settings.scheduler
    if wecom.enabled:
        senders["wecom_robot"] = WeComRobotChannel(factory, wecom, sched)
        if wecom.app_secret and wecom.app_agent_id:
            senders["wecom_app"] = WeComAppChannel(factory, wecom, sched)
    if settings.wechat.enabled and settings.wechat.app_secret:
        senders["mp"] = MpCustomerServiceChannel(factory, settings.wechat, sched)
    return senders
