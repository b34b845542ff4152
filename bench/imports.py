"""Import bench (issue 17): a 快团团-shaped export of N orders read, previewed and stored, and
an oversized one (10,000 rows) refused. Prints, never asserts.

Run: .venv/bin/python bench/imports.py [orders]   (default 2,000, the import limit)
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook

from bot.config import DEFAULT_ZONE
from bot.imports import preview, run_import
from bot.xlsx_reader import read_export
from handlers.campaign.repo import CampaignDraft, ProductSpec
from models.base import make_engine, make_session_factory
from models.campaigns_repo import SqlCampaignRepo
from models.migrate import upgrade_to_head
from tests.import_samples import KTT_HEADER, order, xlsx_bytes

AT = datetime(2022, 4, 10, 1, 0, tzinfo=UTC)


def export(count: int) -> bytes:
    """`count` one-product orders, each from its own household, paid."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(list(KTT_HEADER))
    for n in range(1, count + 1):
        building, room = 1 + n // 200, 100 * (1 + n % 20) + 1 + (n // 20) % 10
        address = f"和平里{building}号楼{1 + n % 3}单元{room}室"
        ws.append(order(n, f"住户{n}", [("蔬菜套餐", "份", 2)], 76.0, address, "13800000000")[0])
    return xlsx_bytes(wb)


def timed(label: str, func: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = func()
    sys.stdout.write(f"{label:<44} {time.perf_counter() - start:7.2f} s\n")
    return result


def main(count: int) -> None:
    data = timed(f"build an export of {count} orders", lambda: export(count))
    big = timed("build an export of 10,000 orders", lambda: export(10_000))
    sys.stdout.write(f"file sizes: {len(data) // 1024} KB, {len(big) // 1024} KB\n")
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade_to_head(engine)
        factory = make_session_factory(engine)
        with factory.begin() as s:
            draft = CampaignDraft("蔬菜团", (ProductSpec("蔬菜套餐", 38.0, "份"),))
            campaign = SqlCampaignRepo(s).create_campaign(draft, "g1", "sim", "w1", AT).id
        timed("read the sheet (checks included)", lambda: read_export(data))
        shown = timed(
            "preview (read + plan, nothing stored)",
            lambda: preview(factory, campaign, data, DEFAULT_ZONE),
        )
        done = timed(
            "import (read + plan + store, one transaction)",
            lambda: run_import(factory, campaign, data, "b.xlsx", "w1", AT, DEFAULT_ZONE),
        )
        refused = timed("refuse the 10,000-row export", lambda: read_export(big))
        engine.dispose()
    sys.stdout.write(f"preview: {shown.message}\nimport: {done.message}\nrefusal: {refused}\n")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
