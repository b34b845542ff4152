"""Texts of money (已付, 已退, 账目, 未付款, 催款, 收款)."""

from __future__ import annotations

# chat: 已付 / pasted transfer note / 已退 / 账目 / 未付款 / 催款 (workers)
PAY_USAGE = "记账格式：已付 3-2-201，已付 12 15 18（订单编号），或直接粘贴转账记录（微信转账 ¥116.00 3-2-201王）。"

PAY_NOT_FOUND = "没找到 {target} 的订单。"

PAY_RECORDED = "已记为已付：{lines}"

PAY_LINE = "{no} 号 {address} {name}{amount} 元{extra}"

PAY_SHORT = "（少付 {missing} 元，仍为未付）"

PAY_OVER = "（多付 {extra} 元，记为待退）"

PAY_TOTALS = "本团已收 {paid} 元，未付 {unpaid} 户共 {outstanding} 元。"

PAY_NOTHING_DUE = "{target} 没有要付的钱（已付过，或本团商品没写价格）。"

PAY_MISMATCH = (
    "金额不符，没有记账：{target} 应付 {due} 元，转账 {amount} 元。"
    "核对后如按实收记账，请发送“已付 {target} {amount}元”。"
)

TRANSFER_NO_ADDRESS = "转账记录里没有门牌号，对不上订单。请发送“已付 门牌号”或“已付 编号”。"

PAY_CLAIM = "收到，团长核对到账后会记为已付。"

PAY_CLAIM_WORKERS = "{who} 说已付款：{text}\n核对到账后发送“已付 {target}”记账。"

REFUND_USAGE = "退款格式：已退 编号 或 已退 门牌号（把待退的钱标记为已退回）。"

REFUND_NONE = "{target} 没有待退的钱。"

REFUND_SETTLED = "已标记退回：{lines}"

REFUND_LINE = "{no} 号 {address} {amount} 元（{reason}）"

REFUND_NOTICE = (
    "{address}：您在「{title}」多付的 {amount} 元（{reason}）会退还给您，请留意团长的转账。"
)

REFUND_REASON_SHORT = "缺货少分：{items}"

REFUND_REASON_SHORT_ITEM = "{name}{want}→{got}{unit}"

REFUND_REASON_CANCELLED = "订单{status}"

REFUND_REASON_OVERPAID = "多付"

MONEY_REPORT = (
    "【{title}】收款：应收 {owed} 元，已收 {paid} 元，未收 {outstanding} 元（{unpaid} 户）。\n"
    "应付供应商 {supplier} 元；退款：已退 {refunded} 元，待退 {waiting} 元。"
)

UNPAID_HEADER = "未付款 {count} 户，共 {amount} 元："

UNPAID_REMINDED = "已在群里提醒 {count} 户付款（共 {amount} 元）。"

SCAN_EMPTY = "请扫码，或输入取货码、订单编号或门牌号。"

SCAN_UNREADABLE = "“{text}”不是取货码、订单编号或门牌号，没有记账。"

SCAN_NOT_FOUND = "本团没有取货码、编号或门牌为“{text}”的订单，没有记账。"

SCAN_CODE_LABEL = "取货码 {code}"

SCAN_WHO = "{address} {name}"

SCAN_ALREADY_PAID = "{target}（{who}）已经付过 {paid} 元，没有再记账。"

SCAN_MISMATCH = "金额不符，没有记账：{target}（{who}）应付 {due} 元，收到 {amount} 元。"

SCAN_NOTE = "扫码 {text}"

UNPAID_NONE = "【{title}】没有未付款的订单。"
