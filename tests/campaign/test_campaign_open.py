"""开团 for a community, bad input included, and residents ordering 1:1 — through the real
pipeline (simulator channel) on a migrated SQLite file.

Two communities: 和平里 (groups 3号楼群 and 5号楼群, an ordinary WeChat group 7号楼群, a roster)
and 东风 (one group). A refusal answers clearly and stores and announces nothing.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.config import DEFAULT_ZONE, SchedulerSettings
from models.campaign import Campaign, Order
from models.community import Chat, Community, Household, Member
from models.groups_repo import add_wechat_group
from scheduler import jobs
from scheduler.report import report_text
from tests.campaign_support import T0, Chat_, new_factory

OPEN = (
    "开团：硕诚蔬菜套餐\n商品：蔬菜套餐 38元/份 每户限2份\n截单：今晚8点\n到货：明天下午3点\n"
    "取货：社区活动中心"
)
A3, A5, B1 = "g-a3", "g-a5", "g-b1"


@pytest.fixture
def town(tmp_path: Path) -> Chat_:
    factory = new_factory(tmp_path)
    with factory.begin() as s:
        a, b = Community(name="和平里社区"), Community(name="东风社区")
        s.add_all([a, b])
        s.flush()
        for cid, chat, title in (
            (a.id, A3, "3号楼群"),
            (a.id, A5, "5号楼群"),
            (b.id, B1, "东风1号楼群"),
        ):
            s.add(Chat(community_id=cid, channel="sim", external_id=chat, title=title))
        for cid, ext in ((a.id, "wa"), (b.id, "wb")):
            s.add(Member(community_id=cid, channel="sim", external_id=ext, role="worker"))
        for room, name in (("101", "张奶奶"), ("102", "李")):
            s.add(
                Household(
                    community_id=a.id,
                    building="4",
                    unit="1",
                    room=room,
                    name=name,
                    phone=f"1380004{room}00",
                    on_roster=True,
                )
            )
        add_wechat_group(s, a, "7号楼群", "test", T0)
    return Chat_(factory)


def _count(town: Chat_, model: type[object]) -> int:
    with town.factory() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _heping(s: Session) -> int:
    return s.scalars(select(Community.id).where(Community.name == "和平里社区")).one()


def _announced(town: Chat_) -> list[str]:
    return sorted(n.target for n in town.notices(kind="announce"))


def test_opened_1_to_1_it_reaches_every_group_of_the_community_once(town: Chat_) -> None:
    reply = town.send("wa", "wa", OPEN)
    assert "接龙已发到2个群：3号楼群、5号楼群" in reply
    assert "请把下面的接龙转发到这些群：7号楼群" in reply
    assert "#接龙\n硕诚蔬菜套餐" in reply  # ready to forward
    assert _announced(town) == [A3, A5]  # never the worker's own chat, never 东风's group
    with town.factory() as s:
        campaign = s.scalars(select(Campaign)).one()
        assert campaign.community_id == _heping(s)


def test_named_groups_only(town: Chat_) -> None:
    reply = town.send("wa", "wa", OPEN + "\n发到：5号楼群")
    assert "接龙已发到1个群：5号楼群" in reply and "#接龙" not in reply
    assert _announced(town) == [A5]


@pytest.mark.parametrize(
    ("chat", "sender", "text", "says"),
    [
        (A3, "wb", OPEN, "本群属于「和平里社区」，您是「东风社区」的工作人员，不能在本群开团"),
        ("wa", "wa", OPEN + "\n发到：3号楼群、东风1号楼群", "“东风1号楼群”是「东风社区」的群"),
        ("wa", "wa", OPEN + "\n发到：9号楼群", "没有叫“9号楼群”的群。「和平里社区」的群：3号楼群"),
        ("g-new", "wa", OPEN, "本群还没有归属社区，接龙没有发出。请先发送“本群属于 和平里社区”"),
        (A3, "r-9", OPEN, "“开团”是社区工作人员用的命令"),
        ("wa", "wa", "开团：硕诚蔬菜套餐", "没看懂商品和价格"),
    ],
    ids=["other-worker", "other-group", "unknown-group", "unassigned", "resident", "no-product"],
)
def test_bad_openings_are_answered_and_announce_nothing(
    town: Chat_, chat: str, sender: str, text: str, says: str
) -> None:
    assert says in town.send(chat, sender, text)
    assert _count(town, Campaign) == 0 and _announced(town) == []


def test_a_second_open_with_the_same_title_is_refused(town: Chat_) -> None:
    town.send(A3, "wa", OPEN)
    again = town.send("wa", "wa", OPEN.replace("今晚8点", "明晚8点"))
    assert "「硕诚蔬菜套餐」已经在团购中（团购1，接龙中）" in again
    assert _count(town, Campaign) == 1 and _announced(town) == [A3, A5]
    other = town.send(B1, "wb", OPEN)  # another community may run its own
    assert "接龙已发到1个群：东风1号楼群" in other
    assert _count(town, Campaign) == 2


def test_a_chain_in_one_community_never_joins_anothers_campaign(town: Chat_) -> None:
    town.send("wa", "wa", OPEN)
    post = "#接龙\n硕诚蔬菜套餐\n蔬菜套餐 38元/份\n\n1. 2-1-101 赵 蔬菜套餐1份"
    town.send(B1, "r-b", post)  # 东风 has no such campaign: the chain stays unlinked
    assert _count(town, Order) == 0


def test_a_resident_orders_1_to_1_asked_for_the_address_once(town: Chat_) -> None:
    town.send("wa", "wa", OPEN)
    asked = town.send("o-zhang", "o-zhang", "我要蔬菜套餐1份")
    assert "请带上门牌号再发一次" in asked and _count(town, Order) == 0
    taken = town.send("o-zhang", "o-zhang", "4-1-101 蔬菜套餐3份")
    assert "已记入【硕诚蔬菜套餐】1 号：4-1-101 蔬菜套餐×2份（待确认）" in taken
    assert "每户限2份，已按2份记录" in taken and "张奶奶" not in taken  # no name to a stranger
    assert "这条已经记过了" in town.send("o-zhang", "o-zhang", "4-1-101 蔬菜套餐3份")
    assert "2 号" in town.send("o-zhang", "o-zhang", "我也要蔬菜套餐1份")  # the address is known
    with town.factory() as s:
        member = s.scalars(select(Member).where(Member.external_id == "o-zhang")).one()
        home = s.get_one(Household, member.household_id)
        orders = s.scalars(select(Order).order_by(Order.no)).all()
    assert (home.building, home.room, member.community_id) == ("4", "101", home.community_id)
    assert [o.household_id for o in orders] == [home.id, home.id]
    assert [n.target for n in town.notices() if n.kind != "announce"] == []  # nothing to groups
    assert "已修改 1 号" in town.send("o-zhang", "o-zhang", "修改 1 蔬菜套餐 1")


def test_a_1_to_1_order_outside_the_community_is_refused(town: Chat_) -> None:
    town.send("wa", "wa", OPEN)
    reply = town.send("o-x", "o-x", "4-1-909 蔬菜套餐1份")
    assert "4-1-909 不在「和平里社区」的住户名单里，没有记入【硕诚蔬菜套餐】" in reply
    assert _count(town, Order) == 0
    with town.factory() as s:
        assert s.scalar(select(Member.household_id).where(Member.external_id == "o-x")) is None


def test_registering_1_to_1_gets_a_community(town: Chat_) -> None:
    assert "已登记住址 4-1-102" in town.send(
        "o-li", "o-li", "登记 4-1-102 李"
    )  # on 和平里's roster
    asked = town.send("o-w", "o-w", "登记 9-9-909 王")  # on no roster, two communities
    assert "请写上您的社区" in asked and "东风社区" in asked
    assert "已登记住址 9-9-909" in town.send("o-w", "o-w", "登记 东风社区 9-9-909 王")
    with town.factory() as s:
        names = dict(s.execute(select(Community.id, Community.name)).all())
        got = {
            m.external_id: names[m.community_id]
            for m in s.scalars(select(Member).where(Member.external_id.in_(["o-li", "o-w"])))
            if m.community_id is not None
        }
    assert got == {"o-li": "和平里社区", "o-w": "东风社区"}


def test_a_resident_no_channel_reaches_is_left_to_the_workers(town: Chat_) -> None:
    """A worker's 1:1 paste of a list from an ordinary WeChat group: the household has no
    公众号 and no group Linli can post to. Its reminder goes to no chat (never the worker's),
    the order is 需人工通知, and the workers get one summary; the daily report counts it."""
    town.send("wa", "wa", OPEN)
    paste = "#接龙\n硕诚蔬菜套餐\n蔬菜套餐 38元/份\n\n1. 4-1-102 李 蔬菜套餐1份"
    town.send("wa", "wa", paste)
    town.send("wa", "wa", "确认全部")
    town.send("wa", "wa", "到货")
    with town.factory() as s:
        slot = s.scalars(select(Order.slot_start_at)).one()
    assert slot is not None
    jobs.queue_campaign_notices(
        town.factory, slot - timedelta(minutes=29), SchedulerSettings(), DEFAULT_ZONE
    )
    (reminder,) = town.notices(kind="reminder")
    assert (reminder.channel, reminder.status, reminder.needs_manual) == ("manual", "manual", True)
    (summary,) = town.notices(kind="summary")
    assert summary.target == "wa" and "需人工通知" in summary.text and "4-1-102 李" in summary.text
    assert not [n for n in town.notices(target="wa") if n.kind not in ("summary", "text")]
    with town.factory() as s:
        assert "需人工通知" in s.scalars(select(Order.flags)).one()
        report = report_text(s, _heping(s), T0.date(), T0 - timedelta(days=1))
    assert "需人工通知 1 户" in report


def test_a_rejection_reaches_each_resident_where_the_rule_says(town: Chat_) -> None:
    """拒绝 in the worker's chat tells each household where `handlers.reach` decides (the
    handler now decides; storage only queues): a resident ordering 1:1 in the simulator hears
    it there, one ordering in 3号楼群 hears it in that group, and a household from a pasted list
    that no channel reaches gets a 需人工通知 row no sender claims, its order flagged."""
    town.send("wa", "wa", OPEN)
    town.send("o-zhang", "o-zhang", "4-1-101 蔬菜套餐1份")  # 1 号, 1:1
    town.send(A3, "r-3", "#接龙\n硕诚蔬菜套餐\n蔬菜套餐 38元/份\n\n1. 3-1-101 王 蔬菜套餐1份")
    town.send("wa", "wa", "#接龙\n硕诚蔬菜套餐\n蔬菜套餐 38元/份\n\n1. 4-1-102 李 蔬菜套餐1份")
    with town.factory() as s:
        ids = {o.no: o.id for o in s.scalars(select(Order))}
    assert sorted(ids) == [1, 2, 3]
    for no in (1, 2, 3):
        assert "已拒绝" in town.send("wa", "wa", f"拒绝 {no} 重复")
    told = {n.order_id: n for n in town.notices(kind="order")}
    assert set(told) == set(ids.values())
    to_zhang, to_wang, to_li = told[ids[1]], told[ids[2]], told[ids[3]]
    assert (to_zhang.channel, to_zhang.target, to_zhang.status) == ("sim", "o-zhang", "pending")
    assert "4-1-101：您在【硕诚蔬菜套餐】的订单（1 号）未通过，原因：重复" in to_zhang.text
    assert (to_wang.channel, to_wang.target, to_wang.status) == ("sim", A3, "pending")
    assert "（2 号）未通过" in to_wang.text
    assert (to_li.channel, to_li.target) == ("manual", f"order:{ids[3]}")
    assert (to_li.status, to_li.needs_manual) == ("manual", True)
    assert not [n for n in town.notices(target="wa") if n.kind == "order"]  # never the worker's
    with town.factory() as s:
        flagged = {o.no for o in s.scalars(select(Order)) if "需人工通知" in (o.flags or [])}
    assert flagged == {3}
