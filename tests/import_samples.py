"""Order exports shaped like 快团团's and 群接龙's, built with openpyxl for the import tests
(issue 17).

The 快团团 layout follows its published order export: one row per product, the order's own
cells (跟团号, 下单人, 支付时间, 订单金额, 收货人, 联系电话, 详细地址 …) merged down over its
product rows, 订单状态 in words, phone numbers as text, amounts as numbers with two decimals.
The 群接龙 layout follows its 接龙明细 export: a title row and an export-time row above the
header, one row per product with the 接龙号 repeated (not merged), the participant's 昵称, the
团长's own 填写项 (门牌号, 手机号), 单价 and 金额 per row, 支付状态, and 接龙时间.
`python tests/import_samples.py OUT.xlsx [--jielong]` writes a realistic sample for a manual try.
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


JIELONG_HEADER = (
    "接龙号",
    "昵称",
    "门牌号",
    "手机号",
    "商品",
    "规格",
    "数量",
    "单价",
    "金额",
    "备注",
    "支付状态",
    "接龙时间",
)
JIELONG_TITLE = "硕诚蔬菜套餐 接龙明细"
EGGS = ("鸡蛋", "10枚/盒", 15.0)
VEG_J = (VEG, "约8斤/份", 38.0)
Product = tuple[str, str, float]


def jielong_order(
    no: int,
    nickname: str,
    room: str,
    items: Sequence[tuple[Product, int]],
    status: str = "已支付",
    note: str = "",
    phone: str = "",
) -> list[list[Any]]:
    """The rows of one 群接龙 participant (one per product, the 接龙号 on each)."""
    at = f"2022-04-10 09:{no:02d}:41"
    return [
        [no, nickname, room, phone, name, spec, qty, price, price * qty, note, status, at]
        for (name, spec, price), qty in items
    ]


JIELONG_REALISTIC: tuple[list[list[Any]], ...] = (
    jielong_order(1, "张秀英", "3栋2单元201", [(VEG_J, 2)], phone="13800130201"),
    jielong_order(2, "建国🌿", "3-2-502", [(VEG_J, 2), (EGGS, 1)], note="放门口就行"),
    jielong_order(3, "丽丽", "3号楼1单元301", [(VEG_J, 1)], status="未支付"),
    jielong_order(4, "刘洋", "", [(VEG_J, 1)], note="5-1-1102 放门卫"),  # 门牌 left empty
    jielong_order(5, "陈静", "5号楼3单元602室", [(VEG_J, 2)], phone="13900153602"),
    jielong_order(6, "赵德明", "7-2-401", [(VEG_J, 1)], status="已退款"),
    jielong_order(7, "Amy", "9-1-1201", [(("农家土鸡", "约2斤", 45.0), 1)]),
    jielong_order(8, "孙", "11#2-1101", [(EGGS, 2)], phone="13600001101"),
)


def jielong_workbook(orders: Sequence[list[list[Any]]] = JIELONG_REALISTIC) -> Workbook:
    """A 群接龙-shaped 接龙明细 export: title and export-time rows, then the header and rows."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "接龙明细"
    ws.append([JIELONG_TITLE])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(JIELONG_HEADER))
    count = len(orders)
    ws.append([f"导出时间：2022-04-10 20:05　共 {count} 人接龙"])
    ws.append(list(JIELONG_HEADER))
    for rows in orders:
        for row in rows:
            ws.append(row)
    for row in ws.iter_rows(min_row=4, min_col=4, max_col=4):
        for c in row:
            c.number_format = "@"
    return wb


def jielong_rows() -> int:
    """Data rows in the realistic 群接龙 sample."""
    return sum(len(rows) for rows in JIELONG_REALISTIC)


if __name__ == "__main__":
    jielong = "--jielong" in sys.argv
    names = [a for a in sys.argv[1:] if a != "--jielong"]
    default = "qunjielong-sample.xlsx" if jielong else "kuaituantuan-sample.xlsx"
    target = Path(names[0] if names else default)
    (jielong_workbook() if jielong else workbook()).save(target)
    count = jielong_rows() if jielong else realistic_rows()
    sys.stdout.write(f"{target}: {count} rows\n")
