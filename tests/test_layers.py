"""The layering arrows, checked on the source: scheduler/ uses only the shared parts of bot/, and
the scheduler process never loads the web framework."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What scheduler/ may import from bot/: settings, the channel senders, and the channel-neutral
# infrastructure it shares with the web app (the message pipeline it sweeps the inbox and read
# pictures through, picture decoding and OCR, the data directory and login-link issuer).
SCHEDULER_MAY_IMPORT = (
    "bot.config",
    "bot.channels",
    "bot.pipeline",
    "bot.pictures",
    "bot.local_state",
)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import statement in one file."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def allowed(module: str) -> bool:
    """True unless `module` is a part of bot/ the scheduler must not reach into."""
    if module != "bot" and not module.startswith("bot."):
        return True
    return any(module == ok or module.startswith(ok + ".") for ok in SCHEDULER_MAY_IMPORT)


def test_scheduler_imports_only_shared_parts_of_bot() -> None:
    wrong = [
        f"{path.relative_to(ROOT)}:{line}: {module}"
        for path in sorted((ROOT / "scheduler").glob("*.py"))
        for line, module in imported_modules(path)
        if not allowed(module)
    ]
    assert wrong == []


def test_the_rule_catches_a_web_module() -> None:
    assert not allowed("bot.effects")
    assert not allowed("bot.admin.auth")
    assert not allowed("bot")
    assert allowed("bot.channels.base") and allowed("models.notices")


def test_scheduler_process_loads_no_flask() -> None:
    modules = sorted(f"scheduler.{p.stem}" for p in (ROOT / "scheduler").glob("*.py"))
    code = (
        f"import sys, {', '.join(modules)}\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'werkzeug'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""
