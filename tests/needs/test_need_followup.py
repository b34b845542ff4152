"""A household chasing its own open need adds no second need; a new trouble still does."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from handlers.routes import dispatch
from models.need import Need
from tests.campaign_support import Chat_, Person, new_factory, seed
from tests.fakes_needs import T0, World, message


def say(world: World, text: str, sender: str, minutes: int) -> None:
    dispatch(message(text, sender=sender, at=T0 + timedelta(minutes=minutes)), world.ctx())


def needs(world: World) -> list[tuple[str, str, bool]]:
    return [(n.sender_id, n.draft.category, n.draft.urgent) for n in world.needs.list_needs()]


def test_a_chase_after_a_report_is_not_a_second_need() -> None:
    world = World()
    say(world, "8号楼楼道里的暖气管爆了，水一直往楼下灌", "r_a", 0)
    say(world, "打物业电话没人接，谁快来帮帮忙", "r_a", 2)
    assert needs(world) == [("r_a", "其他", True)]


def test_asking_again_with_the_drug_named_is_the_same_need() -> None:
    world = World()
    say(world, "我妈的降糖药明天就吃完了，谁能帮忙去药店买一盒", "r_a", 0)
    say(world, "药名叫二甲双胍缓释片，医保卡我放门口", "r_a", 4)
    say(world, "还有志愿者能帮忙吗，急", "r_a", 200)
    assert needs(world) == [("r_a", "代买", True)]


def test_worse_news_or_a_second_report_is_a_need_of_its_own() -> None:
    world = World()
    say(world, "我家孩子咳嗽好几天了，哪里能买到止咳糖浆？", "r_a", 0)
    say(world, "孩子现在喘不上气，嘴唇发紫了", "r_a", 30)
    say(world, "3号楼楼道灯坏了", "r_b", 40)
    say(world, "3号楼门口的井盖也没盖，晚上很危险", "r_b", 41)
    assert [n[:2] for n in needs(world)] == [
        ("r_a", "物资"),
        ("r_a", "就医"),
        ("r_b", "其他"),
        ("r_b", "其他"),
    ]


def test_another_household_asking_the_same_is_still_a_need() -> None:
    world = World()
    say(world, "我家没有米了，谁家能匀一点", "r_a", 0)
    say(world, "我家米也吃完了，谁能帮帮忙", "r_b", 3)
    assert [n[0] for n in needs(world)] == ["r_a", "r_b"]


def test_a_private_conversation_keeps_every_request() -> None:
    world = World()
    for minutes in (0, 5):
        dispatch(
            message(
                "请帮忙代买一盒降压药",
                sender="r_a",
                is_group=False,
                at=T0 + timedelta(minutes=minutes),
            ),
            world.ctx(),
        )
    assert len(world.needs.list_needs()) == 2


def test_a_chase_reaches_the_workers_under_the_first_ticket(tmp_path: Path) -> None:
    """Through the real pipeline: the chase naming the drug is passed on to
    the worker with the first ticket; the resident hears it arrived; no second ticket."""
    factory = new_factory(tmp_path)
    seed(factory, [Person("r_a", "周", "6", "2", "301")], ["g1"])
    chat = Chat_(factory)
    first = chat.send("g1", "r_a", "我爸的降压药后天就吃完了，谁能帮忙去药店买一盒")
    again = chat.send("g1", "r_a", "还没人回吗？求帮忙买一盒硝苯地平控释片，医保卡放门口鞋柜上")
    with factory() as db:
        tickets = [n.id for n in db.scalars(select(Need))]
    assert len(tickets) == 1 and f"#{tickets[0]}" in first
    assert again == f"已补充到 #{tickets[0]}，已转告社区工作人员"
    told = [n.text for n in chat.notices(target="w1")]
    assert any(f"#{tickets[0]} 补充" in t and "硝苯地平控释片" in t for t in told), told


def test_a_detail_typed_later_reaches_the_workers_under_the_ticket(tmp_path: Path) -> None:
    """'药名…' says nothing a classifier would call a need; typed by the same resident under
    an open request, the worker must still get it, under that ticket."""
    factory = new_factory(tmp_path)
    people = [Person("r_a", "吴", "9", "1", "502"), Person("r_b", "林", "9", "1", "601")]
    seed(factory, people, ["g1"])
    chat = Chat_(factory)
    chat.send("g1", "r_a", "我婆婆一个人在家，降压药快没了，哪位志愿者方便去趟药店")
    detail = chat.send("g1", "r_a", "药名是缬沙坦胶囊 80mg的，钱我转给你")
    other = chat.send("g1", "r_b", "苯磺酸氨氯地平片我家有一盒")
    with factory() as db:
        tickets = [n.id for n in db.scalars(select(Need))]
    assert len(tickets) == 1
    assert detail == f"已补充到 #{tickets[0]}，已转告社区工作人员"
    assert "补充" not in (other or "")
    told = [n.text for n in chat.notices(target="w1")]
    assert any(f"#{tickets[0]} 补充" in t and "缬沙坦胶囊" in t for t in told), told


def test_thanks_or_arrival_after_ones_need_adds_nothing() -> None:
    world = World()
    say(world, "家里老人的胰岛素只剩一支了，谁能帮忙去医院开", "r_a", 0)
    for minutes, text in enumerate(("谢谢大家，胰岛素收到了", "好的好的", "胰岛素已经送到了"), 1):
        later = T0 + timedelta(minutes=minutes)
        actions = dispatch(message(text, sender="r_a", at=later), world.ctx())
        assert not any("补充" in str(a) for a in actions), (text, actions)
    assert len(needs(world)) == 1


def test_asking_whether_the_same_thing_will_come_in_time_is_the_same_need() -> None:
    """'明天上午药能到不' after one's own '降糖药只剩一片了…帮忙去医院开一下': one thing, asked
    again."""
    world = World()
    say(world, "张姐，我妈降糖药只剩一片了，明天就断了，能不能帮忙去医院开一下", "r_a", 0)
    say(world, "张姐 明天上午药能到不 我妈早上那顿就没了", "r_a", 60)
    assert needs(world) == [("r_a", "代买", True)]
