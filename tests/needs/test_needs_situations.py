"""Ways of writing the needs classifier learned from the H5 blind set (cold waves, power cuts,
typhoons, a death at home, relatives writing for others), in sentences of our own.

Each group is one general rule: what a resident or a worker would see (a need or none, its
category, urgent or not). None of these sentences is taken from the blind set.
"""

from __future__ import annotations

import pytest

from handlers.needs.handler import classify_need

# (text, category or None when it is not a need, urgent)
CASES: list[tuple[str, str | None, bool]] = [
    # A helper's reply: on the way, the ambulance already called for the asker.
    ("5楼的我们这就上来，已经给您喊了救护车", None, False),
    ("302已经帮你叫了120，保安马上上楼", None, False),
    ("我家就在隔壁单元，我过去看看", None, False),
    ("电梯明天才能修好，我们安排志愿者背老人下楼", None, False),
    # An offer of things no longer used, for whoever needs them.
    ("家里孩子小时候的婴儿床和推车用不上了，谁家需要的免费拿走", None, False),
    # A 楼长's opening post: tell us what you need, we register it.
    (
        "各位住户，我是3号楼志愿者小林，有什么需要就在群里说，注明几栋几楼，我们统一登记",
        None,
        False,
    ),
]


@pytest.mark.parametrize(("text", "category", "urgent"), CASES)
def test_situations(text: str, category: str | None, urgent: bool) -> None:
    draft = classify_need(text)
    got = None if draft is None else (draft.category, draft.urgent)
    want = None if category is None else (category, urgent)
    assert got == want, None if draft is None else draft.reasons
