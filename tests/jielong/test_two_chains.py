"""Two order chains open in one group at once (vegetables and eggs, fruit and medicine): a
sentence order joins the chain whose goods it names, and a 取消 withdraws the line it names,
read through the real pipeline as the worker's lists show them."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from models.chain import Chain, ChainEntry
from tests.campaign_support import Chat_, Person, new_factory, seed

ORANGES = "#接龙\n脐橙 10斤/箱 59元/箱\n\n1. 2栋1单元301 李 1箱"
MEDICINE = "#接龙\n退烧药团购：布洛芬 25元/盒\n\n1. 5栋2单元502 赵 布洛芬1盒"
VEG = "#接龙\n蔬菜包 30元/份\n\n1. 3栋1单元101 孙 1份"
EGGS = "#接龙\n土鸡蛋 30枚/箱 45元/箱\n\n1. 3栋1单元101 孙 1箱"


def lists(chat: Chat_) -> dict[str, list[tuple[str | None, str | None, str, str]]]:
    """Each chain's entries as (building, room, items, status), by chain title."""
    with chat.factory() as db:
        titles = {c.id: c.title for c in db.scalars(select(Chain))}
        out: dict[str, list[tuple[str | None, str | None, str, str]]] = {
            t: [] for t in titles.values()
        }
        for e in db.scalars(select(ChainEntry).order_by(ChainEntry.chain_id, ChainEntry.seq)):
            items = " ".join(f"{i['name']}{i['qty']:g}{i['unit']}" for i in e.items)
            out[titles[e.chain_id]].append((e.building, e.room, items, e.status))
        return out


def group(tmp_path: Path) -> Chat_:
    factory = new_factory(tmp_path)
    seed(factory, [Person("u1", "孙", "3", "1", "101")], ["g1"])
    return Chat_(factory)


def test_a_sentence_order_joins_the_chain_whose_goods_it_names(tmp_path: Path) -> None:
    chat = group(tmp_path)
    chat.send("g1", "u2", ORANGES)
    chat.send("g1", "u3", MEDICINE)  # opened later: the newest chain
    chat.send("g1", "u4", "我不会弄接龙，帮我报两箱橙子，9栋1201，谢谢")
    chat.send("g1", "u5", "给我也记一盒布洛芬 6栋302")
    got = lists(chat)
    assert got["脐橙 10斤/箱 59元/箱"][-1] == ("9", "1201", "脐橙2箱", "active")
    assert got["退烧药团购：布洛芬 25元/盒"][-1] == ("6", "302", "布洛芬1盒", "active")


def test_a_sentence_naming_no_goods_joins_the_newest_chain(tmp_path: Path) -> None:
    chat = group(tmp_path)
    chat.send("g1", "u2", MEDICINE)
    chat.send("g1", "u3", ORANGES)
    chat.send("g1", "u4", "帮我也报一份，8栋603")
    assert lists(chat)["脐橙 10斤/箱 59元/箱"][-1] == ("8", "603", "脐橙1份", "active")


def test_a_cancel_withdraws_the_line_it_names_in_either_chain(tmp_path: Path) -> None:
    chat = group(tmp_path)
    chat.send("g1", "u1", VEG)
    chat.send("g1", "u1", EGGS)  # the same resident is in both lists
    chat.send("g1", "u1", "我那份蔬菜包取消")
    got = lists(chat)
    assert got["蔬菜包 30元/份"] == [("3", "101", "蔬菜包1份", "withdrawn")]
    assert got["土鸡蛋 30枚/箱 45元/箱"] == [("3", "101", "土鸡蛋1箱", "active")]


def test_a_cancel_of_a_line_already_gone_leaves_the_other_chain_alone(tmp_path: Path) -> None:
    chat = group(tmp_path)
    chat.send("g1", "u1", VEG)
    chat.send("g1", "u1", EGGS)
    chat.send("g1", "u2", VEG.replace("1. 3栋1单元101 孙 1份", "1. 4栋2单元202 周 1份"))
    chat.send("g1", "u1", "#接龙\n蔬菜包 30元/份\n\n1. 4栋2单元202 周 1份")  # reposted without it
    chat.send("g1", "u1", "蔬菜包俺家不要了，俺自己删了")
    got = lists(chat)
    assert got["蔬菜包 30元/份"][0] == ("3", "101", "蔬菜包1份", "withdrawn")
    assert got["土鸡蛋 30枚/箱 45元/箱"] == [("3", "101", "土鸡蛋1箱", "active")]
