"""Pickup slots by building, never over capacity; short, unique pickup codes."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from handlers.campaign.repo import SlotView
from handlers.campaign.slots import Pickup, assign_slots, pickup_codes
from handlers.campaign.values import building_key

START = datetime(2022, 4, 12, 7, 0, tzinfo=UTC)


def test_building_that_overflows_spills_into_next_slot() -> None:
    pickups = [Pickup(i, "3") for i in range(13)] + [Pickup(100 + i, "5") for i in range(4)]
    result = assign_slots(pickups, [], START, 30, 10)
    counts = Counter(result.assignment.values())
    assert max(counts.values()) <= 10
    assert [p.start_at for p in result.new_slots] == [START, START + timedelta(minutes=30)]
    assert result.new_slots[0].buildings == ("3",)
    assert {result.assignment[100 + i] for i in range(4)} == {1}  # building 5 kept together


def test_half_full_slot_does_not_split_a_building() -> None:
    pickups = [Pickup(i, "2") for i in range(6)] + [Pickup(10 + i, "10") for i in range(6)]
    result = assign_slots(pickups, [], START, 30, 10)
    assert {result.assignment[10 + i] for i in range(6)} == {1}


def test_existing_slots_keep_their_counts() -> None:
    existing = [SlotView(1, START, START + timedelta(minutes=30), 10, ("3",), 9)]
    one = assign_slots([Pickup(1, None)], existing, START, 30, 10)
    assert one.assignment == {1: 0} and one.new_slots == ()
    two = assign_slots([Pickup(1, "7"), Pickup(2, "7")], existing, START, 30, 10)
    assert two.assignment == {1: 1, 2: 1} and len(two.new_slots) == 1  # neighbours together


def test_building_order_is_natural() -> None:
    assert sorted(["10", "2", "A", None, "3"], key=building_key) == ["2", "3", "10", "A", None]


def test_pickup_codes_are_short_unique_and_stable() -> None:
    codes = pickup_codes(7, list(range(1, 500)), taken={"1234"})
    assert len(set(codes.values())) == 499 and "1234" not in codes.values()
    assert all(len(c) == 4 and c.isdigit() for c in codes.values())
    assert pickup_codes(7, [1, 2], ()) == {1: codes[1], 2: pickup_codes(7, [1, 2], ())[2]}
