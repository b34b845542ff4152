"""The households of new entries, and a plan's new rows written with a few Core statements.

Every repost that adds a line creates an order, and the ORM unit of work (an object per row,
a flush per line, the identity map) cost several times the SQL itself. So a sync finds the
households with a statement each (cached within the sync), and once `handlers.campaign.plan`
has decided, writes orders, lines and audit rows with one executemany each and builds the
report's views from the values it wrote. Only new rows are written here, so no object loaded
in the session goes stale (the campaign's `next_order_no` is expired).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Connection, Select, bindparam, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from handlers.campaign.plan_values import (
    NewOrder,
    OrderPlan,
    PlanEntry,
    PlanHome,
    PlanTerms,
    PricedLine,
)
from handlers.campaign.values import LineView, OrderView
from handlers.household.repo import Household as HouseholdValue
from handlers.household.repo import household_value as stored_household
from models.audit import audit_row, insert_audits
from models.base import table_of
from models.campaign import Campaign, Order, OrderLine
from models.campaign_views import Record
from models.community import Household, Member

_campaigns = table_of(Campaign)
_orders = table_of(Order)
_lines = table_of(OrderLine)
_households = table_of(Household)
_members = table_of(Member)

_INSERT_ORDERS = insert(_orders).returning(_orders.c.id, sort_by_parameter_order=True)
_INSERT_LINES = insert(_lines).returning(_lines.c.id, sort_by_parameter_order=True)
_INSERT_HOUSEHOLD = insert(_households).returning(_households.c.id)
_SET_NEXT_NO = (
    update(_campaigns)
    .where(_campaigns.c.id == bindparam("campaign_id_"))
    .values(next_order_no=bindparam("next_no_"))
)
_HOME_COLS = (
    _households.c.id,
    _households.c.building,
    _households.c.unit,
    _households.c.room,
    _households.c.name,
    _households.c.phone,
    _households.c.flags,
    _households.c.on_roster,
)
_MEMBER_HOME = (
    select(*_HOME_COLS)
    .select_from(_members.join(_households, _members.c.household_id == _households.c.id))
    .where(
        _members.c.channel == bindparam("channel_"),
        _members.c.external_id == bindparam("author_id_"),
    )
)
_ADDRESS = ("community_id", "building", "unit", "room")


def has_roster(community_id: Any) -> Any:
    """EXISTS: the community has imported a household roster (住户名单)."""
    return (
        select(_households.c.id)
        .where(_households.c.community_id == community_id, _households.c.on_roster.is_(True))
        .exists()
    )


@cache
def _on_roster_like(parts: tuple[str, ...]) -> Select[Any]:
    """Roster households matching the parts an entry gave (3-201 for 3-2-201): at most two."""
    where = [_households.c[name] == bindparam(name) for name in parts]
    return (
        select(*_HOME_COLS)
        .where(
            _households.c.community_id == bindparam("community_id"),
            _households.c.on_roster.is_(True),
            *where,
        )
        .limit(2)
    )


@cache
def _by_address(nulls: tuple[bool, ...]) -> Select[Any]:
    """Households at one address; a None part matches NULL (one statement per None pattern,
    so the unique index on the address stays usable on PostgreSQL)."""
    where = [
        _households.c[name].is_(None) if null else _households.c[name] == bindparam(name)
        for name, null in zip(_ADDRESS, nulls, strict=True)
    ]
    return select(*_HOME_COLS).where(*where)


def _home(row: Record) -> PlanHome:
    value = stored_household(row.building, row.unit, row.room, row.name, row.phone, row.flags)
    return PlanHome(row.id, value, bool(row.on_roster))


class HouseholdFinder:
    """The households of one sync's new entries; one created here is found again by the next
    entry at its address."""

    def __init__(self, conn: Connection, terms: PlanTerms) -> None:
        self.conn = conn
        self.terms = terms
        self._at_address: dict[tuple[Any, ...], PlanHome] = {}
        self._of_member: dict[str, PlanHome | None] = {}  # author → registered household

    def household(self, entry: PlanEntry) -> PlanHome | None:
        """The entry's address (created if new), else the author's registered household."""
        if entry.building or entry.room:
            address = (self.terms.community_id, entry.building, entry.unit, entry.room)
            home = self._at_address.get(address) or self._address_home(address, entry)
            self._at_address[address] = home
            return home
        if entry.author_id not in self._of_member:
            params = {"channel_": self.terms.channel, "author_id_": entry.author_id}
            row = self.conn.execute(_MEMBER_HOME, params).first()
            self._of_member[entry.author_id] = None if row is None else _home(row)
        return self._of_member[entry.author_id]

    def _address_home(self, address: tuple[Any, ...], entry: PlanEntry) -> PlanHome:
        """The household at this address (None parts match NULL), else the one roster household
        the given parts fit (3-201 for 3-2-201), else a new one."""
        params = {n: v for n, v in zip(_ADDRESS, address, strict=True) if v is not None}
        row = self.conn.execute(_by_address(tuple(v is None for v in address)), params).first()
        if row is None and self.terms.has_roster and None in address[1:]:
            row = self._roster_fit(params)
        if row is not None:
            return _home(row)
        values = dict(zip(_ADDRESS, address, strict=True))
        values.update(name=entry.name, phone=entry.phone, flags=[])
        household_id: int = self.conn.execute(_INSERT_HOUSEHOLD, values).scalar_one()
        value = HouseholdValue(entry.building, entry.unit, entry.room, entry.name, entry.phone, ())
        return PlanHome(household_id, value, on_roster=False, is_new=True)

    def _roster_fit(self, params: dict[str, Any]) -> Record | None:
        """The only roster household matching an address with a part left out, if one."""
        parts = tuple(n for n in _ADDRESS[1:] if n in params)
        if "room" not in parts:
            return None
        rows = self.conn.execute(_on_roster_like(parts), params).all()
        return rows[0] if len(rows) == 1 else None


def line_values(order_id: int, line: PricedLine) -> dict[str, Any]:
    """The order_lines columns of a planned line."""
    return {
        "order_id": order_id,
        "product_id": line.product_id,
        "name": line.name,
        "qty": line.qty,
        "unit": line.unit,
        "requested_qty": line.requested_qty,
    }


@dataclass(slots=True)
class _NewOrder:
    """One planned order not written yet; ids are filled in as it is written."""

    plan: NewOrder
    values: dict[str, Any]  # orders columns
    audit: dict[str, Any]  # its audit row (record_id: the order's id, once known)
    order_id: int = 0
    line_ids: list[int] = field(default_factory=list)


class OrderBatch:
    """What one sync writes, queued in entry order: new orders, lines of new and edited
    orders, and audit rows."""

    def __init__(self, session: Session, terms: PlanTerms) -> None:
        self.session = session
        self.conn = session.connection()
        self.terms = terms
        self.audits: list[dict[str, Any]] = []
        self._new: list[_NewOrder] = []
        self._lines: list[tuple[_NewOrder | int, PricedLine]] = []  # (order or its id, line)

    def add_order(self, order: NewOrder) -> None:
        """Queue a planned new order."""
        entry, flags = order.entry, list(order.flags)
        after = {
            "no": order.no,
            "status": order.status,
            "raw": entry.raw,
            "items": entry.items,
            "flags": flags,
        }
        audit = audit_row(
            entry.author_id, "order.create", "order", "", None, after, entry.first_seen_at
        )
        values = {
            "campaign_id": self.terms.id,
            "household_id": order.home.id if order.home else None,
            "chain_entry_id": entry.id,
            "status": order.status,
            "no": order.no,
            "chat_id": entry.chat_id,
            "sender_id": entry.author_id,
            "flags": flags,
            "created_at": entry.first_seen_at,
            "updated_at": entry.updated_at,
            "entry_version": entry.updated_at,
            "note": entry.note,
        }
        new = _NewOrder(order, values, audit)
        self._new.append(new)
        self._lines.extend((new, line) for line in order.lines)
        self.audits.append(audit)

    def add_lines(self, order_id: int, lines: tuple[PricedLine, ...]) -> None:
        """Queue new lines of an existing (edited) order."""
        self._lines.extend((order_id, line) for line in lines)

    def write(self, plan: OrderPlan) -> list[OrderView]:
        """Insert what is queued, in order; the views of the new orders."""
        if self._new:
            rows = [new.values for new in self._new]
            ids = self.conn.execute(_INSERT_ORDERS, rows).scalars().all()
            for new, order_id in zip(self._new, ids, strict=True):
                new.order_id = order_id
                new.audit["record_id"] = str(order_id)
            self._set_next_no(plan.next_order_no)
        self._write_lines()
        insert_audits(self.conn, self.audits)
        return [_view(new) for new in self._new]

    def _write_lines(self) -> None:
        if not self._lines:
            return
        rows = [
            line_values(order if isinstance(order, int) else order.order_id, line)
            for order, line in self._lines
        ]
        ids = self.conn.execute(_INSERT_LINES, rows).scalars().all()
        for (order, _), line_id in zip(self._lines, ids, strict=True):
            if isinstance(order, _NewOrder):
                order.line_ids.append(line_id)

    def _set_next_no(self, next_no: int) -> None:
        """Store the campaign's next number; an ORM copy of it in the session reloads it."""
        self.conn.execute(_SET_NEXT_NO, {"campaign_id_": self.terms.id, "next_no_": next_no})
        loaded = self.session.identity_map.get(identity_key(Campaign, self.terms.id))
        if loaded is not None:
            self.session.expire(loaded, ["next_order_no"])


def _view(new: _NewOrder) -> OrderView:
    """The written order as `models.campaign_views.views_of` would read it back."""
    order, v = new.plan, new.values
    return OrderView(
        id=new.order_id,
        campaign_id=v["campaign_id"],
        no=order.no,
        status=order.status,
        household=order.home.household if order.home else None,
        lines=tuple(
            LineView(line_id, ln.name, ln.qty, ln.unit, ln.product_name, ln.requested_qty, None)
            for line_id, ln in zip(new.line_ids, order.lines, strict=True)
            if ln.qty > 0 or ln.requested_qty > 0
        ),
        chat_id=v["chat_id"],
        sender_id=v["sender_id"],
        seq=order.entry.seq,
        created_at=v["created_at"],
        flags=order.flags,
        household_id=v["household_id"],
        entry_id=v["chain_entry_id"],
        entry_name=order.entry.name,
    )
