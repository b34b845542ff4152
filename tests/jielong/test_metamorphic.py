"""Metamorphic test: labelled transcripts rewritten on the surface must read the same.

Every labelled case (shared/samples, shared/cases-2026-12, tests/data/jielong_heldout,
tests/data/blind_2026_12) is replayed through the real pipeline after one rewrite of
tests/jielong/metamorphic.py — a numbering style, CR LF, invisible characters, a closing emoji,
full-width digits or punctuation, voice-input commas, a need's closing 🙏 or spacing — that by
shared/REPLAY.md changes no compared field, and is scored against the ORIGINAL labels with the
blind-set test's floors. No new labels: a miss is a reading fault on text never seen before.
Only the cases a rewrite changes are replayed (the others are the blind-set and sample tests'
business), a deterministic share of them unless METAMORPHIC_ALL=1. Run with `-s` for every
difference.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.pipeline import process
from bot.replay import BadLine, collect, fresh_database, read_transcript
from models.base import make_engine, make_session_factory
from tests.jielong import metamorphic as mm
from tests.jielong.test_blind_sets import Score

TESTS = Path(__file__).resolve().parents[1]
SHARED = TESTS.parents[1] / "shared"
PAIRED = (SHARED / "samples", TESTS / "data" / "jielong_heldout")  # NAME.jsonl + .expected.json
SINGLE = (SHARED / "cases-2026-12", TESTS / "data" / "blind_2026_12")  # NAME.json
# Each variant replays every STRIDE-th case it changes (offset by the variant, so together
# they cover every case): the whole run in under a minute. METAMORPHIC_ALL=1 replays them all.
STRIDE = 5


@dataclass(frozen=True, slots=True)
class Case:
    """A labelled transcript: its messages (dicts in the transcript's form) and labels."""

    name: str
    messages: tuple[dict[str, Any], ...]
    expected: tuple[dict[str, Any], ...]  # orders and needs, each with "kind"


def _paired(folder: Path) -> Iterator[Case]:
    for exp in sorted(folder.glob("*.expected.json")):
        name = exp.name.removesuffix(".expected.json")
        lines = (folder / f"{name}.jsonl").read_text(encoding="utf-8-sig").splitlines()
        labels = json.loads(exp.read_text(encoding="utf-8"))
        expected = [{**o, "kind": "order"} for o in labels["orders"]]
        expected += [{"text": "", **n, "kind": "need"} for n in labels["needs"]]
        messages = tuple(json.loads(ln) for ln in lines if ln.strip())
        yield Case(f"{folder.name}/{name}", messages, tuple(expected))


def _single(folder: Path) -> Iterator[Case]:
    for path in sorted(folder.rglob("*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        chat = case.get("chat", f"g-{case.get('id', path.stem)}")
        messages = tuple(
            {"chat": m.get("chat", chat), "sender": m["sender"], "text": m["text"], "ts": m["ts"]}
            for m in case["messages"]
        )
        yield Case(f"{folder.name}/{path.relative_to(folder)}", messages, tuple(case["expected"]))


@cache
def all_cases() -> tuple[Case, ...]:
    found = [c for f in PAIRED if f.is_dir() for c in _paired(f)]
    found += [c for f in SINGLE if f.is_dir() for c in _single(f)]
    return tuple(c for c in found if all("text" in m for m in c.messages))


# Replay on a copy of one migrated database: migrating costs ~0.3 s a case, replaying ~ms.


@cache
def _template() -> sqlite3.Connection:
    engine = fresh_database().kw["bind"]
    raw = engine.raw_connection()
    copy = sqlite3.connect(":memory:", check_same_thread=False)
    raw.driver_connection.backup(copy)
    raw.close()
    return copy


def _database() -> sessionmaker[Session]:
    engine = make_engine("sqlite://")
    with engine.connect() as conn:
        _template().backup(conn.connection.driver_connection)  # type: ignore[arg-type]
    return make_session_factory(engine)


def replay(messages: tuple[dict[str, Any], ...]) -> dict[str, list[dict[str, Any]]]:
    factory = _database()
    text = "".join(json.dumps(m, ensure_ascii=False) + "\n" for m in messages)
    for item in read_transcript(text):
        assert not isinstance(item, BadLine), item
        process(factory, item)
    with factory() as session:
        return collect(session)


# What a rewrite may touch, from the labels.


def scope_of(case: Case) -> mm.Scope:
    orders = [e for e in case.expected if e["kind"] == "order"]
    return mm.Scope(
        entries=mm.entry_bodies(m["text"] for m in case.messages),
        names=frozenset(o["name"] for o in orders if o.get("name")),
        notes=frozenset(o["note"] for o in orders if o.get("note")),
        items=frozenset(i["name"] for o in orders for i in o.get("items", []) if i.get("name")),
    )


def _is_need(message: dict[str, Any], needs: list[dict[str, Any]]) -> bool:
    """A need's own message: its sender's, holding the label's text (or, where labels carry no
    text, any message of a need's sender that is not a 接龙 post, which thanks may be too)."""
    text = message["text"]
    for need in needs:
        if need["sender"] != message["sender"]:
            continue
        want = "".join((need.get("text") or "").split())
        if want and want[:12] in "".join(text.split()):
            return True
        if not want and "接龙" not in text and "\n1" not in text:
            return True
    return False


@dataclass(frozen=True, slots=True)
class Variant:
    name: str
    rewrite: mm.Rewrite
    needs: bool = False  # applied to need messages only (else to every message)


VARIANTS = (
    *(Variant(f"numbering {s}", mm.renumber(s)) for s in mm.NUMBERINGS),
    Variant("CR LF + trailing space", mm.crlf_trailing_space),
    Variant("zero-width space", mm.invisible("\u200b")),
    Variant("BOM", mm.invisible("\ufeff")),
    Variant("no-break space", mm.no_break_spaces),
    Variant("emoji 🙏 appended", mm.append_emoji("🙏")),
    Variant("sticker [抱拳] appended", mm.append_emoji("[抱拳]")),
    Variant("emoji ' 👍' appended", mm.append_emoji(" 👍")),
    Variant("full-width digits", mm.fullwidth_digits),
    Variant("full-width punctuation", mm.fullwidth_punctuation),
    Variant("voice-input commas", mm.voice_commas),
    Variant("need + 🙏", mm.need_ends_with("🙏"), needs=True),
    Variant("need + [抱拳]", mm.need_ends_with("[抱拳]"), needs=True),
    Variant("need punctuation unspaced", mm.need_punctuation_unspaced, needs=True),
    Variant("need punctuation spaced", mm.need_punctuation_spaced, needs=True),
)


def rewritten(case: Case, variant: Variant) -> tuple[dict[str, Any], ...]:
    scope = scope_of(case)
    needs = [e for e in case.expected if e["kind"] == "need"]
    return tuple(
        {**m, "text": variant.rewrite(m["text"], scope)}
        if not variant.needs or _is_need(m, needs)
        else m
        for m in case.messages
    )


def sample(variant: Variant) -> list[tuple[Case, tuple[dict[str, Any], ...]]]:
    """The cases the rewrite changes, with their rewritten messages: every STRIDE-th of them,
    a different share for each variant (all of them with METAMORPHIC_ALL=1)."""
    stride = 1 if os.environ.get("METAMORPHIC_ALL") else STRIDE
    offset = VARIANTS.index(variant)
    picked = []
    for i, case in enumerate(all_cases()):
        if (i + offset) % stride == 0:
            messages = rewritten(case, variant)
            if messages != case.messages:
                picked.append((case, messages))
    return picked


@pytest.mark.skipif(not all_cases(), reason="no labelled transcripts present")
@pytest.mark.parametrize("variant", VARIANTS, ids=[v.name for v in VARIANTS])
def test_surface_rewrites_read_the_same(variant: Variant) -> None:
    """The rewritten cases read at least as well as the same cases unrewritten: no entry or
    need the original reads is lost or misread, nothing is invented."""
    s, before, picked = Score(), Score(), sample(variant)
    for case, messages in picked:
        s.add(case.name, list(case.expected), replay(messages))
        before.add(case.name, list(case.expected), original(case))
    print(f"\n{s.summary(variant.name)} ({len(picked)} rewritten cases replayed)")
    print(f"{before.summary('unrewritten')}")
    for line in sorted(set(s.lines) - set(before.lines)):
        print("    " + line)
    assert (s.lost, s.extra) <= (before.lost, before.extra), s.summary(variant.name)
    assert s.exact >= before.exact, s.summary(variant.name)
    assert s.category >= before.category, s.summary(variant.name)
    assert s.urgent_found >= before.urgent_found, s.summary(variant.name)


@cache
def _original(name: str) -> dict[str, list[dict[str, Any]]]:
    case = next(c for c in all_cases() if c.name == name)
    return replay(case.messages)


def original(case: Case) -> dict[str, list[dict[str, Any]]]:
    """The unrewritten case as read, once per run (several rewrites share it)."""
    return _original(case.name)
