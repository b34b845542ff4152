"""Tests of need aggregation (酒精：37户), 汇总开团, and remembering vulnerable households."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

import pytest

from handlers import texts
from handlers.campaign.repo import CampaignDraft, CampaignView, NoCampaigns
from handlers.household.repo import Household
from handlers.needs.aggregate import (
    find_group,
    item_groups,
    need_groups,
    own_household_flag,
    with_flag_memory,
)
from handlers.needs.repo import NeedDraft
from handlers.needs.routes import COMMANDS
from handlers.types import Action, Incoming, Notify, Reply
from tests.fakes_needs import T0, World, message

ALCOHOL = NeedDraft("我家酒精快用完了，去哪儿买？", "物资", False, "酒精")
WIPES = NeedDraft("哪里有酒精棉片", "物资", False, "酒精棉片")
MEDICINE = NeedDraft("降压药没了", "代买", True, "降压药")


@dataclass
class RecordingCampaigns(NoCampaigns):
    """The campaigns port with just `create_campaign`, recording what it was given."""

    created: list[CampaignView] = field(default_factory=list)

    def create_campaign(
        self,
        draft: CampaignDraft,
        chat_id: str,
        channel: str,
        actor: str,
        at: datetime,
        community_id: int | None = None,
    ) -> CampaignView:
        view = CampaignView(
            len(self.created) + 1, chat_id, channel, draft.title, "open", draft.products,
            draft.cutoff_at, draft.arrival_at, draft.pickup_point, draft.slot_minutes,
            draft.slot_capacity, draft.allocation_rule, actor, at,
        )  # fmt: skip
        self.created.append(view)
        return view


def _world() -> World:
    world = World()
    world.members.roles[("sim", "w1")] = "worker"
    world.members.names[("sim", "w1")] = "王芳"
    # r1 and r1b are one household (two phones); r2 another; r3 asks 1:1
    for sender, room in (("r1", "201"), ("r1b", "201"), ("r2", "302"), ("r3", "501")):
        world.members.households[("sim", sender)] = Household("3", "2", room)
    return world


def _ask(world: World, draft: NeedDraft, sender: str, chat: str = "g1") -> None:
    world.needs.add_need(chat, sender, draft, T0)


def _send(world: World, text: str, group: bool = True) -> list[Action]:
    msg = message(text, sender="w1", chat="g-work", is_group=group)
    cmd = COMMANDS.match(msg, world.ctx())
    assert cmd is not None
    return COMMANDS.handle(msg, cmd, world.ctx())


def test_groups_count_households_not_messages() -> None:
    world = _world()
    for sender in ("r1", "r1b", "r2", "r9"):
        _ask(world, ALCOHOL, sender)
    _ask(world, replace(ALCOHOL, item="酒 精"), "r8")  # written with a space: same item
    _ask(world, WIPES, "r2")
    _ask(world, MEDICINE, "r3")
    _ask(world, NeedDraft("家里水管漏水", "求助", True), "r4")  # no item: not grouped
    groups = need_groups(world.needs)
    assert [(g.item, g.households, g.urgent) for g in groups] == [
        ("酒精", 4, 0),
        ("降压药", 1, 1),  # as many households: urgent first
        ("酒精棉片", 1, 0),
    ]
    assert len(groups[0].needs) == 5
    assert item_groups(world.needs.list_needs(), min_households=2)[0].item == "酒精"


def test_taken_over_needs_leave_the_groups() -> None:
    world = _world()
    _ask(world, ALCOHOL, "r1")
    _ask(world, ALCOHOL, "r2")
    world.needs.start_needs([1], "w1", "campaign:1", T0)
    world.needs.resolve_need(2, "", "w1", T0)
    assert need_groups(world.needs) == []


def test_find_group() -> None:
    world = _world()
    _ask(world, WIPES, "r1")
    groups = need_groups(world.needs)
    assert find_group(groups, "酒精棉片") == groups[0]
    assert find_group(groups, "酒精") == groups[0]  # nobody asked for plain 酒精
    assert find_group(groups, "口罩") is None
    _ask(world, ALCOHOL, "r2")
    found = find_group(need_groups(world.needs), "酒精")
    assert found is not None and found.item == "酒精"  # the exact item wins


def test_summary_command() -> None:
    world = _world()
    for sender in ("r1", "r2"):
        _ask(world, ALCOHOL, sender)
    _ask(world, MEDICINE, "r3")
    (reply,) = _send(world, "需求汇总")
    assert isinstance(reply, Reply)
    lines = reply.text.splitlines()
    assert lines[:3] == [texts.NEED_GROUPS_HEADER, "酒精：2户", "降压药：1户（紧急 1）"]
    assert "汇总开团 酒精" in lines[3]
    assert _send(World(members=_world().members), "需求汇总") == [Reply(texts.NEED_GROUPS_EMPTY)]


def test_open_campaign_from_a_group_invites_the_households() -> None:
    world = _world()
    campaigns = RecordingCampaigns()
    for sender, chat in (("r1", "g1"), ("r2", "g1"), ("r9", "g2"), ("r7", "g-work")):
        _ask(world, ALCOHOL, sender, chat)
    _ask(world, ALCOHOL, "r3", "r3")  # asked 1:1
    _ask(world, MEDICINE, "r2")
    msg = message("汇总开团 酒精 12元/瓶 截单：明晚8点", sender="w1", chat="g-work")
    cmd = COMMANDS.match(msg, world.ctx())
    assert cmd is not None
    actions = COMMANDS.handle(msg, cmd, replace(world.ctx(), campaigns=campaigns))
    (c,) = campaigns.created
    assert c.title == "酒精团购" and c.chat_id == "g-work" and c.cutoff_at is not None
    assert (c.products[0].name, c.products[0].price, c.products[0].unit) == ("酒精", 12.0, "瓶")
    reply = actions[0]
    assert isinstance(reply, Reply) and "已邀请问过酒精的5户（4个会话）" in reply.text
    told = [(a.chat_id, a.text) for a in actions if isinstance(a, Notify)]
    assert told[0][0] == "g-work" and told[0][1].startswith("#接龙\n酒精团购")  # posted here
    notices = dict(told[1:])
    assert notices["g-work"] == texts.NEED_GROUP_INVITE_HERE.format(item="酒精", households=1)
    assert notices["g1"].startswith("之前在群里问酒精的2户邻居") and "#接龙" in notices["g1"]
    assert notices["g2"].startswith("之前在群里问酒精的1户邻居")
    assert notices["r3"].startswith("您之前问过酒精") and "#接龙" in notices["r3"]
    assert len(told) == 5
    statuses = [n.status for n in world.needs.needs]
    assert statuses == ["in_progress"] * 5 + ["new"]
    assert all(n.assignee_id == "w1" for n in world.needs.needs[:5])


def test_open_campaign_without_such_needs() -> None:
    world = _world()
    assert _send(world, "汇总开团 口罩 2元/个") == [
        Reply(texts.NEED_GROUP_NONE.format(item="口罩"))
    ]
    assert _send(world, "汇总开团") == [Reply(texts.NEED_GROUP_OPEN_USAGE)]


def test_open_campaign_in_private_replies_the_template() -> None:
    world = _world()
    campaigns = RecordingCampaigns()
    _ask(world, ALCOHOL, "r1")
    msg = message("汇总开团：酒精", sender="w1", is_group=False)
    cmd = COMMANDS.match(msg, world.ctx())
    assert cmd is not None
    actions = COMMANDS.handle(msg, cmd, replace(world.ctx(), campaigns=campaigns))
    assert isinstance(actions[1], Reply) and actions[1].text.startswith("#接龙")
    assert campaigns.created[0].products[0].price is None  # price to be announced


@pytest.mark.parametrize(
    ("text", "for_whom", "flag"),
    [
        ("我家老人独居，降压药快没了", "独居老人", "独居老人"),
        ("家里老人行动不便，下不了楼买菜", "行动不便", "行动不便"),
        ("本人残疾，需要帮忙代买大米", "残疾", "残疾"),
        ("5号楼有位独居老人，降压药只剩两天的了", "独居老人", None),
        ("我妈一个人住，药快吃完了", "独居老人", None),
        ("隔壁邻居行动不便，能帮她买点菜吗", "行动不便", None),
        ("我家在隔离，出不去买菜", "隔离", None),  # ends: not remembered
        ("家里老人要去医院", "老人", None),  # not a vulnerability flag by itself
    ],
)
def test_own_household_flag(text: str, for_whom: str, flag: str | None) -> None:
    draft = NeedDraft(text, "求助", False, for_whom=for_whom)
    assert own_household_flag(draft) == flag


def test_flag_memory_wraps_the_need_handler() -> None:
    world = _world()
    seen: list[str] = []

    def handle(msg: Incoming, draft: NeedDraft, ctx: object) -> list[Action]:
        seen.append(draft.text)
        return [Reply("已记录")]

    wrapped = with_flag_memory(handle)
    draft = NeedDraft("我家老人独居，降压药快没了", "代买", True, "降压药", "独居老人")
    msg = message(draft.text, sender="r2")
    assert wrapped(msg, draft, world.ctx()) == [Reply("已记录")]
    assert world.members.households[("sim", "r2")].flags == ("独居老人",)
    wrapped(msg, draft, world.ctx())  # remembered once
    assert world.members.households[("sim", "r2")].flags == ("独居老人",)
    wrapped(message(draft.text, sender="r-unregistered"), draft, world.ctx())  # nothing to flag
    assert seen == [draft.text] * 3
    _ask(world, ALCOHOL, "r1")
    _ask(world, ALCOHOL, "r2")
    first = world.needs.list_by_status()[0]
    assert first.sender_id == "r2" and first.vulnerable == ("独居老人",)
