"""The columns of a 快团团 / 群接龙 order export, by the names those tools give them (issue 17).

快团团's order export has 跟团号, 下单人, 团员备注, 支付时间, 团长备注, 商品, 规格, 数量,
订单金额, 退款金额, 订单状态, 自提点, 收货人, 联系电话, 详细地址 (some versions add 省/市/区
or a community's own 楼号/房号 fields); 群接龙's has 接龙号 and much the same. Names are
matched after NFKC, without spaces and without a bracketed unit (数量（份）, 金额(元)).
Pure; never raises.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

FIELDS: Mapping[str, tuple[str, ...]] = {
    "key": ("跟团号", "接龙号", "接龙序号", "订单编号", "订单号"),
    "buyer": ("下单人", "微信昵称", "昵称", "团员"),
    "name": ("收货人", "收件人", "提货人", "联系人", "姓名"),
    "phone": ("联系电话", "手机号码", "手机号", "手机", "电话", "收货人电话", "联系方式"),
    "address": ("详细地址", "收货地址", "地址", "门牌号", "门牌", "楼号房号", "住址"),
    "building": ("楼号", "楼栋", "栋号"),
    "unit": ("单元", "单元号"),
    "room": ("房号", "房间号", "室号"),
    "item": ("商品", "商品名称", "商品名", "品名", "物品"),
    "spec": ("规格", "商品规格"),
    "qty": ("数量", "商品数量", "购买数量", "件数", "份数"),
    "order_amount": ("订单金额", "实付金额", "实收金额", "支付金额", "应付金额", "付款金额"),
    "line_amount": ("金额", "商品金额", "小计"),
    "refund": ("退款金额", "订单退款", "已退款金额", "退款"),
    "note": ("团员备注", "备注", "买家备注", "留言"),
    "status": ("订单状态", "支付状态", "状态"),
}
_BY_NAME = {name: field for field, names in FIELDS.items() for name in names}
_UNIT_SUFFIX = re.compile(r"[(（][^)）]{0,6}[)）]$")
HEADER_SCAN_ROWS = 10  # a title row or two may sit above the header
SOURCES = {"跟团号": "ktt", "接龙号": "jielong", "接龙序号": "jielong"}


def header_key(cell: str) -> str:
    """数量（份） → 数量; ' 收货人 ' → 收货人."""
    text = "".join(unicodedata.normalize("NFKC", cell).split())
    return _UNIT_SUFFIX.sub("", text)


def map_columns(header: Sequence[str]) -> dict[str, int]:
    """Field → column index for the header cells it recognises (the first of each wins)."""
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        field = _BY_NAME.get(header_key(cell))
        if field is not None and field not in found:
            found[field] = index
    return found


def is_order_header(header: Sequence[str]) -> bool:
    """A row that names a quantity and an item or an address, and three fields at least."""
    found = map_columns(header)
    has_where = "address" in found or "room" in found
    return len(found) >= 3 and "qty" in found and ("item" in found or has_where)


def find_header(rows: Sequence[Sequence[str]]) -> int | None:
    """Index of the header row among the first rows of a sheet, or None."""
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if is_order_header(row):
            return index
    return None


def missing_columns(found: Mapping[str, int], single_product: bool) -> list[str]:
    """Names of required columns the header lacks (商品 may go when one product is sold)."""
    missing = []
    if "qty" not in found:
        missing.append("数量")
    if "item" not in found and not single_product:
        missing.append("商品")
    if "address" not in found and "room" not in found:
        missing.append("详细地址（或门牌、房号）")
    return missing


def source_of(header: Sequence[str]) -> str:
    """ktt (快团团), jielong (群接龙) or sheet, by the order-number column."""
    for cell in header:
        source = SOURCES.get(header_key(cell))
        if source is not None:
            return source
    return "sheet"
