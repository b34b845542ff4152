"""The three 团购 sheets, reopened: Chinese headers, totals, per building, masked phones,
and resident text that looks like a formula stored as text."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from openpyxl import load_workbook

from bot.config import DEFAULT_ZONE
from bot.exports import (
    DESK_HEADERS,
    SUPPLIER_HEADERS,
    desk_sheet,
    packer_sheet,
    save,
    supplier_sheet,
)
from handlers.campaign.repo import CampaignView, LineView, OrderView, ProductSpec
from handlers.household.repo import Household

AT = datetime(2022, 4, 12, 7, 0, tzinfo=UTC)
CAMPAIGN = CampaignView(
    1,
    "g1",
    "sim",
    "硕诚蔬菜套餐",
    "arrived",
    (ProductSpec("蔬菜套餐", 38, "份", 2, 50),),
    None,
    AT,
    "社区活动中心",
    30,
    10,
    "first_come",
    "w1",
    AT,
)


def _order(no: int, building: str, name: str, qty: float, code: str = "") -> OrderView:
    home = Household(building, "1", f"{no}01", name, "13812345678", ())
    line = LineView(no, "蔬菜套餐", qty, "份", "蔬菜套餐", qty, None)
    return OrderView(
        no,
        1,
        no,
        "ready",
        home,
        (line,),
        "g1",
        "u",
        no,
        AT,
        slot_start_at=AT,
        slot_end_at=AT,
        pickup_code=code or None,
    )


ORDERS = [
    _order(1, "3", "王", 2, "4821"),
    _order(2, "10", '=HYPERLINK("x")', 1),
    _order(3, "3", "+86李", 2),
]


def test_supplier_totals(tmp_path: Path) -> None:
    save(supplier_sheet(CAMPAIGN, ORDERS), tmp_path / "s.xlsx")
    ws = load_workbook(tmp_path / "s.xlsx")["供应商汇总"]
    assert tuple(c.value for c in ws[1]) == SUPPLIER_HEADERS
    assert [c.value for c in ws[2]] == ["蔬菜套餐", "份", 38, 5, 190]


def test_packers_one_sheet_per_building_in_natural_order(tmp_path: Path) -> None:
    save(packer_sheet(ORDERS), tmp_path / "p.xlsx")
    wb = load_workbook(tmp_path / "p.xlsx")
    assert wb.sheetnames == ["3号楼", "10号楼"]
    assert [r[1].value for r in wb["3号楼"].iter_rows(min_row=2)] == [1, 3]


def test_desk_masks_phones_and_keeps_formulas_as_text(tmp_path: Path) -> None:
    save(desk_sheet(ORDERS, DEFAULT_ZONE), tmp_path / "d.xlsx")
    ws = load_workbook(tmp_path / "d.xlsx")["取货核销"]
    assert tuple(c.value for c in ws[1]) == DESK_HEADERS
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    assert rows[1][5].value == "4821" and rows[1][6].value == "138****5678"
    assert rows[2][2].value == '=HYPERLINK("x")' and rows[2][2].data_type == "s"
    assert rows[3][2].value == "+86李" and rows[3][2].data_type == "s"
