"""The REPLAY contract's comparison rules, shared by the tests that check sample transcripts."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
FIELDS = ("building", "unit", "room", "name", "phone", "note", "status")


def sample_names() -> list[str]:
    """Names of the sample transcripts beside the project (empty when shared/ is absent)."""
    return sorted(p.name.removesuffix(".expected.json") for p in SAMPLES.glob("*.expected.json"))


def load_sample(name: str) -> tuple[Path, dict[str, Any]]:
    """(transcript path, expected result) of one sample."""
    expected = json.loads((SAMPLES / f"{name}.expected.json").read_text(encoding="utf-8"))
    return SAMPLES / f"{name}.jsonl", expected


def _squash(name: str | None) -> str:
    return "".join((name or "").split())


def items_match(want: Sequence[dict[str, Any]], got: Sequence[dict[str, Any]]) -> bool:
    """Same count; each wanted item pairs with an unused got item (name containment, qty, unit)."""
    if len(want) != len(got):
        return False
    free = list(got)
    for w in want:
        for g in free:
            wn, gn = _squash(w.get("name")), _squash(g.get("name"))
            if (
                (wn in gn or gn in wn)
                and float(w["qty"]) == float(g["qty"])
                and (w.get("unit") or None) == (g.get("unit") or None)
            ):
                free.remove(g)
                break
        else:
            return False
    return True


def order_differences(want: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """Field-by-field differences of one entry ([] when it is exact under the contract)."""
    diffs = [
        f"{f}: want {want.get(f)!r} got {got.get(f)!r}"
        for f in FIELDS
        if (f in want or f != "status") and (want.get(f) or None) != (got.get(f) or None)
    ]
    if not items_match(want.get("items", []), got.get("items", [])):
        diffs.append(f"items: want {want.get('items')} got {got.get('items')}")
    return diffs


def compare(expected: dict[str, Any], got: dict[str, Any]) -> Iterator[str]:
    """Every difference between a replay result and the expected one, readable in a test log."""
    by_seq = {o["seq"]: o for o in got.get("orders", [])}
    for want in expected.get("orders", []):
        if want["seq"] not in by_seq:
            yield f"seq {want['seq']} missing"
            continue
        for diff in order_differences(want, by_seq.pop(want["seq"])):
            yield f"seq {want['seq']} {diff}"
    for extra in by_seq.values():
        yield f"extra order seq {extra['seq']}: {extra.get('raw')!r}"
    want_needs = [(n["sender"], n["category"], n["urgent"]) for n in expected.get("needs", [])]
    got_needs = [(n["sender"], n["category"], n["urgent"]) for n in got.get("needs", [])]
    if want_needs != got_needs:
        yield f"needs: want {want_needs} got {got_needs}"
