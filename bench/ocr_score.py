"""Score OCR against text: replay each corpus chain pasted as text, as a screenshot, as paper.

For every NAME.text.jsonl in the corpus (made by bench/ocr_corpus.py) the text replay is the
expected output; NAME.chat.jsonl and NAME.paper.jsonl (one picture each) are replayed through
the same `python -m bot replay` code, in this process so the OCR model is loaded once. Orders
are paired in list order (an invented or a lost entry shifts nothing after it) and compared
field by field as ../shared/tools/score_replay.py does (item names by containment). Prints,
per kind: entries exact, entries invented (in the picture's output, not in the text's), entries
lost, how many wrong entries were flagged 待核实, and seconds per picture.

    .venv/bin/python bench/ocr_score.py [CORPUS] [-v] [--only NAME] [--diff FILE]
"""

from __future__ import annotations

import argparse
import difflib
import io
import json
import logging
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.replay import replay  # noqa: E402

FIELDS = ("building", "unit", "room", "name", "phone", "note", "status")
KINDS = ("chat", "paper")


@dataclass
class Tally:
    """Counts for one kind of picture."""

    exact: int = 0
    total: int = 0
    invented: int = 0
    lost: int = 0
    wrong_flagged: int = 0
    wrong: int = 0
    right_flagged: int = 0
    seconds: list[float] = field(default_factory=list)
    diffs: list[str] = field(default_factory=list)

    def line(self, kind: str) -> str:
        share = 100.0 * self.exact / self.total if self.total else 0.0
        per = sum(self.seconds) / len(self.seconds) if self.seconds else 0.0
        return (
            f"{kind}: {self.exact}/{self.total} entries exact ({share:.1f} %), "
            f"invented {self.invented}, lost {self.lost}, "
            f"待核实 on {self.wrong_flagged}/{self.wrong} wrong "
            f"and {self.right_flagged} right entries, "
            f"{per:.1f} s per picture ({len(self.seconds)} pictures)"
        )


def run(path: Path) -> list[dict[str, Any]]:
    out, err = io.StringIO(), io.StringIO()
    replay(path, out, err)
    return list(json.loads(out.getvalue())["orders"])


def key(order: dict[str, Any]) -> str:
    return "".join(str(order.get("raw", "")).split())


def items_equal(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> bool:
    if len(a) != len(b):
        return False
    free = list(b)
    for x in a:
        nx = "".join(str(x.get("name") or "").split())
        for y in free:
            ny = "".join(str(y.get("name") or "").split())
            same_qty = float(x.get("qty") or 0) == float(y.get("qty") or 0)
            if (
                (nx in ny or ny in nx)
                and same_qty
                and (x.get("unit") or None) == (y.get("unit") or None)
            ):
                free.remove(y)
                break
        else:
            return False
    return True


def equal(exp: dict[str, Any], got: dict[str, Any]) -> bool:
    same = all((exp.get(f) or None) == (got.get(f) or None) for f in FIELDS)
    return same and items_equal(exp.get("items", []), got.get("items", []))


def compare(
    name: str, kind: str, expected: list[dict[str, Any]], got: list[dict[str, Any]], t: Tally
) -> None:
    t.total += len(expected)
    matcher = difflib.SequenceMatcher(
        None, [key(o) for o in expected], [key(o) for o in got], autojunk=False
    )
    for _, a0, a1, b0, b1 in matcher.get_opcodes():
        pairs = list(zip(expected[a0:a1], got[b0:b1], strict=False))
        t.lost += max(0, (a1 - a0) - (b1 - b0))
        t.invented += max(0, (b1 - b0) - (a1 - a0))
        for extra in got[b0 + len(pairs) : b1]:
            t.diffs.append(f"{name} {kind} INVENTED: {extra.get('raw')!r}")
        for exp, ocr in pairs:
            flagged = "unreadable" in ocr.get("flags", [])
            if equal(exp, ocr):
                t.exact += 1
                t.right_flagged += flagged
            else:
                t.wrong += 1
                t.wrong_flagged += flagged
                t.diffs.append(f"{name} {kind}: {exp.get('raw')!r} -> {ocr.get('raw')!r}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=ROOT / "var" / "ocr-corpus")
    parser.add_argument("-v", action="store_true", help="print every differing entry")
    parser.add_argument("--only", default="")
    parser.add_argument("--diff", type=Path, help="write the differing entries to this file")
    parser.add_argument("--kind", choices=KINDS, help="only screenshots or only paper")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    tallies = {kind: Tally() for kind in KINDS}
    for text_path in sorted(args.corpus.glob("*.text.jsonl")):
        name = text_path.name.removesuffix(".text.jsonl")
        if args.only and args.only not in name:
            continue
        expected = run(text_path)
        for kind in [args.kind] if args.kind else KINDS:
            path = text_path.with_name(f"{name}.{kind}.jsonl")
            if path.exists():
                t = tallies[kind]
                before = (t.exact, t.total, t.lost, t.invented)
                started = time.monotonic()
                got = run(path)
                t.seconds.append(time.monotonic() - started)
                compare(name, kind, expected, got, t)
                exact, total, lost, invented = (
                    a - b
                    for a, b in zip((t.exact, t.total, t.lost, t.invented), before, strict=True)
                )
                print(
                    f"  {name} {kind}: {exact}/{total} exact, lost {lost}, invented {invented}",
                    file=sys.stderr,
                    flush=True,
                )
    diffs = [d for t in tallies.values() for d in t.diffs]
    if args.v:
        print("\n".join(diffs))
    if args.diff:
        args.diff.write_text("\n".join(diffs) + "\n", encoding="utf-8")
    for kind, tally in tallies.items():
        print(tally.line(kind))
    return 0


if __name__ == "__main__":
    sys.exit(main())
