"""Roster import, shared by `python -m bot roster import` and the worker page: read, plan, write.

The file is read and planned whole before anything is written; a refusal (RosterFileError)
or a failed write leaves the database as it was.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.roster_sheet import RosterFileError, read_sheet
from handlers.household.roster import FIELD_LABELS, read_roster
from models.community import Community
from models.roster import RosterPlan, apply_roster, plan_roster

PREVIEW_ROWS = 10


def plan_file(db: Session, community: Community, data: bytes, sheet: str = "") -> RosterPlan:
    """The preview of importing this xlsx into the community (nothing written)."""
    found = read_sheet(data, sheet)
    read = read_roster(found.rows)
    if read is None:  # read_sheet already found the header: only a changed file gets here
        raise RosterFileError(f"工作表“{found.name}”没有表头。")
    return plan_roster(db, community, found.name, read)


def import_file(
    db: Session, community: Community, data: bytes, actor: str, at: datetime, sheet: str = ""
) -> RosterPlan:
    """Plan and write in the caller's transaction; the plan says what was done."""
    plan = plan_file(db, community, data, sheet)
    apply_roster(db, plan, actor, at)
    return plan


def preview_lines(plan: RosterPlan, done: bool) -> list[str]:
    """The preview (or the result) as plain lines for the command line."""
    columns = "，".join(f"{FIELD_LABELS[name]}←“{header}”" for name, header in plan.columns.items())
    c = plan.counts
    verb = "已导入" if done else "将导入"
    lines = [
        f"社区：{plan.community}　工作表：{plan.sheet}",
        f"找到的列：{columns}",
        f"{verb}：新住户 {c['new']} 户，并入已有住户 {c['merge']} 户，"
        f"没有变化 {c['same']} 户，待核实 {c['review']} 行，空行 {plan.read.blank} 行",
    ]
    if plan.read.flags:
        flags = "，".join(f"{flag} {n} 户" for flag, n in plan.read.flags.items())
        lines.append(f"备注里读到的标记：{flags}")
    for change in [c for c in plan.changes if c.action == "merge"][:PREVIEW_ROWS]:
        lines.append(
            f"  并入 第{change.row.line}行 {change.row.label()}：{'，'.join(change.changes)}"
        )
    for row in plan.read.review:
        lines.append(f"  待核实 第{row.line}行 {row.text}：{row.reason}")
    if not done:
        lines.append("这是预览，什么也没写入（去掉 --dry-run 即导入）。")
    elif not plan.changed:
        lines.append("名单与已导入的一致，没有改动。")
    return lines
