"""A roster read from a sheet → the community's households: planned first (the preview), then
written in one transaction. Importing the same file again changes nothing.

A roster row at an address the community already knows merges into that household: it joins
the roster, fills a missing name or phone (a name or phone a resident registered is kept) and
gains the flags the notes name. Every other row becomes a new household on the roster.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.household.repo import Field, RosterRead, RosterRow
from models.audit import write_audit
from models.community import Community, Household

log = logging.getLogger(__name__)

Action = Literal["new", "merge", "same"]
Address = tuple[str | None, str | None, str | None]


@dataclass(frozen=True, slots=True)
class RosterChange:
    """What importing one row does: a new household, a merge (with what changes), or nothing."""

    row: RosterRow
    action: Action
    household_id: int | None = None
    changes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RosterPlan:
    """The preview: the sheet, the columns found, each row's fate and the rows to review."""

    community_id: int
    community: str
    sheet: str
    read: RosterRead
    changes: tuple[RosterChange, ...]
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def columns(self) -> dict[Field, str]:
        """Field → the header as written in the sheet."""
        return self.read.columns

    @property
    def changed(self) -> int:
        """Households the import writes (new and merged)."""
        return self.counts["new"] + self.counts["merge"]


def _existing(db: Session, community_id: int) -> dict[Address, Household]:
    rows = db.scalars(
        select(Household).where(
            Household.community_id == community_id, Household.purged_at.is_(None)
        )
    )
    return {(h.building, h.unit, h.room): h for h in rows}


def _merge_changes(home: Household, row: RosterRow) -> tuple[str, ...]:
    changes = []
    if not home.on_roster:
        changes.append("列入名单")
    if row.name and not home.name:
        changes.append(f"补姓名 {row.name}")
    if row.phone and not home.phone:
        changes.append("补电话")
    added = [f for f in row.flags if f not in (home.flags or [])]
    if added:
        changes.append("加标记 " + "、".join(added))
    if row.note != home.roster_note and row.note:
        changes.append("备注")
    return tuple(changes)


def plan_roster(db: Session, community: Community, sheet: str, read: RosterRead) -> RosterPlan:
    """What an import of `read` would do to the community's households (writes nothing)."""
    known = _existing(db, community.id)
    changes = []
    for row in read.rows:
        home = known.get(row.key)
        if home is None:
            changes.append(RosterChange(row, "new"))
            continue
        diff = _merge_changes(home, row)
        changes.append(RosterChange(row, "merge" if diff else "same", home.id, diff))
    counts: Counter[str] = Counter(c.action for c in changes)
    counts["review"] = len(read.review)
    return RosterPlan(community.id, community.name, sheet, read, tuple(changes), counts)


def apply_roster(db: Session, plan: RosterPlan, actor: str, at: datetime) -> int:
    """Write the plan in the caller's transaction (audited once); households written."""
    if not plan.changed:
        return 0
    known = _existing(db, plan.community_id)
    for change in plan.changes:
        row = change.row
        if change.action == "new":
            db.add(_new_household(plan.community_id, row, at))
        elif change.action == "merge":
            _merge(known[row.key], row)
    db.flush()
    after = {
        "sheet": plan.sheet,
        "new": plan.counts["new"],
        "merged": plan.counts["merge"],
        "unchanged": plan.counts["same"],
        "review": plan.counts["review"],
    }
    write_audit(db, actor, "roster.import", "community", plan.community_id, None, after, at)
    log.info("roster import community=%s %s", plan.community, after)
    return plan.changed


def _new_household(community_id: int, row: RosterRow, at: datetime) -> Household:
    return Household(
        community_id=community_id,
        building=row.building,
        unit=row.unit,
        room=row.room,
        name=row.name,
        phone=row.phone,
        flags=list(row.flags),
        on_roster=True,
        roster_note=row.note,
        created_at=at,
    )


def _merge(home: Household, row: RosterRow) -> None:
    home.on_roster = True
    home.name = home.name or row.name
    home.phone = home.phone or row.phone
    flags = list(home.flags or [])
    home.flags = flags + [f for f in row.flags if f not in flags]
    home.roster_note = row.note or home.roster_note
