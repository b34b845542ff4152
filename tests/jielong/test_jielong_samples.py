"""Every sample transcript through the 接龙 handlers on an in-memory repo: orders exact.

Needs are another route's business and are not compared here. Comparison rules are the
REPLAY contract's (tests/contract.py mirrors shared/tools/score_replay.py).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from handlers.context import Context
from handlers.jielong.handler import match_chain_line, match_jielong
from handlers.jielong.routes import LINE_ROUTES, POST_ROUTES
from handlers.routes import dispatch
from handlers.types import Action, Incoming
from tests.contract import order_differences
from tests.fakes_chains import FakeChainRepo, make_context

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
NAMES = sorted(p.name.removesuffix(".expected.json") for p in SAMPLES.glob("*.expected.json"))


def messages(path: Path) -> list[Incoming]:
    """The transcript as Incoming messages (a missing ts is one second after the last)."""
    out: list[Incoming] = []
    last = datetime(2000, 1, 1, tzinfo=UTC)
    for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        item = json.loads(line)
        last = datetime.fromisoformat(item["ts"]) if "ts" in item else last + timedelta(seconds=1)
        out.append(
            Incoming(
                channel="replay",
                msg_id=f"L{n}",
                sender_id=item["sender"],
                chat_id=item["chat"],
                text=item["text"],
                received_at=last,
                sender_name=item.get("sender_name", ""),
            )
        )
    return out


def route(msg: Incoming, ctx: Context) -> list[Action]:
    """The 接龙 part of the route table, in its order."""
    return dispatch(msg, ctx, (*POST_ROUTES, *LINE_ROUTES))


def orders(repo: FakeChainRepo) -> list[dict[str, Any]]:
    """Order-list entries in the contract's shape."""
    return [
        {
            "seq": e.seq,
            "sender": e.author_id,
            "building": e.parsed.building,
            "unit": e.parsed.unit,
            "room": e.parsed.room,
            "name": e.parsed.name,
            "items": [{"name": i.name, "qty": i.qty, "unit": i.unit} for i in e.parsed.items],
            "phone": e.parsed.phone,
            "note": e.parsed.note,
            "status": e.status,
            "raw": e.parsed.raw,
        }
        for chain in repo.all_chains()
        if chain.is_order_list
        for e in repo.list_entries(chain.id)
    ]


def differences(expected: list[dict[str, Any]], got: list[dict[str, Any]]) -> list[str]:
    by_seq = {o["seq"]: o for o in got}
    out: list[str] = []
    for want in expected:
        have = by_seq.pop(want["seq"], None)
        if have is None:
            out.append(f"seq {want['seq']} missing")
        else:
            out += [
                f"seq {want['seq']} {d} ({have['raw']!r})" for d in order_differences(want, have)
            ]
    out += [f"extra seq {o['seq']}: {o['raw']!r}" for o in by_seq.values()]
    return out


@pytest.mark.skipif(not NAMES, reason="shared/samples not present")
@pytest.mark.parametrize("name", NAMES)
def test_sample_orders_exact(name: str) -> None:
    repo = FakeChainRepo()
    ctx = make_context(repo)
    for msg in messages(SAMPLES / f"{name}.jsonl"):
        route(msg, ctx)
    expected = json.loads((SAMPLES / f"{name}.expected.json").read_text(encoding="utf-8"))
    assert differences(expected["orders"], orders(repo)) == []


@pytest.mark.skipif(not NAMES, reason="shared/samples not present")
def test_chatter_and_needs_in_samples_are_left_to_other_routes() -> None:
    """A message that is neither a post nor a chain line reaches the next route."""
    repo = FakeChainRepo()
    ctx = make_context(repo)
    untouched = []
    for msg in messages(SAMPLES / "15-sentence-orders-open-chain.jsonl"):
        if match_jielong(msg, ctx) is None and match_chain_line(msg, ctx) is None:
            untouched.append(msg.text)
        route(msg, ctx)
    assert untouched == ["水饺是生的还是熟的？", "收到，都记上了"]
