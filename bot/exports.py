"""The three 团购 sheets: supplier (totals per product), packers (per building), pickup desk.

Built from the CampaignRepo's views with `bot.sheets` helpers, so a resident's text that
looks like a formula (=, +, -, @, tab, CR) is stored as plain text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from io import BytesIO
from pathlib import Path

from openpyxl import Workbook

from bot.sheets import write_table
from handlers import texts
from handlers.campaign.format import address, items_text, slot_text, totals
from handlers.campaign.repo import CampaignRepo, CampaignView, OrderFilter, OrderView, ProductSpec
from handlers.campaign.rules import is_vulnerable, mask_phone
from handlers.campaign.values import building_key
from handlers.statuses import SHIPPED_STATUSES

SHIPPED = OrderFilter(statuses=SHIPPED_STATUSES)
SUPPLIER_HEADERS = ("商品", "单位", "单价（元）", "数量", "金额（元）")
PACKER_HEADERS = ("楼号", "编号", "门牌", "姓名", "物品", "送货上门")
DESK_HEADERS = ("编号", "门牌", "姓名", "物品", "时段", "取货码", "电话", "状态")


def supplier_sheet(c: CampaignView, orders: Sequence[OrderView]) -> Workbook:
    """Totals per product (what to order from the supplier), with prices and amounts."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "供应商汇总"
    prices = {p.name: p for p in c.products}
    rows = []
    for (name, unit), qty in totals(orders, final=True).items():
        spec = prices.get(name) or ProductSpec(name)
        amount = None if spec.price is None else round(spec.price * qty, 2)
        rows.append((name, unit, spec.price, qty, amount))
    write_table(ws, SUPPLIER_HEADERS, rows)
    return wb


def packer_sheet(orders: Sequence[OrderView]) -> Workbook:
    """One sheet per building, orders in room order: what to pack into each bag."""
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    by_building: dict[str, list[OrderView]] = {}
    for o in orders:
        building = (o.household.building if o.household else None) or "未知"
        by_building.setdefault(building, []).append(o)
    for building in sorted(by_building, key=building_key):
        ws = wb.create_sheet(f"{building}号楼"[:31])
        write_table(
            ws,
            PACKER_HEADERS,
            [
                (
                    building,
                    o.no,
                    address(o.household),
                    _name(o),
                    items_text(o.lines, final=True),
                    "是" if "delivery" in o.flags or _vulnerable(o) else "",
                )
                for o in sorted(by_building[building], key=lambda o: address(o.household))
            ],
        )
    if not wb.sheetnames:
        write_table(wb.create_sheet("分拣"), PACKER_HEADERS, [])
    return wb


def desk_sheet(orders: Sequence[OrderView], tz: tzinfo) -> Workbook:
    """The pickup desk: per household address, items, slot, code, masked phone, status."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "取货核销"
    write_table(
        ws,
        DESK_HEADERS,
        [
            (
                o.no,
                address(o.household),
                _name(o),
                items_text(o.lines, final=True),
                slot_text(o, tz),
                o.pickup_code or "",
                mask_phone(o.household.phone if o.household else None),
                texts.ORDER_STATUS.get(o.status, o.status),
            )
            for o in sorted(orders, key=lambda o: (o.slot_start_at is None, o.slot_start_at, o.no))
        ],
    )
    return wb


def _name(o: OrderView) -> str:
    return (o.household.name if o.household else None) or ""


def _vulnerable(o: OrderView) -> bool:
    return bool(o.household and is_vulnerable(o.household.flags))


SHEETS = {"supplier": "供应商汇总", "packers": "分拣单", "desk": "取货核销"}
DOWNLOADS = {**SHEETS, "money": "收款表"}  # what the campaign page offers (收款表: bot.money_sheet)


def export(repo: CampaignRepo, campaign_id: int, kind: str, tz: tzinfo) -> Workbook | None:
    """One of the sheets by kind (supplier, packers, desk); None for an unknown campaign."""
    c = repo.get_campaign(campaign_id)
    if c is None or kind not in SHEETS:
        return None
    orders = repo.list_orders(campaign_id, SHIPPED)
    if kind == "supplier":
        return supplier_sheet(c, orders)
    return packer_sheet(orders) if kind == "packers" else desk_sheet(orders, tz)


def workbook_bytes(wb: Workbook) -> bytes:
    """The xlsx file as bytes (for a download response)."""
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def save(wb: Workbook, path: Path) -> None:
    """Write the xlsx file."""
    wb.save(path)
