"""config.example.toml parses, documents every key, and unknown keys are refused clearly."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path
from typing import Any

import pytest

from bot.config import ConfigError, Settings, load_settings

EXAMPLE = Path(__file__).resolve().parents[1] / "config.example.toml"


def documented_keys(raw: dict[str, Any], prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for key, value in raw.items():
        keys |= documented_keys(value, f"{prefix}{key}.") if isinstance(value, dict) else set()
        keys.add(f"{prefix}{key}")
    return keys


def settings_keys(cls: type[Any], prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for f in dataclasses.fields(cls):
        keys.add(f"{prefix}{f.name}")
        if isinstance(f.default_factory, type) and dataclasses.is_dataclass(f.default_factory):
            keys |= settings_keys(f.default_factory, f"{prefix}{f.name}.")
    return keys


def test_example_config_parses() -> None:
    settings = load_settings(EXAMPLE)
    assert isinstance(settings, Settings)
    assert settings.database.url == Settings().database.url
    assert settings.simulator is True and settings.server.port == 8000


def test_example_config_documents_every_key() -> None:
    raw = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    missing = settings_keys(Settings) - documented_keys(raw)
    assert not missing, f"add these keys to config.example.toml and README: {sorted(missing)}"


def test_unknown_key_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    text = EXAMPLE.read_text(encoding="utf-8").replace("[server]", "[server]\nprot = 1")
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"unknown key server\.'prot'"):
        load_settings(config)


def test_unknown_top_level_key_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("simulatr = false\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown key 'simulatr'"):
        load_settings(config)


def test_no_config_means_embedded_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LINLI_CONFIG", raising=False)
    settings = load_settings()
    assert settings.database.url.startswith("sqlite:///var/") and settings.simulator


def test_readme_config_reference_names_every_key() -> None:
    readme = (EXAMPLE.parent / "README.md").read_text(encoding="utf-8")
    names = {k.rsplit(".", 1)[-1] for k in settings_keys(Settings)}
    missing = sorted(n for n in names if f"`{n}`" not in readme and f"`[{n}]`" not in readme)
    assert not missing, f"document these keys in README's configuration section: {missing}"


@pytest.mark.parametrize(
    ("wechat", "error"),
    [
        ('aes_key = "k"\nmode = "plain"', "compatible"),
        ('mode = "compatible"', "needs wechat.aes_key"),
        ('mode = "兼容"', "must be one of"),
    ],
)
def test_message_mode_rules_stop_start_up(tmp_path: Path, wechat: str, error: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f"[wechat]\n{wechat}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=error):
        load_settings(config)


def test_a_key_means_safe_mode_unless_compatible_is_named(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[wechat]\naes_key = "k"\n', encoding="utf-8")
    assert load_settings(config).wechat.message_mode == "safe"
    config.write_text('[wechat]\naes_key = "k"\nmode = "compatible"\n', encoding="utf-8")
    assert load_settings(config).wechat.message_mode == "compatible"
    assert Settings().wechat.message_mode == "plain"


@pytest.mark.parametrize(
    ("table", "refused"),
    [
        ('[server]\nhost = "0.0.0.0"', True),
        ('[server]\nhost = "192.168.1.20"', True),
        ('simulator_public = true\n[server]\nhost = "0.0.0.0"', False),
        ('simulator = false\n[server]\nhost = "0.0.0.0"', False),
        ('[server]\nhost = "127.0.0.1"', False),
        ('[server]\nhost = "::1"', False),
        ('[server]\nhost = "localhost"', False),
    ],
)
def test_a_simulator_on_a_public_address_must_be_asked_for(
    tmp_path: Path, table: str, refused: bool
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(table + "\n", encoding="utf-8")
    if refused:
        with pytest.raises(ConfigError, match="simulator_public"):
            load_settings(config)
    else:
        load_settings(config)
