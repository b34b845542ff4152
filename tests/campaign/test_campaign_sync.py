"""Chain entries → orders (models.campaign_sync): limits, households and numbers within a sync.

A repost may carry several new lines, and a worker's sync may meet creations, withdrawals
and edits at once: each line must see the ones before it as if they were already stored.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from handlers.campaign.repo import CampaignDraft, OrderView, ProductSpec
from handlers.campaign.sync import sync_orders
from handlers.jielong.repo import Item, NewEntry, ParsedEntry
from models.campaign import Campaign
from models.campaigns_repo import SqlCampaignRepo
from models.chains_repo import SqlChainRepo
from tests.campaign_support import T0, Chat_, Person, new_factory, seed

OPEN = "开团 鸡蛋团购\n商品：鸡蛋 15元/盒 限2；牛奶 10元/箱\n截单：今晚8点"
HEAD = "#接龙\n鸡蛋团购\n鸡蛋 15元/盒\n\n"


def _post(lines: list[str]) -> str:
    return HEAD + "\n".join(f"{i}. {line}" for i, line in enumerate(lines, 1))


def _eggs(order: OrderView) -> list[tuple[float, float]]:
    """(kept, written) of the order's egg lines."""
    return [(ln.qty, ln.requested_qty) for ln in order.lines if ln.product == "鸡蛋"]


def _orders(chat: Chat_) -> list[OrderView]:
    with chat.factory() as s:
        repo = SqlCampaignRepo(s)
        return repo.list_orders(repo.list_campaigns()[0].id)


def test_one_repost_of_many_lines_counts_each_against_the_ones_before(tmp_path: Path) -> None:
    factory = new_factory(tmp_path)
    seed(factory, [Person("u1", "王", "3", "2", "201")], ["g1"])
    chat = Chat_(factory)
    chat.send("g1", "w1", OPEN)
    lines = [
        "6-6-606 钱 鸡蛋2盒",
        "6-6-606 钱 鸡蛋1盒 牛奶2箱",
        "6-6-606 钱 鸡蛋5盒",
        "3-2-201 王 苹果1箱",
        "新邻居 鸡蛋1盒",
    ]
    reply = chat.send("g1", "x1", _post(lines))
    assert reply.count("6-6-606 鸡蛋每户限2盒，已按0盒记录") == 2
    assert "4 号的“苹果”不是本次团购的商品" in reply
    assert "5 号没写门牌号" in reply
    orders = _orders(chat)
    assert [o.no for o in orders] == [1, 2, 3, 4, 5]
    assert [_eggs(o) for o in orders[:3]] == [[(2, 2)], [(0, 1)], [(0, 5)]]
    assert [o.flags for o in orders] == [
        (),
        ("over_limit",),
        ("over_limit",),
        ("unknown_product",),
        ("no_address",),
    ]
    first, second, third, apple, nameless = orders
    assert first.household_id == second.household_id == third.household_id is not None
    assert first.household is not None and first.household.name == "钱"
    assert apple.household is not None and apple.household.room == "201"  # the seeded one
    assert nameless.household is None


def test_a_line_without_address_orders_for_the_registered_sender(tmp_path: Path) -> None:
    factory = new_factory(tmp_path)
    seed(factory, [Person("u1", "王", "3", "2", "201")], ["g1"])
    chat = Chat_(factory)
    chat.send("g1", "w1", OPEN)
    chat.send("g1", "u1", _post(["3-2-201 王 鸡蛋1盒"]))
    reply = chat.send("g1", "u1", _post(["3-2-201 王 鸡蛋1盒", "王 鸡蛋2盒"]))
    assert "3-2-201 鸡蛋每户限2盒，已按1盒记录" in reply
    one, two = _orders(chat)
    assert two.household_id == one.household_id and two.flags == ("over_limit",)
    assert _eggs(two) == [(1, 2)]


def _entry(author: str, raw: str, room: str, qty: float, minutes: int) -> NewEntry:
    parsed = ParsedEntry(
        raw=raw,
        building="1",
        unit=None,
        room=room,
        name="甲",
        items=(Item("菜", qty, None),),
        phone=None,
        note=None,
        readable=True,
    )
    return NewEntry(author, raw, parsed, T0 + timedelta(minutes=minutes), ())


def test_a_withdrawal_frees_the_limit_for_a_later_line_in_the_same_sync(tmp_path: Path) -> None:
    factory = new_factory(tmp_path)
    seed(factory, [], ["g1"])
    draft = CampaignDraft(
        title="菜团",
        products=(ProductSpec("菜", 5.0, "份", 2.0, None),),
        cutoff_at=T0 + timedelta(hours=5),
        arrival_at=None,
        pickup_point="活动中心",
        slot_minutes=30,
        slot_capacity=20,
        allocation_rule="first_come",
    )
    with factory.begin() as s:
        chains, repo = SqlChainRepo(s), SqlCampaignRepo(s)
        chain = chains.create_chain("g1", "菜团", "菜团 第一期", True, (), "z", T0)
        chains.add_entries(chain.id, [_entry("z", "a", "101", 2, 0)])
        campaign = repo.create_campaign(draft, "g1", "sim", "w1", T0)
        loaded = s.get_one(Campaign, campaign.id)  # the session holds the campaign row
        assert [o.no for o in sync_orders(repo, campaign.id, T0).created] == [1]
        first = chains.list_entries(chain.id)[0]
        chains.withdraw([first.id], T0 + timedelta(minutes=1))
        chains.add_entries(chain.id, [_entry("z", "b", "101", 2, 2), _entry("z", "c", "101", 1, 3)])
        report = sync_orders(repo, campaign.id, T0)
        assert report.withdrawn == (1,)
        assert [(o.no, o.lines[0].qty, o.flags) for o in report.created] == [
            (2, 2, ()),
            (3, 0, ("over_limit",)),
        ]
        assert loaded.next_order_no == 4
    with factory() as s:
        statuses = [o.status for o in SqlCampaignRepo(s).list_orders(campaign.id)]
        assert statuses == ["withdrawn", "pending", "pending"]


def test_an_edit_is_followed_until_the_order_is_confirmed(tmp_path: Path) -> None:
    factory = new_factory(tmp_path)
    seed(factory, [Person("u1", "王", "3", "2", "201")], ["g1"])
    chat = Chat_(factory)
    chat.send("g1", "w1", OPEN)
    chat.send("g1", "u1", _post(["3-2-201 王 鸡蛋1盒"]))
    chat.send("g1", "u1", _post(["3-2-201 王 鸡蛋3盒 牛奶1箱"]))
    (order,) = _orders(chat)
    assert _eggs(order) == [(2, 3)] and order.flags == ("over_limit",)
    assert [ln.product for ln in order.lines] == ["鸡蛋", "牛奶"]  # the replaced line is hidden
    chat.send("g1", "w1", "确认 1")
    chat.send("g1", "u1", _post(["3-2-201 王 鸡蛋2盒"]))
    (order,) = _orders(chat)
    assert order.status == "confirmed" and _eggs(order) == [(2, 3)]
    with factory() as s:
        actions = [a.action for a in SqlCampaignRepo(s).audit_log("order")]
    assert actions[:3] == ["order.entry_changed_ignored", "order.confirmed", "order.edit"]
