"""Texts of 接龙 chains: what was read, corrections, 待核实 reasons."""

from __future__ import annotations

JIELONG_IMPORTED = "已从接龙【{title}】导入{count}条。"

# What Linli read in a new chain's header, and its correction (handlers.jielong.reading)
READING = (
    "已识别接龙{catalogue}{limit}，大家照常接龙，名单我来汇总。如商品读错了，团长或工作人员回复："
    "更正商品 名称 价格/单位（例：更正商品 蔬菜包 58元/份）。"
)

READING_PRICE = "{price}元"

READING_LIMIT = "，{limit}"

READING_NO_PRODUCT = "接龙【{title}】没看出卖的是什么商品。请团长回复：更正商品 名称 价格/单位（例：更正商品 蔬菜包 58元/份）。"

CORRECTED = "已更正接龙【{title}】：{catalogue}，重新核对了{count}条。"

CORRECTED_NOTHING = "已更正接龙【{title}】：{catalogue}，已有的条目不受影响。"

CORRECT_USAGE = "没看懂要改成什么。格式：更正商品 名称 价格/单位，多个商品用分号隔开，例：更正商品 蔬菜包 58元/份。"

CORRECT_NOT_ALLOWED = "只有发起接龙的团长或社区工作人员可以更正商品。"

CORRECT_NO_CHAIN = "这里还没有接龙可以更正。"

JIELONG_EDITED = "已按您的修改更新接龙【{title}】第{seqs}条。"

JIELONG_WITHDRAWN = "您转发的接龙【{title}】里没有第{seqs}条了，已撤回。如是误删，请重新接上。"

JIELONG_DOUBTS_REPLY = (
    "接龙【{title}】{doubts}。请补充，或按“楼号-单元-房号 姓名 数量”重新写一下，社区也会核实。"
)

JIELONG_WORKERS_CHECK = "接龙【{title}】有{count}条待核实：{details}。请团长在工作台核对。"

JIELONG_CHECK_DUPLICATE = "第{seqs}条与前面重复（同一户报了两次？）"

# Why an entry is 待核实, by flag (handlers.jielong.doubts); {seqs} are ranges: 394–402、410
JIELONG_DOUBT = {
    "unreadable": "第{seqs}条没看懂",
    "doubt:no_address": "第{seqs}条没写楼号房号",
    "doubt:unknown_item": "第{seqs}条的商品不在本次清单里",
    "doubt:qty_range": "第{seqs}条数量写了范围，按多的记",
}

JIELONG_DOUBT_COUNT = "（共{count}条）"

JIELONG_SENTENCE_ADDED = "已帮您登记到接龙【{title}】第{seq}条：{summary}。"

JIELONG_SENTENCE_NO_ADDRESS = "已登记到接龙【{title}】第{seq}条：{summary}。麻烦补充楼号房号。"

JIELONG_CANCELLED = "已取消您在接龙【{title}】的第{seqs}条。"

JIELONG_CANCEL_WHICH = (
    "您在接龙【{title}】有{count}条（第{seqs}条），要取消哪一条？请带上楼号房号再说一次。"
)
