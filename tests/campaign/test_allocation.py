"""Short stock shared first come within limits (default) or in proportion."""

from __future__ import annotations

from handlers.campaign.allocation import Demand, allocate, short_products

DEMANDS = [
    Demand(1, "菜", 2, 1),
    Demand(2, "菜", 2, 2),
    Demand(3, "菜", 2, 3),
    Demand(4, "蛋", 1, 1),
]


def test_enough_stock_gives_everyone_all() -> None:
    assert allocate(DEMANDS, {"菜": 6, "蛋": None}, "first_come") == {1: 2, 2: 2, 3: 2, 4: 1}
    assert short_products(DEMANDS, {"菜": 6, "蛋": None}) == []


def test_first_come_fills_in_rank_order() -> None:
    got = allocate(DEMANDS, {"菜": 3}, "first_come")
    assert (got[1], got[2], got[3], got[4]) == (2, 1, 0, 1)
    assert short_products(DEMANDS, {"菜": 3}) == ["菜"]


def test_proportional_whole_units_never_over_stock() -> None:
    got = allocate(DEMANDS, {"菜": 4}, "proportional")
    assert sum(got[i] for i in (1, 2, 3)) == 4
    assert all(got[i] <= 2 and float(got[i]).is_integer() for i in (1, 2, 3))
    assert got[1] >= got[3]  # the remainder goes to the earlier order


def test_zero_stock_gives_nothing() -> None:
    assert allocate(DEMANDS[:2], {"菜": 0}, "proportional") == {1: 0, 2: 0}
