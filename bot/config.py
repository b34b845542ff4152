"""Typed settings loaded from config.toml with tomllib; unknown keys stop start-up."""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

CONFIG_ENV = "LINLI_CONFIG"
MESSAGE_MODES = ("plain", "compatible", "safe")  # 明文模式, 兼容模式, 安全模式
MIN_INBOX_STALE_SECONDS = 5.0


class ConfigError(ValueError):
    """A config file that cannot be used; the message says which key and why."""


@dataclass(frozen=True, slots=True)
class ServerSettings:
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str = ""  # empty: a random key is generated and kept in var/secret_key
    max_body_bytes: int = 64 * 1024
    public_url: str = ""  # e.g. https://linli.example.org, used in links sent to workers


@dataclass(frozen=True, slots=True)
class DatabaseSettings:
    url: str = "sqlite:///var/linli.db"


@dataclass(frozen=True, slots=True)
class WeChatSettings:
    """公众号 (Official Account) callback settings."""

    enabled: bool = False
    token: str = ""
    app_id: str = ""
    app_secret: str = ""
    aes_key: str = ""  # 43 characters when 安全模式 is on
    # 消息加解密方式: "" follows aes_key (安全模式 with a key, 明文模式 without); "compatible"
    # (兼容模式, plain and encrypted both accepted) must be asked for by name.
    mode: str = ""
    max_clock_skew_seconds: int = 300
    api_base_url: str = "https://api.weixin.qq.com"

    @property
    def message_mode(self) -> str:
        """plain, compatible or safe: what a callback must be to pass."""
        return self.mode or ("safe" if self.aes_key else "plain")


@dataclass(frozen=True, slots=True)
class WeComSettings:
    """企业微信: the group robot callback and the workers' self-built app."""

    enabled: bool = False
    corp_id: str = ""
    robot_token: str = ""
    robot_aes_key: str = ""
    robot_receive_id: str = ""  # empty or the CorpID: sources disagree, both work
    app_token: str = ""
    app_aes_key: str = ""
    app_agent_id: int = 0
    app_secret: str = ""
    api_base_url: str = "https://qyapi.weixin.qq.com"
    robot_name: str = ""  # strip exactly "@robot_name" (empty: the first @word)
    max_clock_skew_seconds: int = 300


@dataclass(frozen=True, slots=True)
class BridgeSettings:
    """A relay the operator runs, posting JSON signed with HMAC-SHA256."""

    enabled: bool = False
    secret: str = ""
    max_clock_skew_seconds: int = 300
    max_requests_per_minute: int = 120  # per relay (X-Linli-Relay) and web worker; 0: off


@dataclass(frozen=True, slots=True)
class SchedulerSettings:
    poll_seconds: int = 30
    reminder_minutes_before: int = 30
    follow_up_minutes_after: int = 60
    daily_report_time: str = "20:00"
    escalate_after_minutes: int = 30  # also the interval between repeated escalations
    push_seconds: float = 5.0  # how often the outbox is drained
    lock_seconds: int = 60  # single-instance lease (SQLite); renewed every third of it
    lease_seconds: int = 120  # a claimed notice is retried by another run after this
    claim_batch: int = 100
    max_attempts: int = 8  # then the notice is dead-lettered and shown to workers
    backoff_base_seconds: float = 5.0
    backoff_cap_seconds: float = 900.0
    http_timeout_seconds: float = 10.0
    robot_per_minute: int = 20  # 企业微信群机器人: 20 messages per minute per robot
    app_per_member_per_minute: int = 30  # 企业微信应用消息: 30 per minute per member
    app_per_member_per_hour: int = 1000  # ... and 1000 per hour; the excess is dropped silently
    mp_window_hours: int = 48  # 公众号客服消息: within 48 h of the resident's last message
    mp_window_quota: int = 5  # ... and at most 5 messages per window
    inbox_sweep_seconds: float = 2.0  # how often unhandled inbox rows are looked for
    inbox_stale_seconds: float = 10.0  # a row unhandled this long is handled by the scheduler
    ocr_poll_seconds: float = 2.0  # how often pictures waiting for OCR are looked for
    ocr_threads: int = 1  # CPU threads one OCR may use (the web app keeps the other core)


