"""Fuzz every route of the web app for longer than the suite does; prints, exits 1 on any 5xx.

The same seeded generator as tests/test_fuzz.py (tests/fuzzing.py): every channel on, a share
of the requests correctly signed or encrypted, half of them from a logged-in worker.
Run: .venv/bin/python bench/fuzz.py [N] [--seed S]   (default 10,000; 100,000 take about
ten minutes on 2 cores). The app's own log is silenced; each 5xx is printed with its request.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import fuzzing

CHUNK = 5_000  # a fresh seed per chunk: the database grows, the requests stay varied


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("count", nargs="?", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)
    total = fuzzing.Outcome()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, fuzzing.fuzz_app(Path(tmp)) as app:
        for at in range(0, args.count, CHUNK):
            n = min(CHUNK, args.count - at)
            outcome = fuzzing.run(app, args.seed * 1_000_003 + at, n)
            total.statuses.update(outcome.statuses)
            total.errors.extend(outcome.errors)
            print(f"{at + n:>8} requests, {len(total.errors)} 5xx", flush=True)
    took = time.perf_counter() - started
    print(
        f"{args.count} fuzzed requests in {took:.0f} s ({args.count / took:.0f}/s), "
        f"seed {args.seed}"
    )
    print("statuses:", ", ".join(f"{k}: {v}" for k, v in sorted(total.statuses.items())))
    for code, request in total.errors[:50]:
        print(f"  {code} {request}")
    print(f"5xx: {len(total.errors)}")
    return 1 if total.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
