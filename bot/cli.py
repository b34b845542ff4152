"""Command line: `replay` (the contract in shared/REPLAY.md), `import`, `serve`, `init-db`,
`run`, and the set-up commands `community`, `invite`, `roster import` (bot.setup_cli)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import CONFIG_ENV, ConfigError, Settings, load_settings
from bot.setup_cli import SETUP_COMMANDS
from bot.setup_cli import add_parsers as add_setup_parsers

log = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="邻里接龙 Linli")
    parser.add_argument(
        "--config", help="config.toml (default: $LINLI_CONFIG or built-in defaults)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    rp = sub.add_parser("replay", help="print the orders and needs understood from a transcript")
    rp.add_argument("transcript", type=Path)
    rp.add_argument("--xlsx", type=Path, help="also write the worker's sheet")
    sv = sub.add_parser("serve", help="run the web app (gunicorn, 2 workers)")
    sv.add_argument(
        "--no-init-db",
        action="store_true",
        help="skip migrate/seed (`run` has done it before starting this)",
    )
    im = sub.add_parser(
        "import", help="import a 快团团 / 群接龙 order export (.xlsx) into a campaign"
    )
    im.add_argument("file", type=Path)
    im.add_argument(
        "--campaign",
        help="campaign id, or a word of its title (default: the one campaign still open)",
    )
    im.add_argument("--yes", action="store_true", help="store it (without: preview only)")
    im.add_argument("--actor", default="cli", help="who the 台账 names (default: cli)")
    sub.add_parser("init-db", help="create or migrate the database and seed the demo if new")
    sub.add_parser("run", help="init-db, then the web app and the scheduler (what `make run` does)")
    add_setup_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING
        if args.command in ("replay", "import", *SETUP_COMMANDS)
        else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if args.command == "replay":
        from bot.replay import replay

        if not args.transcript.is_file():
            sys.stderr.write(f"no such file: {args.transcript}\n")
            return 2
        return replay(args.transcript, sys.stdout, sys.stderr, args.xlsx)
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        sys.stderr.write(f"配置错误 config error: {exc}\n")
        return 2
    if args.command in SETUP_COMMANDS:
        from bot.setup_cli import run

        return run(args, settings)
    if args.command == "import":
        from bot.import_cli import import_command

        return import_command(settings, args.file, args.campaign, args.yes, args.actor)
    if args.config:  # child processes (web, scheduler) read the same file
        os.environ[CONFIG_ENV] = str(Path(args.config).resolve())
    return _serve_command(args, settings)


def _serve_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.serve import init_db, run_all, serve

    if args.command == "run":
        return run_all(settings)
    if args.command == "init-db":
        return init_db(settings)
    if not args.no_init_db:
        init_db(settings)
    return serve(settings)