@dataclass(frozen=True, slots=True)
class Settings:
    server: ServerSettings = field(default_factory=ServerSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    wechat: WeChatSettings = field(default_factory=WeChatSettings)
    wecom: WeComSettings = field(default_factory=WeComSettings)
    bridge: BridgeSettings = field(default_factory=BridgeSettings)
    scheduler: SchedulerSettings = field(default_factory=SchedulerSettings)
    timezone: str = "Asia/Shanghai"
    retention_days: int = 90
    simulator: bool = True
    simulator_public: bool = False  # say so to serve the simulator on a non-loopback address
    seed_demo: bool = True
    log_level: str = "INFO"

    @property
    def zone(self) -> ZoneInfo:
        """`timezone` as a tzinfo: the zone people read times in (storage stays UTC)."""
        return ZoneInfo(self.timezone)


def _build(cls: type[Any], raw: dict[str, Any], where: str) -> Any:
    """Instantiate a settings dataclass from a TOML table, checking names and types."""
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(raw) - names)
    if unknown:
        raise ConfigError(
            f"unknown key {where}{unknown[0]!r} (allowed: {', '.join(sorted(names))})"
        )
    values = {k: _value(hints[k], v, f"{where}{k}") for k, v in raw.items()}
    return cls(**values)


def _value(hint: Any, value: Any, where: str) -> Any:
    if dataclasses.is_dataclass(hint):
        if not isinstance(value, dict):
            raise ConfigError(f"{where} must be a table [{where}]")
        return _build(typing.cast(type[Any], hint), value, f"{where}.")
    expected = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    if type(value) not in expected and not (float in expected and type(value) is int):
        names = " or ".join(t.__name__ for t in expected)
        raise ConfigError(f"{where} must be {names}, got {type(value).__name__}")
    return value


def is_loopback(settings: Settings) -> bool:
    """True when the web app listens on this machine only (127.0.0.0/8, ::1, localhost)."""
    host = settings.server.host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def load_settings(path: str | Path | None = None) -> Settings:
    """Settings from the file (or $LINLI_CONFIG); with neither, the embedded defaults."""
    chosen = path or os.environ.get(CONFIG_ENV)
    if not chosen:
        return Settings()
    try:
        raw = tomllib.loads(Path(chosen).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config {chosen}: {exc}") from exc
    settings: Settings = _build(Settings, raw, "")
    check_settings(settings)
    return settings


def check_settings(settings: Settings) -> None:
    """Rules across keys; a ConfigError names the key to change."""
    if settings.simulator and not settings.simulator_public and not is_loopback(settings):
        raise ConfigError(
            f"simulator = true on server.host = {settings.server.host!r}: anyone who reaches "
            "it can talk to the bot as any resident. Set simulator = false in production, or "
            "simulator_public = true if a public simulator is what you want"
        )
    if settings.scheduler.inbox_stale_seconds < MIN_INBOX_STALE_SECONDS:
        raise ConfigError(
            f"scheduler.inbox_stale_seconds must be at least {MIN_INBOX_STALE_SECONDS} "
            "(a delivery is handled in the transaction that stores it, within the 4 s reply "
            "budget; the sweeper is for rows left behind, and must not race a live delivery)"
        )
    _check_zone(settings.timezone)
    wechat = settings.wechat
    if wechat.mode not in ("", *MESSAGE_MODES):
        raise ConfigError(f"wechat.mode must be one of {', '.join(MESSAGE_MODES)} (or absent)")
    if wechat.mode in ("compatible", "safe") and not wechat.aes_key:
        raise ConfigError(f'wechat.mode = "{wechat.mode}" needs wechat.aes_key')
    if wechat.mode == "plain" and wechat.aes_key:
        raise ConfigError(
            "wechat.aes_key is set, so plain messages are refused; to accept both during a "
            'switch, set wechat.mode = "compatible" (兼容模式), or remove the key'
        )


def _check_zone(name: str) -> None:
    """An IANA zone name this machine knows (tzdata), such as Asia/Shanghai."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"timezone = {name!r} is not a time zone this machine knows; use an IANA name "
            'such as "Asia/Shanghai" (the default)'
        ) from exc


DEFAULT_ZONE = Settings().zone  # what callers that are given no settings (tests, tools) use
