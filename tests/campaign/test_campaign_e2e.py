"""The whole 团购 lifecycle through the real pipeline: two groups, 32 households.

开团 → 接龙 in two groups (with concurrent reposts) → 截单 by the scheduler's function → a
late line → confirmation (a resident is refused) → short stock allocated → 到货 with slots by
building (one building overflows a slot) → 核销, a second pickup refused → 未取, 送货名单.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from handlers.campaign.handler import close_due
from handlers.campaign.sync import sync_orders
from models.audit import AuditLog
from models.campaign import Order, PickupSlot
from models.campaigns_repo import SqlCampaignRepo
from tests.campaign_support import T0, Chat_, Person, new_factory, seed

OPEN = (
    "开团：硕诚蔬菜套餐\n"
    "商品：蔬菜套餐 38元/份 每户限2份 库存50；鸡蛋 15元/盒 限1\n"
    "截单：今晚8点\n到货：明天下午3点\n取货：社区活动中心\n时段：30分钟 每段10户"
)
G1, G2 = "g-3hao", "g-5hao"


def _people() -> list[Person]:
    g1 = [
        Person(f"u3-{i}", f"住户{i}", "3", str(1 + i % 2), f"{1 + i // 2}0{1 + i % 2}")
        for i in range(14)
    ]
    g1 += [Person(f"u7-{i}", f"七号{i}", "7", "1", f"{i + 1}01") for i in range(4)]
    g2 = [Person(f"u5-{i}", f"五号{i}", "5", "1", f"{i + 1}02") for i in range(14)]
    g1[0] = Person(g1[0].id, "张秀英", g1[0].building, g1[0].unit, g1[0].room, ("独居老人",))
    return g1 + g2


def _line(p: Person, qty: int = 2, eggs: bool = False) -> str:
    return f"{p.address} {p.name} 蔬菜套餐{qty}份" + (" 鸡蛋1盒" if eggs else "")


def _post(template: str, lines: list[str]) -> str:
    return template + "\n\n" + "\n".join(f"{i}. {ln}" for i, ln in enumerate(lines, 1))


@pytest.fixture
def world(tmp_path: Path) -> tuple[Chat_, list[Person]]:
    factory = new_factory(tmp_path)
    people = _people()
    seed(factory, people, [G1, G2])
    return Chat_(factory), people


def test_whole_lifecycle(world: tuple[Chat_, list[Person]]) -> None:
    chat, people = world
    g1 = [p for p in people if p.building in ("3", "7")]
    g2 = [p for p in people if p.building == "5"]

    # 开团 by the worker; the template goes to the group through the outbox
    reply = chat.send(G1, "w1", OPEN)
    assert "已开团" in reply and "截单：4月11日 20:00" in reply
    template = chat.notices(G1)[-1].text
    assert template.startswith("#接龙\n硕诚蔬菜套餐")

    # a resident trying a worker command is refused
    assert "是社区工作人员用的命令" in chat.send(G1, g1[1].id, "确认全部")

    # ordering in group 1: cumulative reposts, one family over the limit, two at once
    lines: list[str] = []
    for i, p in enumerate(g1[:10]):
        lines.append(_line(p, qty=3 if i == 4 else 2, eggs=i % 3 == 0))
        out = chat.send(G1, p.id, _post(template, lines))
        if i == 4:
            assert "每户限2份" in out and "已按2份记录" in out
    base = list(lines)
    a, b = g1[10], g1[11]
    chat.send(G1, a.id, _post(template, [*base, _line(a)]))
    chat.send(G1, b.id, _post(template, [*base, _line(b)]))  # lacks a's line: both stay
    lines = [*base, _line(a), _line(b)]
    for p in g1[12:]:
        lines.append(_line(p, qty=1))
        chat.send(G1, p.id, _post(template, lines))

    # the same 接龙 forwarded to group 2 starts its own list, linked to the campaign
    lines2: list[str] = []
    for p in g2:
        lines2.append(_line(p))
        chat.send(G2, p.id, _post(template, lines2))

    with chat.factory.begin() as s:
        repo = SqlCampaignRepo(s)
        campaign = repo.list_campaigns()[0]
        orders = repo.list_orders(campaign.id)
        assert len(orders) == 32 and len({o.household_id for o in orders}) == 32
        assert all(o.status == "pending" for o in orders)
        assert sorted(o.no for o in orders) == list(range(1, 33))
        assert sync_orders(repo, campaign.id, chat.now).changed is False  # idempotent

    # resident 修改 before cut-off, with the limit enforced
    out = chat.send(G2, g2[0].id, "修改 蔬菜套餐 ３份")
    assert "已修改" in out and "已按2份记录" in out
    out = chat.send(G2, g2[1].id, "修改 蔬菜套餐 1")
    assert "蔬菜套餐×1份" in out

    # 截单 by the scheduler's function at 20:00
    cutoff = T0.replace(hour=20, minute=0, second=5)
    with chat.factory.begin() as s:
        assert close_due(SqlCampaignRepo(s), cutoff) == [campaign.id]
    summary = [n for n in chat.notices(G1) if n.kind == "cutoff"]
    assert summary and "已截单，共32单" in summary[0].text
    assert any(n.kind == "cutoff" for n in chat.notices(G2))

    # a late line after the cut-off is kept as 迟到
    late = Person("u-late", "赵六", "9", "1", "101")
    out = chat.send(
        G1, late.id, _post(template, [*lines, _line(late)]), at=cutoff + timedelta(minutes=30)
    )
    assert "迟到" in out

    # confirmation: all pending, then the late one by number
    out = chat.send(G1, "w1", "确认全部")
    assert "已确认32单" in out and "迟到1单（33）" in out
    out = chat.send(G1, "w1", "确认 ３３")
    assert out.startswith("已确认 33 号：9-1-101 赵六 蔬菜套餐×2份")
    assert "未改动" in chat.send(G1, "w1", "确认 33")

    # short stock: 50 份 for more than that, first come within limits
    out = chat.send(G1, "w1", "分配")
    assert "先到先得" in out
    assert any("库存不足" in n.text for n in chat.notices(kind="order"))

    # 到货: slots by building, none over capacity; the group notice with the slot table
    out = chat.send(G1, "w1", "到货 明天下午3点")
    assert "已安排" in out
    with chat.factory() as s:
        slots = s.scalars(select(PickupSlot)).all()
        counts = dict(
            s.execute(
                select(Order.slot_id, func.count())
                .where(Order.slot_id.is_not(None))
                .group_by(Order.slot_id)
            ).all()
        )
        assert max(counts.values()) <= 10 and len(slots) >= 3
    arrival = [n for n in chat.notices(G1) if n.kind == "arrival"]
    assert arrival and arrival[0].text.startswith(
        "各位居民朋友：您预订的「硕诚蔬菜套餐」明天下午3点到货"
    )
    assert "15:00–15:30" in arrival[0].text

    # 核销 by address, a second attempt refused, then by code
    first = g1[1]
    assert "已核销" in chat.send(G1, "w1", f"取货 {first.building}号楼{first.unit}单元{first.room}")
    assert "不能重复领取" in chat.send(G1, "w1", f"取货 {first.address}")
    mine = chat.send(g1[2].id, g1[2].id, "查询")
    code = mine.split("取货码 ")[1][:4]
    assert "已核销" in chat.send(G1, "w1", f"取货 {code}")

    # the lists for the pickup table and the door deliveries
    assert "未取货" in chat.send(G1, "w1", "未取")
    delivery = chat.send(G1, "w1", "送货名单")
    assert "张秀英" in delivery and "独居老人" in delivery and "138****" in delivery

    with chat.factory() as s:
        assert (s.scalar(select(func.count()).select_from(AuditLog)) or 0) > 100
