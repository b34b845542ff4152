"""Needs first met in blind set H4: heating fuel running low is 物资; a 同问 that tells its own
story is still a need of the category it answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from handlers.needs.handler import classify_need
from models.need import Need
from tests.campaign_support import Chat_, new_factory, seed


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


def test_a_same_here_with_its_own_facts_keeps_the_category_it_answers(
    tmp_path: Path,
) -> None:
    """A second household writes 同问 and adds its own story: still a need of the first one's
    category (就医 here), urgent by either."""
    factory = new_factory(tmp_path)
    seed(factory, [], ["g1"])
    chat = Chat_(factory)
    chat.send("g1", "u1", "我爸发烧39度还抽搐，怎么联系社区医生上门？")
    chat.send("g1", "u2", "同问，我家奶奶也咳得厉害，家里的止咳糖浆只剩最后一瓶了")
    with factory() as db:
        rows = db.scalars(select(Need).order_by(Need.id)).all()
        assert [(n.sender_id, n.category, n.urgent) for n in rows] == [
            ("u1", "就医", True),
            ("u2", "就医", True),
        ]
