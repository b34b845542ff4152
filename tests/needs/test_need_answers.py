"""Questions answered in the group: the answer is kept, a repeat of the question is no need."""

from __future__ import annotations

from datetime import timedelta

import pytest

from handlers.needs.answers import answers, same_question
from handlers.routes import dispatch
from tests.fakes_needs import T0, World, message


def say(world: World, text: str, sender: str, minutes: int) -> None:
    dispatch(message(text, sender=sender, at=T0 + timedelta(minutes=minutes)), world.ctx())


def test_a_question_asked_again_after_the_answer_is_not_a_second_need() -> None:
    world = World()
    say(world, "请问明天几点发菜？", "r_a", 0)
    say(world, "明天上午9点南门发菜，按楼号分时段", "w_li", 2)
    say(world, "明天几点发菜啊？", "r_b", 5)
    [need] = world.needs.list_needs()
    assert (need.sender_id, need.draft.category) == ("r_a", "咨询")
    assert need.answer == "明天上午9点南门发菜，按楼号分时段"


def test_before_any_answer_the_same_question_is_a_need_of_its_own() -> None:
    world = World()
    say(world, "请问明天几点发菜？", "r_a", 0)
    say(world, "明天几点发菜啊？", "r_b", 1)
    assert [n.sender_id for n in world.needs.list_needs()] == ["r_a", "r_b"]


def test_the_asker_talking_again_is_not_an_answer() -> None:
    world = World()
    say(world, "请问明朝几点钟做核酸？", "r_a", 0)
    say(world, "我明朝要上班的", "r_a", 1)
    say(world, "明朝核酸几点钟啊", "r_b", 2)
    assert world.needs.list_needs()[0].answer is None
    assert len(world.needs.list_needs()) == 2


def test_a_different_question_after_an_answer_is_still_a_need() -> None:
    world = World()
    say(world, "请问明天几点发菜？", "r_a", 0)
    say(world, "明天上午9点南门发菜", "w_li", 2)
    say(world, "请问核酸报告在哪里查？", "r_c", 5)
    assert [n.sender_id for n in world.needs.list_needs()] == ["r_a", "r_c"]


@pytest.mark.parametrize(
    ("question", "reply", "answered"),
    [
        ("请问明朝几点钟做核酸？", "明朝早上7点半开始，按号头顺序", True),
        ("请问明天核酸要带什么", "带手机就行，提前打开核酸码", True),
        ("What time is the PCR test today?", "今天下午1点开始。PCR test at 1pm today", True),
        ("菜包啥子时候到哦", "明天下午3点到，南门领", True),
        ("退烧药搁哪领啊", "社区卫生站门口领", True),
        ("请问明天几点发菜？", "收到", False),
        ("请问明天几点发菜？", "我也想知道几点发菜？", False),
    ],
)
def test_what_answers_a_question(question: str, reply: str, answered: bool) -> None:
    assert answers(question, reply) is answered


def test_same_question_in_other_words() -> None:
    assert same_question("请问明天核酸要带什么", "明天核酸要带啥？")
    assert not same_question("请问明天几点发菜？", "请问核酸报告在哪里查？")


def test_two_questions_about_one_topic_are_not_the_same() -> None:
    assert not same_question("请问明天核酸几点？", "请问明天核酸要带什么")
    assert same_question("请问明早核酸是在弄堂口做还是每个门洞口做？", "明早核酸在啥地方做啊")


def test_a_quoted_question_with_the_answer_below_is_answered() -> None:
    world = World()
    say(world, "请问抗原结果是在哪个小程序上传？", "r_a", 0)
    dashes = "- " * 15
    quote = f"「洪：请问抗原结果是在哪个小程序上传？」\n{dashes}\n随申办，选我们居委"
    say(world, quote, "w_ju", 1)
    say(world, "同问，抗原在哪里传？", "r_b", 2)
    [need] = world.needs.list_needs()
    assert need.answer == "随申办，选我们居委"


def test_the_same_question_in_other_words_after_a_notice_is_no_second_need() -> None:
    world = World()
    say(world, "居家隔离第三天，家里人都好好的，想问下隔离户吃饭怎么安排？", "r_a", 0)
    say(world, "隔离户的午餐晚餐社区统一配送，11点和5点送到门口，不用另外报名", "w_li", 2)
    say(world, "隔离的午饭几点送啊？", "r_b", 5)
    assert [n.sender_id for n in world.needs.list_needs()] == ["r_a"]


def test_a_households_own_request_after_an_answer_is_still_a_need() -> None:
    world = World()
    say(world, "居家隔离第三天，想问下隔离户吃饭怎么安排？", "r_a", 0)
    say(world, "隔离户的午餐晚餐社区统一配送，11点和5点送到门口，不用另外报名", "w_li", 2)
    say(world, "我家老人吃不了辣，隔离的午饭几点能换一份不辣的？", "r_c", 5)
    assert [n.sender_id for n in world.needs.list_needs()] == ["r_a", "r_c"]


def test_a_same_here_is_not_the_answer() -> None:
    world = World()
    say(world, "我娭毑一个人住，每天中午能不能送份饭？", "r_a", 0)
    say(world, "同问，我屋里爹爹也是一个人住，中午也想订一份", "r_b", 1)
    first, second = world.needs.list_needs()
    assert first.answer is None
    assert (second.sender_id, second.draft.category) == ("r_b", "送餐")


@pytest.mark.parametrize(
    "text",
    [
        "我这儿还有五个抗原，搁门口了，2号楼3门502，谁家需要自己来拿就行",
        "复查、透析需要用车的请提前一天报给网格员，社区统一安排",
        "中，我这就上去看看",
        "发热门诊24小时都有，直接去就行",
    ],
)
def test_offers_notices_and_volunteers_on_their_way_are_no_needs(text: str) -> None:
    world = World()
    say(world, text, "r_x", 0)
    assert world.needs.list_needs() == []


def test_asking_when_the_power_is_back_after_the_repair_was_announced_is_no_second_need() -> None:
    world = World()
    say(world, "停电了，请问几点能恢复？", "r_a", 0)
    say(world, "供电所在抢修，预计今晚恢复", "w_li", 2)
    say(world, "到底啥时候来电啊？", "r_b", 5)
    [need] = world.needs.list_needs()
    assert need.sender_id == "r_a"


def test_the_same_household_asking_its_question_again_is_one_need() -> None:
    world = World()
    say(world, "快递能送进小区吗", "r_a", 0)
    say(world, "快递到底能不能拿到啊 有人知道不", "r_a", 20)
    [need] = world.needs.list_needs()
    assert need.draft.text == "快递能送进小区吗"


def test_an_answer_to_an_earlier_question_than_the_newest_is_kept_with_it() -> None:
    """'超市后天停业' answers '后天超市开不开', asked before '今晚公交还有吗': a third household
    asking whether the supermarket opens has its answer above."""
    world = World()
    say(world, "后天超市开不开", "r_a", 0)
    say(world, "我半夜才下班 今晚公交还有吗", "r_b", 2)
    say(world, "超市后天停业，大家备好两天的菜", "w_li", 4)
    say(world, "后天超市开吗？", "r_c", 6)
    assert [n.sender_id for n in world.needs.list_needs()] == ["r_a", "r_b"]
