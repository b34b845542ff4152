"""Needs in Cantonese read like the same needs in Mandarin, and the faults found with them
(blind set H6), in sentences of our own: none of these is taken from the blind set.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from handlers.needs.answers import answers, same_question
from handlers.needs.handler import classify_need
from handlers.needs.lexicon import normalise
from handlers.routes import dispatch
from tests.fakes_needs import T0, World, message

# (text, category or None when it is not a need, urgent)
CASES: list[tuple[str, str | None, bool]] = [
    # Cantonese function words (有冇, 嘅, 唔, 嚟, 睇, 佢, 喺, 嗰, 屋企) read as their Mandarin.
    ("有冇邻居有多嘅口罩？屋企嗰盒用晒咗", "物资", False),
    ("冲凉房个门锁唔埋，有冇人可以嚟睇下", "求助", False),
    ("隔篱个婆婆自己一个住，佢喺屋企一直喘唔到气", "就医", True),
    ("楼上阿叔发烧咳嗽，社康电话一直打唔通，点算", "就医", True),
    ("楼上阿叔发烧咳嗽，社区电话一直打不通，怎么办", "就医", True),
    # Asked of a neighbour's home: '邻居家里有多的…' is an ask, not an offer.
    ("有没有邻居家里有多的面粉？想给孩子做点饼", "物资", False),
    ("我家里有多的面粉，谁要来拿", None, False),
    # Someone ill who does not answer is medical, even when help is asked.
    ("5楼的阿公躺在地上不动，敲门没人应", "就医", True),
    # A helper on the way is no need: with someone, from where they are, or asking where.
    ("我在3栋楼下，马上上去", None, False),
    ("我跟物业师傅现在过去看一下", None, False),
    ("我有电动车，马上过去，你在哪栋？", None, False),
    ("我有车，这就过来接，你在哪里？", None, False),
    ("我妈摔倒了，我现在过去，谁能帮忙叫个车", "就医", True),  # the sender's own
    # An offer to come and take from the sender's home.
    ("我家有热水，大家可以去我家打", None, False),
    ("开水可以去我家里拿，我家没停电", None, False),
]


@pytest.mark.parametrize(("text", "category", "urgent"), CASES)
def test_cantonese_and_helpers(text: str, category: str | None, urgent: bool) -> None:
    draft = classify_need(text)
    got = None if draft is None else (draft.category, draft.urgent)
    assert got == (None if category is None else (category, urgent))


def test_cantonese_words_in_the_lists_still_meet_the_text() -> None:
    assert normalise("有冇人听日得闲") == "有没有人明天得闲"
    assert classify_need("唔该晒") is None  # thanks, as before
    assert classify_need("到咗医院，多谢大家") is None


def test_a_mandarin_arrival_is_no_resolution() -> None:
    """'到了' in Mandarin is not '到咗医院': '吓到了' or '到了再还你' settle nothing."""
    assert classify_need("谁家有多的葱先借我两根，明天菜到了还你") is not None


def test_asks_for_two_different_things_are_two_questions() -> None:
    assert not same_question("有没有邻居有多的体温计？", "有没有邻居有多的奶粉？")
    assert same_question("请问蔬菜包什么时候到？", "菜包什么时候到呀")


def test_a_home_visit_names_no_place_and_an_office_does() -> None:
    assert not answers("核酸去哪儿排队？", "行动不便的联系网格员上门采样")
    assert answers("去哪儿交？", "在物业")


def say(world: World, text: str, sender: str, minutes: int) -> None:
    dispatch(message(text, sender=sender, at=T0 + timedelta(minutes=minutes)), world.ctx())


def test_an_answer_to_a_need_of_another_kind_settles_no_ask_for_things() -> None:
    world = World()
    say(world, "我在隔离，狗粮要人去宠物店取一下，有没有邻居能帮忙", "r_a", 0)
    say(world, "狗粮我可以帮你去取，我出得了门", "r_b", 1)
    say(world, "哪里还能买到狗粮？", "r_c", 3)
    assert [n.sender_id for n in world.needs.list_needs()] == ["r_a", "r_c"]


@pytest.mark.parametrize(
    "text",
    [
        "改成两袋，顺便帮对门的奶奶多带一袋",  # an edit of one's own 接龙 line
        "米我家还有，把自己那条删了，留给更缺的人",  # withdrawing one's own line
    ],
)
def test_editing_or_withdrawing_ones_own_chain_line_is_no_need(text: str) -> None:
    assert classify_need(text) is None
