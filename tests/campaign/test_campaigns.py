"""开团 parsing, command forms, chain → order sync (idempotent, audited), demo seed."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.demo import seed_demo_campaign
from handlers.campaign.commands import parse_command
from handlers.campaign.parse import ParseProblem, parse_campaign, parse_when
from handlers.campaign.repo import CampaignDraft, ProductSpec
from handlers.campaign.rules import mask_phone, match_product
from handlers.campaign.sync import sync_chat, sync_orders
from models.audit import AuditLog
from models.campaigns_repo import SqlCampaignRepo
from tests.campaign_support import T0, Chat_, Person, new_factory, seed

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2022, 4, 11, 10, 0, tzinfo=SHANGHAI)


def test_open_message_many_lines_full_width() -> None:
    text = (
        "开团：硕诚蔬菜套餐\n商品：蔬菜套餐 ３８元/份 每户限２份 库存５０；鸡蛋 15元/盒 限1\n"
        "截单：今晚８点\n到货：明天下午三点半\n取货：社区活动中心\n"
        "时段：半小时 每段15户\n分配：按比例"
    )
    draft = parse_campaign(text, NOW, SHANGHAI)
    assert isinstance(draft, CampaignDraft)
    assert draft.title == "硕诚蔬菜套餐"
    assert draft.products == (
        ProductSpec("蔬菜套餐", 38, "份", 2, 50),
        ProductSpec("鸡蛋", 15, "盒", 1, None),
    )
    assert draft.cutoff_at == datetime(2022, 4, 11, 20, 0, tzinfo=SHANGHAI)
    assert draft.arrival_at == datetime(2022, 4, 12, 15, 30, tzinfo=SHANGHAI)
    assert (draft.pickup_point, draft.slot_minutes, draft.slot_capacity) == ("社区活动中心", 30, 15)
    assert draft.allocation_rule == "proportional"


def test_open_message_one_line_and_missing_parts() -> None:
    draft = parse_campaign(
        "开团 大米 东北大米45元/袋 限1 截单明天12点 到货 4月13日 15:00", NOW, SHANGHAI
    )
    assert isinstance(draft, CampaignDraft) and draft.title == "大米"
    assert draft.products[0].name == "东北大米" and draft.products[0].limit == 1
    assert draft.arrival_at == datetime(2022, 4, 13, 15, 0, tzinfo=SHANGHAI)
    assert parse_campaign("开团 鸡蛋", NOW, SHANGHAI) == ParseProblem(("products",))


@pytest.mark.parametrize(
    ("text", "hour", "day"),
    [
        ("今晚八点半", 20, 11),
        ("8点", 8, 12),
        ("中午1点", 13, 11),
        ("2022-04-15 9:30", 9, 15),
    ],
)
def test_times_as_people_write_them(text: str, hour: int, day: int) -> None:
    at = parse_when(text, NOW, SHANGHAI)
    assert at is not None and (at.hour, at.day) == (hour, day)


@pytest.mark.parametrize(
    ("text", "word", "nos"),
    [
        ("确认１２、13", "confirm", (12, 13)),
        ("@助手 确认 5", "confirm", (5,)),
        ("全部确认", "confirm_all", ()),
        ("拒绝 7 重复", "reject", (7,)),
        ("取消", "cancel", ()),
        ("取货：4821", "pickup", ()),
        ("到货 下午3点", "arrive", ()),
    ],
)
def test_command_forms(text: str, word: str, nos: tuple[int, ...]) -> None:
    cmd = parse_command(text)
    assert cmd is not None and (cmd.word, cmd.nos) == (word, nos)


@pytest.mark.parametrize("text", ["确认一下明天几点到", "到货了吗", "取消了", "今天的菜真好"])
def test_chatter_is_not_a_command(text: str) -> None:
    assert parse_command(text) is None


def test_products_are_matched_not_guessed() -> None:
    products = (ProductSpec("蔬菜套餐"), ProductSpec("鸡蛋"))
    assert match_product("菜", products) == products[0]
    assert match_product("硕诚蔬菜套餐", products) == products[0]
    assert match_product("牛奶", products) is None
    assert mask_phone("13812345678") == "138****5678"


def _world(tmp_path: Path) -> Chat_:
    factory = new_factory(tmp_path)
    seed(
        factory, [Person("u1", "王", "3", "2", "201"), Person("u2", "李", "5", "1", "302")], ["g1"]
    )
    return Chat_(factory)


def test_sync_is_idempotent_and_audited(tmp_path: Path) -> None:
    chat = _world(tmp_path)
    chat.send("g1", "w1", "开团 鸡蛋团购\n商品：鸡蛋 15元/盒 限2\n截单：今晚8点")
    post = "#接龙\n鸡蛋团购\n鸡蛋 15元/盒\n\n1. 3-2-201 王 鸡蛋2盒\n2. 5-1-302 李 牛奶1箱"
    out = chat.send("g1", "u1", post)
    assert "“牛奶1箱”" in out or "牛奶" in out  # an unknown product is asked about
    with chat.factory.begin() as s:
        repo = SqlCampaignRepo(s)
        c = repo.list_campaigns()[0]
        assert [o.no for o in repo.list_orders(c.id)] == [1, 2]
        assert not sync_orders(repo, c.id, chat.now).changed
        before = s.scalar(select(func.count()).select_from(AuditLog))
        assert not sync_chat(repo, "g1", chat.now)[0].changed
        assert s.scalar(select(func.count()).select_from(AuditLog)) == before
    chat.send("g1", "u1", "#接龙\n鸡蛋团购\n鸡蛋 15元/盒\n\n1. 5-1-302 李 牛奶1箱")  # withdrawn
    with chat.factory() as s:
        repo = SqlCampaignRepo(s)
        statuses = [o.status for o in repo.list_orders(repo.list_campaigns()[0].id)]
        assert statuses == ["withdrawn", "pending"]
        assert any(a.action == "order.withdraw" for a in repo.audit_log("order"))


def test_resident_cancel_before_cutoff_and_refused_after(tmp_path: Path) -> None:
    chat = _world(tmp_path)
    chat.send("g1", "w1", "开团 鸡蛋团购\n商品：鸡蛋 15元/盒\n截单：今晚8点")
    chat.send("g1", "u1", "#接龙\n鸡蛋团购\n鸡蛋 15元/盒\n\n1. 3-2-201 王 鸡蛋2盒")
    chat.send(
        "g1", "u2", "#接龙\n鸡蛋团购\n鸡蛋 15元/盒\n\n1. 3-2-201 王 鸡蛋2盒\n2. 5-1-302 李 鸡蛋1盒"
    )
    assert chat.send("g1", "u1", "取消").startswith("已取消 1 号：3-2-201 王 鸡蛋×2盒")
    late = T0.replace(hour=21)
    assert "已截单" in chat.send("g1", "u2", "取消", at=late)
    assert "待确认" in chat.send("u2", "u2", "查询")


def test_demo_campaign_seed(tmp_path: Path) -> None:
    factory = new_factory(tmp_path)
    people = [Person(f"u{i}", f"住户{i}", str(3 + i % 3), "1", f"{i + 1}01") for i in range(6)]
    community_id = seed(factory, people, ["g1", "g2"])
    with factory.begin() as s:
        ids = seed_demo_campaign(s, community_id, "g1", "g2", "w1", now=T0, tz=SHANGHAI)
    with factory() as s:
        repo = SqlCampaignRepo(s)
        veg, rice = (repo.get_campaign(i) for i in ids)
        assert veg is not None and veg.status == "open" and len(repo.list_orders(veg.id)) == 9
        assert rice is not None and rice.status == "arrived"
        statuses = {o.status for o in repo.list_orders(rice.id)}
        assert {"ready", "picked_up", "rejected"} <= statuses  # 4 bags for 6 households
        assert repo.list_slots(rice.id)
