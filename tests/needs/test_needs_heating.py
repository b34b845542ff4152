"""Fuel for heating and cooking is a supply: running low and asking where to get it is 物资."""

from __future__ import annotations

import pytest

from handlers.needs.handler import classify_need


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("炉子里的蜂窝煤就剩三块了，谁知道哪里还有卖的？", "蜂窝煤"),
        ("家里烧的煤炭不够用了，这几天还能不能送煤进村？", "煤炭"),
    ],
)
def test_fuel_running_low_is_a_supply_need(text: str, item: str) -> None:
    draft = classify_need(text)
    assert draft is not None
    assert (draft.category, draft.item, draft.urgent) == ("物资", item, False)


def test_a_gas_smell_is_still_danger_not_coal() -> None:
    draft = classify_need("楼道里一股煤气味，是不是哪家漏气了？")
    assert draft is not None and draft.category != "物资"
