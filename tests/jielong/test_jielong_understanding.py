"""What the organiser is told the reader understood, its correction, summarised doubts and
bad input, all through the real pipeline (SQLite, the route table, the campaign sync)."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import select

from handlers.jielong.doubts import seq_ranges
from models.campaign import Order
from models.chain import ChainEntry
from tests.campaign_support import Chat_, Person, new_factory, seed

HEAD = (
    "#接龙\n【第3批保供蔬菜包】每份约10斤 58元/份\n"
    "每户限3份，截单后统一配送到楼下\n例 1-1-101 张 1份\n\n"
)
OPEN = "开团 鸡蛋团购\n商品：鸡蛋 15元/盒 限2；牛奶 10元/箱\n截单：今晚8点"


def chat_on(tmp_path: Path) -> Chat_:
    factory = new_factory(tmp_path)
    seed(factory, [Person("u1", "王", "3", "2", "201")], ["g1"])
    return Chat_(factory)


def entries(chat: Chat_) -> list[ChainEntry]:
    with chat.factory() as db:
        return list(db.scalars(select(ChainEntry).order_by(ChainEntry.seq)))


def test_the_organiser_is_told_what_the_header_says(tmp_path: Path) -> None:
    chat = chat_on(tmp_path)
    reply = chat.send("g1", "u1", HEAD + "1. 3-2-201 王 2份")
    assert "已识别接龙「蔬菜包」58元/份（每份约10斤），每户限3份" in reply
    assert "更正商品" in reply
    assert chat.send("g1", "u2", HEAD + "1. 3-2-201 王 2份\n2. 5-1-302 李 1份") == ""


def test_one_correction_and_every_entry_follows(tmp_path: Path) -> None:
    chat = chat_on(tmp_path)
    lines = "\n".join(
        f"{i}. {i}-1-101 {'赵钱孙李周吴郑'[i - 1]} {i % 3 + 1}份" for i in range(1, 8)
    )
    chat.send("g1", "u1", HEAD + lines)
    assert {e.items[0]["name"] for e in entries(chat)} == {"蔬菜包"}
    assert "只有发起接龙的团长" in chat.send("g1", "u9", "更正商品 保供菜 60元/份")
    reply = chat.send("g1", "w1", "更正商品 保供菜包 60元/份")
    assert "重新核对了7条" in reply and "「保供菜包」60元/份" in reply
    assert {e.items[0]["name"] for e in entries(chat)} == {"保供菜包"}
    assert [e.items[0]["qty"] for e in entries(chat)] == [i % 3 + 1 for i in range(1, 8)]


def test_a_unit_correction_by_the_organiser(tmp_path: Path) -> None:
    chat = chat_on(tmp_path)
    chat.send("g1", "u1", "#接龙 团购大白菜，每户1份\n\n1. 3-2-201 王 2")
    assert "重新核对了1条" in chat.send("g1", "u1", "更正单位 棵")
    [entry] = entries(chat)
    assert (entry.items[0]["qty"], entry.items[0]["unit"]) == (2, "棵")


def test_doubts_are_kept_and_said_once_in_ranges(tmp_path: Path) -> None:
    chat = chat_on(tmp_path)
    lines = [f"{i}. 3-2-{100 + i} 住户 1份" for i in range(1, 394)]
    lines += [f"{i}. 3-2-{100 + i} 住户 苹果1箱" for i in range(394, 403)]
    lines += ["403. 王阿姨 2份", "404. ？？？"]
    reply = chat.send("g1", "u1", HEAD + "\n".join(lines))
    assert "第394–402条的商品不在本次清单里（共9条）" in reply
    assert "第403条没写楼号房号" in reply and "第404条没看懂" in reply
    assert reply.count("\n") < 5  # one summary, not a line per entry
    stored = entries(chat)
    assert len(stored) == 404
    assert "doubt:unknown_item" in stored[393].flags and stored[404 - 1].raw == "？？？"
    worker = [n.text for n in chat.notices("w1")]
    assert len(worker) == 1 and "第394–402条" in worker[0] and "请团长在工作台核对" in worker[0]


def test_a_campaigns_notes_on_a_long_paste_come_as_one_summary(tmp_path: Path) -> None:
    chat = chat_on(tmp_path)
    chat.send("g1", "w1", OPEN)
    head = "#接龙\n鸡蛋团购\n鸡蛋 15元/盒\n\n"
    lines = [f"{i}. 5-1-{100 + i} 住户 苹果1箱" for i in range(1, 41)]
    reply = chat.send("g1", "x1", head + "\n".join(lines))
    assert "第1–40号（40条）的商品不是本次团购的" in reply
    assert reply.count("不是本次团购") == 1 and "不在本次清单" not in reply
    with chat.factory() as db:
        assert len(list(db.scalars(select(Order)))) == 40


def test_bad_input_is_answered_within_the_budget_and_nothing_is_lost(tmp_path: Path) -> None:
    chat = chat_on(tmp_path)
    numbered = "\n".join(
        f"{i}. {i % 30 + 1}-{i % 4 + 1}-{1000 + i} 住户 1份" for i in range(1, 1001)
    )
    started = time.monotonic()
    chat.send("g1", "u1", HEAD + numbered)
    print(f"\n1,000 numbered lines answered in {time.monotonic() - started:.2f} s")
    assert len(entries(chat)) == 1000
    noisy = "\x00\x07控制字符 3-2-201 Мария 🙂 مرحبا 1份\x1b" + "长" * 20000
    started = time.monotonic()
    chat.send("g1", "u2", HEAD + numbered + "\n1001. " + noisy)
    print(f"a 20,000-character line answered in {time.monotonic() - started:.2f} s")
    last = entries(chat)[-1]
    assert last.seq == 1001 and "unreadable" in last.flags and last.raw.startswith("\x00")


def test_a_header_with_no_product_asks_the_organiser(tmp_path: Path) -> None:
    chat = chat_on(tmp_path)
    reply = chat.send(
        "g1", "u1", "#接龙\n明天统一配送，写清楼号\n例 1-1-101 张 1份\n\n1. 3-2-201 王 2份"
    )
    assert "没看出卖的是什么商品" in reply
    [entry] = entries(chat)
    assert entry.room == "201"


def test_seq_ranges() -> None:
    assert seq_ranges([402, 394, 395, 396, 397, 398, 399, 400, 401, 410, 3]) == "3、394–402、410"
