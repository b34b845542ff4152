"""plan_orders as pure values: which 接龙 entries become which orders, and what a worker then
sees on them (number, 迟到, flags, the quantity kept against the one written)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from handlers.campaign.plan import PlanCampaign, plan_orders
from handlers.campaign.plan_values import (
    EntryState,
    Held,
    NewOrder,
    OrderChange,
    OrderPlan,
    PlanEntry,
    PlanHome,
    PlanTerms,
    StoredLine,
    StoredOrder,
    StoredProduct,
)
from handlers.campaign.values import ProductSpec
from handlers.household.repo import Household
from handlers.statuses import OrderStatus

T0 = datetime(2024, 5, 1, 2, 0, tzinfo=UTC)
EGGS = StoredProduct(7, ProductSpec("鸡蛋", 15.0, "盒", limit=2))
MILK = StoredProduct(8, ProductSpec("牛奶", 10.0, "箱"))
TERMS = PlanTerms(
    id=1,
    status="open",
    community_id=1,
    channel="sim",
    cutoff_at=T0 + timedelta(hours=6),
    closed_at=None,
    created_at=T0,
    next_order_no=11,
    has_roster=False,
)
HOME_606 = PlanHome(60, Household("6", "6", "606", "钱"), on_roster=False)


def _entry(seq: int, items: list[tuple[str, float]], minutes: int = 0, **kw: object) -> PlanEntry:
    at = T0 + timedelta(minutes=minutes)
    values: dict[str, object] = dict(
        id=100 + seq,
        seq=seq,
        author_id="u1",
        status="active",
        raw=f"{seq}. 6-6-606 钱",
        building="6",
        unit="6",
        room="606",
        name="钱",
        phone=None,
        note=None,
        items=[{"name": n, "qty": q, "unit": None} for n, q in items],
        first_seen_at=at,
        updated_at=at,
        chat_id="g1",
        order_id=None,
        order_version=None,
        order_household_id=None,
    )
    values.update(kw)
    return PlanEntry(**values)  # type: ignore[arg-type]


def _plan(
    states: list[EntryState],
    held: Held | None = None,
    terms: PlanTerms = TERMS,
) -> OrderPlan:
    return plan_orders(PlanCampaign(terms, (EGGS, MILK)), states, held or {})


def _new(plan: OrderPlan) -> list[NewOrder]:
    return [s for s in plan.steps if isinstance(s, NewOrder)]


def _seen(order: NewOrder) -> tuple[int, str, tuple[str, ...], list[tuple[str, float, float]]]:
    """Number, status, flags and (product or name, kept, written) per line."""
    lines = [(ln.product_name or ln.name, ln.qty, ln.requested_qty) for ln in order.lines]
    return order.no, order.status, order.flags, lines


def test_entries_of_one_household_share_its_limit_in_entry_order() -> None:
    states = [
        EntryState(_entry(1, [("鸡蛋", 1)]), HOME_606),
        EntryState(_entry(2, [("鸡蛋", 2), ("牛奶", 3)]), HOME_606),
        EntryState(_entry(3, [("鸡蛋", 1)]), HOME_606),
    ]
    plan = _plan(states, held={60: {7: 0.0}})
    assert [_seen(o) for o in _new(plan)] == [
        (11, "pending", (), [("鸡蛋", 1, 1)]),
        (12, "pending", ("over_limit",), [("鸡蛋", 1, 2), ("牛奶", 3, 3)]),
        (13, "pending", ("over_limit",), [("鸡蛋", 0, 1)]),
    ]
    assert plan.next_order_no == 14


def test_what_the_household_already_holds_counts_against_the_limit() -> None:
    plan = _plan([EntryState(_entry(1, [("鸡蛋", 2)]), HOME_606)], held={60: {7: 1.0}})
    assert [_seen(o) for o in _new(plan)] == [(11, "pending", ("over_limit",), [("鸡蛋", 1, 2)])]


def test_an_entry_after_the_cutoff_or_the_close_is_late() -> None:
    states = [
        EntryState(_entry(1, [("牛奶", 1)], minutes=60), HOME_606),
        EntryState(_entry(2, [("牛奶", 1)], minutes=7 * 60), HOME_606),
    ]
    assert [o.status for o in _new(_plan(states))] == ["pending", "late"]
    closed_early = replace(TERMS, closed_at=T0 + timedelta(minutes=30))
    assert [o.status for o in _new(_plan(states, terms=closed_early))] == ["late", "late"]


def test_an_unknown_product_is_kept_as_written_and_flagged() -> None:
    plan = _plan([EntryState(_entry(1, [("苹果", 2), ("鸡蛋", 1)]), HOME_606)])
    assert [_seen(o) for o in _new(plan)] == [
        (11, "pending", ("unknown_product",), [("苹果", 2, 2), ("鸡蛋", 1, 1)])
    ]


def test_no_address_and_no_registered_household_is_flagged() -> None:
    nameless = _entry(1, [("牛奶", 1)], building=None, unit=None, room=None, name="新邻居")
    registered = _entry(2, [("牛奶", 1)], building=None, unit=None, room=None)
    plan = _plan([EntryState(nameless, None), EntryState(registered, HOME_606)])
    assert [(o.no, o.flags, o.home) for o in _new(plan)] == [
        (11, ("no_address",), None),
        (12, (), HOME_606),
    ]


def test_an_address_off_the_roster_is_flagged_only_where_a_roster_is_kept() -> None:
    on_roster = PlanHome(30, Household("3", "2", "201", "王"), on_roster=True)
    states = [
        EntryState(_entry(1, [("牛奶", 1)]), HOME_606),
        EntryState(_entry(2, [("牛奶", 1)], building="3", unit="2", room="201"), on_roster),
    ]
    with_roster = replace(TERMS, has_roster=True)
    assert [o.flags for o in _new(_plan(states, terms=with_roster))] == [("not_on_roster",), ()]
    assert [o.flags for o in _new(_plan(states))] == [(), ()]


def _changed(status: OrderStatus, entry_status: str, items: list[tuple[str, float]]) -> EntryState:
    """Order 5 (two eggs, flagged over the limit) whose entry was edited or withdrawn since."""
    order = StoredOrder(50, 5, status, ("over_limit",), 60, (StoredLine(7, "鸡蛋", 2.0),))
    entry = _entry(
        1,
        items,
        status=entry_status,
        order_id=50,
        order_version=T0,
        order_household_id=60,
        updated_at=T0 + timedelta(minutes=5),
    )
    return EntryState(entry, order=order)


def test_a_pending_order_follows_its_withdrawn_entry_and_frees_the_limit() -> None:
    later = EntryState(_entry(2, [("鸡蛋", 2)], minutes=6), HOME_606)
    plan = _plan([_changed("pending", "withdrawn", []), later], held={60: {7: 2.0}})
    change, new = plan.steps
    assert isinstance(change, OrderChange) and (change.kind, change.order.no) == ("withdraw", 5)
    assert isinstance(new, NewOrder) and _seen(new) == (11, "pending", (), [("鸡蛋", 2, 2)])


def test_a_pending_order_follows_its_edited_entry() -> None:
    plan = _plan([_changed("pending", "active", [("鸡蛋", 1), ("橙子", 1)])], held={60: {7: 2.0}})
    (change,) = plan.steps
    assert isinstance(change, OrderChange) and change.kind == "edit"
    assert change.flags == ("unknown_product",)  # over_limit went with the old lines
    assert [(ln.name, ln.qty) for ln in change.lines] == [("鸡蛋", 1), ("橙子", 1)]
    assert plan.next_order_no == TERMS.next_order_no  # no new number


def test_a_confirmed_order_never_changes_by_a_later_repost() -> None:
    for entry_status in ("withdrawn", "active"):
        later = EntryState(_entry(2, [("鸡蛋", 1)], minutes=6), HOME_606)
        plan = _plan(
            [_changed("confirmed", entry_status, [("鸡蛋", 1)]), later], held={60: {7: 2.0}}
        )
        change, new = plan.steps
        assert isinstance(change, OrderChange) and change.kind == "ignore" and not change.lines
        assert isinstance(new, NewOrder)  # the confirmed eggs still count against the limit
        assert _seen(new) == (11, "pending", ("over_limit",), [("鸡蛋", 0, 1)])


def test_entries_already_ordered_and_unchanged_are_left_alone() -> None:
    done = _entry(1, [("鸡蛋", 1)], order_id=50, order_version=T0, order_household_id=60)
    withdrawn_before_ordering = _entry(2, [("鸡蛋", 1)], status="withdrawn")
    plan = _plan([EntryState(done), EntryState(withdrawn_before_ordering, HOME_606)])
    assert plan.steps == () and plan.next_order_no == 11
