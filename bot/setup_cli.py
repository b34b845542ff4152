"""`python -m bot community …`, `invite …`, `roster import …`, `group …`: set up a community
from a shell.

Each command runs in one transaction on the configured database and prints what it did in
the words a worker uses; a refusal prints why and exits 1 with nothing written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.roster_import import import_file, plan_file, preview_lines
from bot.roster_sheet import MAX_BYTES, RosterFileError
from handlers.reach import group_rows
from models.base import make_engine, make_session_factory, utcnow
from models.community import Chat
from models.groups_repo import add_wechat_group, name_group
from models.migrate import upgrade_to_head
from models.reach import community_chats
from models.setup_repo import (
    INVITE_HOURS,
    SetupError,
    add_community,
    create_invitation,
    find_community,
    list_communities,
    rename_community,
)

ACTOR = "cli"
SETUP_COMMANDS = ("community", "invite", "roster", "group")


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The set-up subcommands, added to `python -m bot`'s parser."""
    cm = sub.add_parser("community", help="add, list or rename communities")
    cms = cm.add_subparsers(dest="action", required=True)
    cms.add_parser("add", help="add a community").add_argument("name")
    cms.add_parser("list", help="list communities with their groups, workers and households")
    rn = cms.add_parser("rename", help="rename a community")
    rn.add_argument("old")
    rn.add_argument("new")
    iv = sub.add_parser("invite", help="a one-time code that makes its sender a worker (绑定 code)")
    iv.add_argument("--community", required=True)
    iv.add_argument("--role", choices=("worker", "admin"), default="worker")
    iv.add_argument("--hours", type=int, default=INVITE_HOURS, help="valid for (default 24)")
    rs = sub.add_parser("roster", help="import a household roster (.xlsx)")
    rss = rs.add_subparsers(dest="action", required=True)
    imp = rss.add_parser("import", help="preview and import FILE.xlsx into a community")
    imp.add_argument("file", type=Path)
    imp.add_argument("--community", required=True)
    imp.add_argument("--sheet", default="", help="the sheet to read (default: the first roster)")
    imp.add_argument("--dry-run", action="store_true", help="only show the preview")
    gp = sub.add_parser("group", help="a community's groups: list, add a WeChat group, name one")
    gps = gp.add_subparsers(dest="action", required=True)
    gps.add_parser("list", help="the groups a campaign is announced to").add_argument(
        "--community", required=True
    )
    ad = gps.add_parser("add", help="an ordinary WeChat group (its 接龙 is forwarded by hand)")
    ad.add_argument("name")
    ad.add_argument("--community", required=True)
    nm = gps.add_parser("name", help="name a group (by its chat id), for 开团 … 发到：name")
    nm.add_argument("chat_id")
    nm.add_argument("name")
    nm.add_argument("--community", required=True)


def run(args: argparse.Namespace, settings: Settings, out: TextIO | None = None) -> int:
    """Run one set-up command; 0 when done, 1 when refused (the reason is printed)."""
    engine = make_engine(settings.database.url)
    try:
        upgrade_to_head(engine)
        factory = make_session_factory(engine)
        return _run(args, factory, out or sys.stdout)
    except (SetupError, RosterFileError) as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    finally:
        engine.dispose()


def _run(args: argparse.Namespace, factory: sessionmaker[Session], out: TextIO) -> int:
    if args.command == "community":
        return _community(args, factory, out)
    if args.command == "invite":
        return _invite(args, factory, out)
    if args.command == "group":
        return _group(args, factory, out)
    return _roster(args, factory, out)


def _group(args: argparse.Namespace, factory: sessionmaker[Session], out: TextIO) -> int:
    at = utcnow()
    with factory.begin() as db:
        community = find_community(db, args.community)
        if community is None:
            raise SetupError(f"没有叫“{args.community}”的社区（先 python -m bot community add）")
        if args.action == "add":
            added = add_wechat_group(db, community, args.name, ACTOR, at)
            out.write(f"已添加普通微信群「{added.title}」到{community.name}（开团时请转发接龙）\n")
        elif args.action == "name":
            chat = db.scalar(
                select(Chat).where(
                    Chat.external_id == args.chat_id, Chat.community_id == community.id
                )
            )
            if chat is None:
                raise SetupError(f"「{community.name}」没有 id 为 {args.chat_id} 的群")
            name_group(db, chat, args.name, ACTOR, at)
            out.write(f"群 {args.chat_id} 已命名为「{chat.title}」\n")
        else:
            for group in group_rows(community_chats(db, community.id)):
                ref = group.ref
                how = "能发消息" if ref.reachable else "需人工转发"
                out.write(f"{ref.label}\t{ref.channel}\t{ref.chat_id}\t{how}\n")
    return 0


def _community(args: argparse.Namespace, factory: sessionmaker[Session], out: TextIO) -> int:
    at = utcnow()
    with factory.begin() as db:
        if args.action == "add":
            row = add_community(db, args.name, ACTOR, at)
            out.write(f"已添加社区：{row.name}\n")
        elif args.action == "rename":
            row = rename_community(db, args.old, args.new, ACTOR, at)
            out.write(f"已改名：{args.old} → {row.name}\n")
        else:
            for c in list_communities(db):
                out.write(
                    f"{c.name}\t群 {c.groups}\t工作人员 {c.workers}\t"
                    f"住户 {c.households}（名单 {c.on_roster}）\n"
                )
    return 0


def _invite(args: argparse.Namespace, factory: sessionmaker[Session], out: TextIO) -> int:
    at = utcnow()
    with factory.begin() as db:
        community = find_community(db, args.community)
        if community is None:
            raise SetupError(f"没有叫“{args.community}”的社区（先 python -m bot community add）")
        code, _ = create_invitation(db, community, args.role, ACTOR, at, args.hours)
    role = "管理员" if args.role == "admin" else "工作人员"
    out.write(
        f"绑定码：{code}\n"
        f"请{role}私聊 Linli（公众号、企业微信应用或模拟器）发送：绑定 {code}\n"
        f"成为「{community.name}」的{role}。有效期 {args.hours} 小时，只能用一次。\n"
    )
    return 0


def _roster(args: argparse.Namespace, factory: sessionmaker[Session], out: TextIO) -> int:
    path: Path = args.file
    if not path.is_file():
        raise RosterFileError(f"没有这个文件：{path}")
    if path.stat().st_size > MAX_BYTES:
        raise RosterFileError(
            f"文件超过 {MAX_BYTES // (1024 * 1024)} MB，请按楼拆成几个文件再导入。"
        )
    data = path.read_bytes()
    with factory.begin() as db:
        community = find_community(db, args.community)
        if community is None:
            raise SetupError(f"没有叫“{args.community}”的社区（先 python -m bot community add）")
        if args.dry_run:
            plan = plan_file(db, community, data, args.sheet)
        else:
            plan = import_file(db, community, data, ACTOR, utcnow(), args.sheet)
    out.write("\n".join(preview_lines(plan, done=not args.dry_run)) + "\n")
    return 0
