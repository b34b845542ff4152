"""Texts every feature shares: the welcome, the help, chatter, the workers-only refusal."""

from __future__ import annotations

WELCOME = (
    "您好，这里是邻里接龙，社区的团购和求助小助手。\n"
    "· 接龙订菜、订物资，我会帮社区整理成一张名单；\n"
    "· 有困难（买药、就医、送餐等）直接发消息告诉我，社区工作人员会尽快处理；\n"
    "· 先登记住址：发送“登记 3-2-201 王 13800001234”（楼号-单元-房号 姓名 电话）。\n"
    "发送“帮助”查看全部用法。"
)

UNSUPPORTED_MESSAGE = (
    "收到您的消息。目前我只能看懂文字（或语音转文字），麻烦您用文字再说一遍，谢谢！"
)

CHATTER_HINT = "您好！需要订东西请参加接龙，有困难请直接说明情况（比如“需要代买降压药，3-2-201”）。发送“帮助”查看用法。"

CHATTER_THANKS = "不客气！有需要随时告诉我。"

# A resident typing a worker command (every one: 接单, 截单, 开团, 本群属于, 后台 …; issue 15).
WORKER_ONLY = "“{word}”是社区工作人员用的命令。想看自己的订单和需求请发送“查询”，有困难请直接说明情况，我们会尽快处理。"
