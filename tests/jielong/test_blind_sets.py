"""Transcripts written blind to the reader (December 2026), through the real pipeline.

Seven authors wrote these from shared/REPLAY.md and shared/cases-2026-12 only, never reading the
code nor running it (tests/data/blind_2026_12/<author>/README.md lists each case). Each batch
was scored once at first sight before any tuning on it; those figures are in the module below
and in the issue's closing note. A/B/C/D were then tuned on (tune and holdout both), E and F
on their tune part; E's and F's holdout parts were first read when this test ran. G was scored
at first sight, then only general causes it showed (re-asks in other words, offers, notices)
were fixed. H1 (regions and devices not seen before: 东北 门洞, 港澳 traditional characters and
dollar prices, voice input, spaced-out typing) was scored at first sight in the same way, then
only general causes were fixed (tests/jielong/test_regional_forms.py). H2 (needs only, written
blind by another author) was likewise scored at first sight, then only general causes it showed
were fixed (offers 谁家要的自己来拿, workers' notices and replies, public reports, dialect and
English phrasings, re-asks). H3 (orders from settings not in A–H2) was first read after H1's
fixes and not tuned on. H4 (ten regions not seen before, one 61-entry chain) was scored at first
sight; only general causes it showed were then fixed (tests/jielong/test_regional_forms.py).
H5 (needs in situations not covered before: cold waves, power cuts,
typhoons, a death at home; relatives and 楼长 writing for others, a child typing alone) was
scored at first sight, then only general causes it showed were fixed (tests/needs/).
H6 (whole evenings: four group chats of 120 messages, two order chains
open at once in each) was scored at first sight, then only general causes were fixed (a sentence
order joins the chain whose goods it names; a 取消 the line it names; an estate before the
campaign in a title is not the product: tests/jielong/test_two_chains.py, test_campaign_titles.py).
H7 (lists from other apps and devices: a 快团团 export numbered by 跟团号, WPS rows pasted with
tabs, voice input, 〇 for zero, Dalian, Hong Kong-style and urban-village addresses) was scored at
first sight, then only general causes it showed were fixed (tests/jielong/test_app_exports.py).
H8 (whole evenings of 60–72 messages in six cities, Cantonese, Sichuan and Henan speech, with
workers' replies, notices, offers and progress reports among the needs) was scored at first sight,
then only general causes it showed were fixed (tests/needs/).

Floors, counted as the issue counts them (an invented entry is an error, a lost one fails):
orders ≥ 97 % exact in every REPLAY field, needs category ≥ 90 %, urgent recall ≥ 95 %.
Run with `-s` for every difference.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.pipeline import process
from bot.replay import BadLine, collect, fresh_database, read_transcript
from tests.contract import order_differences

DATA = Path(__file__).resolve().parents[1] / "data" / "blind_2026_12"
ORDER_FLOOR, CATEGORY_FLOOR, URGENT_FLOOR = 0.97, 0.90, 0.95
# Scored at first sight, before any tuning on the batch: (orders exact, needs category, urgent).
FIRST_SIGHT = {
    "A/tune": "orders 232/264",
    "A/holdout": "orders 126/134",
    "B/tune": "orders 63/64, needs 59/71, urgent 18/23",
    "B/holdout": "orders 33/33, needs 27/35, urgent 14/15",
    "C/tune": "orders 221/221, needs 23/24",
    "C/holdout": "orders 127/127, needs 11/12",
    "D/tune": "needs 81/96, urgent 32/34",
    "D/holdout": "needs 41/51, urgent 12/19",
    "E/tune": "orders 169/179, needs 25/29",
    "E/holdout": "orders 213/216, needs 16/17",
    "F/tune": "needs 68/73, urgent 33/37",
    "F/holdout": "needs 33/38, urgent 17/19",
    "G": "orders 44/44, needs 81/92, urgent 37/40, 14 needs invented",
    "H1": "orders 74/101 (14 lost: two chains headed 接龍), needs 24/25, urgent 13/13",
    "H2": "needs 65/76, urgent 32/37, 20 needs invented",
    "H3": "orders 81/81 (78/81 before H1's fixes), needs 20/20 (a label 物資 read as 物资)",
    "H4": "orders 44/124 (35.5 %: the Guiyang header read its product as 番茄等) from a bracketed "
    "list of contents, so its 61 entries had the wrong item; also 500g×4袋 packs, 5动/3丹元 typos, "
    "3排5号 village rows), needs 21/25, urgent 11/12",
    "H5": "needs 66/90, urgent 26/33, 11 needs invented, orders 5/5",
    "H6": "orders 153/250 (3 sentence orders lost with two chains open, shifting the seqs after "
    "them; a 27-entry chain took the estate 天悦府 as its product), needs 44/50, urgent 19/21, "
    "9 needs invented",
    "H7": "orders 93/146 (17 lost: a 快团团 export and a WPS table pasted with tabs were not read "
    "as entries), needs 15/17, urgent 8/10",
    "H8": "needs 51/76, urgent 26/39, 32 needs invented (workers' replies and reports, notices, "
    "offers, chatter questions); orders 21/25, 3 invented (needs and reports read as sentence "
    "orders)",
}


def cases(part: str) -> list[Path]:
    return sorted((DATA / part).glob("*.json"))


def transcript(case: dict[str, Any]) -> str:
    chat = case.get("chat", f"g-{case['id']}")
    return "".join(
        json.dumps(
            {"chat": m.get("chat", chat), "sender": m["sender"], "text": m["text"], "ts": m["ts"]},
            ensure_ascii=False,
        )
        + "\n"
        for m in case["messages"]
    )


def replay(case: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    factory = fresh_database()
    for item in read_transcript(transcript(case)):
        assert not isinstance(item, BadLine), item
        process(factory, item)
    with factory() as session:
        return collect(session)


@dataclass
class Score:
    """Counts of one part and every difference."""

    entries: int = 0
    exact: int = 0
    lost: int = 0
    extra: int = 0
    needs: int = 0
    category: int = 0
    urgent: int = 0
    urgent_found: int = 0
    lines: list[str] = field(default_factory=list)

    def add(self, name: str, expected: list[dict[str, Any]], got: dict[str, Any]) -> None:
        self._orders(name, [e for e in expected if e["kind"] == "order"], got["orders"])
        self._needs(name, [e for e in expected if e["kind"] == "need"], got["needs"])

    def _orders(self, name: str, want: list[dict[str, Any]], got: list[dict[str, Any]]) -> None:
        """Entries are matched by seq within their chain where the labels name chains: a chat's
        chains pair up in the order they were opened (two chains in a chat both count from 1)."""
        by_chain = all("chain" in w for w in want)
        ours, theirs = chain_numbers(got, by_chain), chain_numbers(want, by_chain)
        by_seq = {(ours(o), o["seq"]): o for o in got}
        for w in want:
            self.entries += 1
            have = by_seq.pop((theirs(w), w["seq"]), None)
            if have is None:
                self.lost += 1
                self.lines.append(f"{name} seq {w['seq']} LOST")
                continue
            diffs = order_differences(w, have)
            self.exact += not diffs
            self.lines += [f"{name} seq {w['seq']} {d}  raw={have['raw']!r}" for d in diffs]
        self.extra += len(by_seq)
        self.lines += [f"{name} extra order: {o['raw']!r}" for o in by_seq.values()]

    def _needs(self, name: str, want: list[dict[str, Any]], got: list[dict[str, Any]]) -> None:
        left: dict[str, list[dict[str, Any]]] = {}
        for n in got:
            left.setdefault(n["sender"], []).append(n)
        for w in want:
            self.needs += 1
            mine = left.get(w["sender"], [])
            have = mine.pop(0) if mine else None
            self.urgent += bool(w["urgent"])
            self.urgent_found += bool(w["urgent"] and have and have["urgent"])
            if have is not None and have["category"] == w["category"]:
                self.category += 1
            else:
                self.lines.append(
                    f"{name} need {w['text'][:30]!r}: want {w['category']} got "
                    f"{have and have['category']}"
                )
        self.lines += [f"{name} extra need: {n['text'][:30]!r}" for v in left.values() for n in v]

    def merge(self, other: Score) -> None:
        for name in ("entries", "exact", "lost", "extra", "needs", "category", "urgent"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.urgent_found += other.urgent_found

    @property
    def order_rate(self) -> float:
        return self.exact / max(1, self.entries + self.extra)

    def summary(self, label: str) -> str:
        return (
            f"{label}: orders {self.exact}/{self.entries} exact ({self.order_rate:.1%}), "
            f"{self.lost} lost, {self.extra} invented; needs {self.category}/{self.needs}, "
            f"urgent {self.urgent_found}/{self.urgent}"
        )


def chain_numbers(orders: list[dict[str, Any]], by_chain: bool) -> Callable[[dict[str, Any]], int]:
    """An order's chain as its position among the list's chains, by first appearance (0 for
    every order when the labels do not name chains)."""
    numbers: dict[str, int] = {}
    for order in orders:
        numbers.setdefault(order.get("chain", ""), len(numbers))
    return lambda order: numbers[order.get("chain", "")] if by_chain else 0


def score(part: str) -> Score:
    s = Score()
    for path in cases(part):
        case = json.loads(path.read_text(encoding="utf-8"))
        s.add(path.stem, case["expected"], replay(case))
    return s


def parts() -> Iterator[str]:
    for author in sorted(p.name for p in DATA.iterdir() if p.is_dir()):
        subparts = [f"{author}/{p}" for p in ("tune", "holdout") if (DATA / author / p).is_dir()]
        yield from subparts or [author]


@pytest.mark.skipif(not DATA.is_dir(), reason="blind transcripts not present")
def test_text_written_blind_reads_above_the_floors() -> None:
    total = Score()
    for part in parts():
        s = score(part)
        first = FIRST_SIGHT.get(part, "first scored by this test")
        print(f"{s.summary(part)}   [first sight: {first}]")
        for line in s.lines:
            print("    " + line)
        total.merge(s)
    print(total.summary("all blind sets"))
    assert total.lost == 0, total.summary("all")
    assert total.order_rate >= ORDER_FLOOR, total.summary("all")
    assert total.category >= CATEGORY_FLOOR * total.needs, total.summary("all")
    assert total.urgent_found >= URGENT_FLOOR * total.urgent, total.summary("all")


def test_the_score_counts_misses() -> None:
    """A wrong field, an invented order, a lost one and a wrong category all lower the score."""
    want = {
        "kind": "order",
        "seq": 1,
        "building": "3",
        "unit": None,
        "room": "101",
        "name": "张",
        "items": [{"name": "米", "qty": 1, "unit": "袋"}],
        "phone": None,
        "note": None,
        "status": "active",
    }
    got = {k: v for k, v in want.items() if k != "kind"} | {"raw": "3-101 张 1袋"}
    s = Score()
    s.add(
        "t",
        [
            want,
            {**want, "seq": 2},
            {"kind": "need", "sender": "a", "text": "x", "category": "物资", "urgent": True},
        ],
        {
            "orders": [{**got, "room": "102"}, {**got, "seq": 3}],
            "needs": [{"sender": "a", "category": "咨询", "urgent": False}],
        },
    )
    assert (s.exact, s.lost, s.extra, s.category, s.urgent_found) == (0, 1, 1, 0, 0)
