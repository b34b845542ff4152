"""Order exports shaped like 快团团's, built with openpyxl for the import tests (issue 17).

The layout follows 快团团's published order export: one row per product, the order's own
cells (跟团号, 下单人, 支付时间, 订单金额, 收货人, 联系电话, 详细地址 …) merged down over its
product rows, 订单状态 in words, phone numbers as text, amounts as numbers with two decimals.
`python tests/import_samples.py OUT.xlsx` writes the realistic sample for a manual try.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import Workbook

KTT_HEADER = (
    "跟团号",
    "下单人",
    "团员备注",
    "支付时间",
    "团长备注",
    "商品",
    "规格",
    "数量",
    "订单金额",
    "退款金额",
    "订单状态",
    "自提点",
    "收货人",
    "联系电话",
    "详细地址",
)
ORDER_COLUMNS = (1, 2, 3, 4, 5, 9, 10, 11, 12, 13, 14, 15)  # merged down over product rows
POINT = "和平里社区活动中心"


def order(
    no: int,
    buyer: str,
    items: Sequence[tuple[str, str, int]],
    amount: float,
    address: str,
    phone: str = "",
    status: str = "已支付",
    note: str = "",
    name: str = "",
    refund: float = 0.0,
) -> list[list[Any]]:
    """The rows of one 快团团 order (one per product)."""
    rows = []
    for product, spec, qty in items:
        rows.append(
            [
                no,
                buyer,
                note,
                f"2022-04-10 09:{no:02d}:17",
                "",
                product,
                spec,
                qty,
                amount,
                refund,
                status,
                POINT,
                name or buyer,
                phone,
                address,
            ]
        )
    return rows


VEG, CHICKEN = "硕诚蔬菜套餐", "农家土鸡（整只）"
REALISTIC: tuple[list[list[Any]], ...] = (
    order(
        1,
        "张秀英",
        [(VEG, "约8斤/份", 2)],
        76.0,
        "北京市东城区和平里街道和平里小区3号楼2单元201室",
        "13800130201",
    ),
    order(
        2, "李建国", [(VEG, "约8斤/份", 2)], 76.0, "和平里3-2-502", "13800130502", note="放门口就行"
    ),
    order(
        3,
        "王丽",
        [(VEG, "约8斤/份", 1), ("鸡蛋", "10枚/盒", 2)],
        68.0,
        "和平里小区3号楼1单元301",
        "13800130301",
    ),
    order(
        4, "刘洋🌸", [(VEG, "约8斤/份", 1)], 38.0, "5-1-1102", "+86 139-0015-1102", status="待核销"
    ),
    order(
        5,
        "陈静",
        [(VEG, "约8斤/份", 2)],
        76.0,
        "北京市东城区 和平里 5号楼3单元602室",
        "13900153602",
    ),
    order(6, "赵德明", [(VEG, "约8斤/份", 1)], 38.0, "7栋2单元401", "13700172401", status="已取消"),
    order(7, "周阿姨", [(VEG, "约8斤/份", 1)], 38.0, "小区东门自提", "13600000007"),
    order(8, "吴", [(CHICKEN, "约2斤", 1)], 45.0, "8-1-101", "13600000008"),
    order(9, "郑小红", [(VEG, "约8斤/份", 1)], 38.0, "9号楼1单元1201", "13600001201"),
    order(10, "李建国家属", [("鸡蛋", "10枚/盒", 1)], 15.0, "和平里3号楼2单元502", "13800130503"),
    order(
        11, "孙", [(VEG, "约8斤/份", 2), ("鸡蛋", "10枚/盒", 1)], 91.0, "11#2-1101", "13600001101"
    ),
)


def workbook(
    orders: Sequence[list[list[Any]]] = REALISTIC,
    *,
    merge: bool = True,
    header: Sequence[str] = KTT_HEADER,
    title: str = "订单数据",
) -> Workbook:
    """A 快团团-shaped export; with `merge`, an order's own cells are merged over its rows."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    ws.append(list(header))
    for rows in orders:
        start = ws.max_row + 1
        for i, row in enumerate(rows):
            ws.append(row if i == 0 or not merge else _blank_order_cells(row))
        if merge and len(rows) > 1:
            for col in ORDER_COLUMNS:
                ws.merge_cells(
                    start_row=start, start_column=col, end_row=start + len(rows) - 1, end_column=col
                )
    for row in ws.iter_rows(min_row=2, min_col=14, max_col=14):
        for c in row:
            c.number_format = "@"  # phone numbers kept as text, as the export does
    for row in ws.iter_rows(min_row=2, min_col=9, max_col=10):
        for c in row:
            c.number_format = "0.00"
    return wb


def _blank_order_cells(row: list[Any]) -> list[Any]:
    return [None if i + 1 in ORDER_COLUMNS else v for i, v in enumerate(row)]


def xlsx_bytes(wb: Workbook) -> bytes:
    """The workbook as an upload would carry it."""
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def realistic_rows() -> int:
    """Data rows in the realistic sample."""
    return sum(len(rows) for rows in REALISTIC)


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "kuaituantuan-sample.xlsx")
    workbook().save(target)
    sys.stdout.write(f"{target}: {realistic_rows()} rows\n")
