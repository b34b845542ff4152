"""Texts of needs (需求: the acknowledgement, workers' need commands, status words)."""

from __future__ import annotations

NEED_ACK_PRIVATE = (
    "已收到您的需求（{category}），编号 #{ticket}。社区工作人员会尽快处理，有进展会告诉您。"
)

NEED_ACK_URGENT_PRIVATE = (
    "已收到，编号 #{ticket}，已按紧急情况通知社区工作人员。如有生命危险请立即拨打 120，火情拨 119。"
)

NEED_ACK_GROUP = "已记录 #{ticket}（{category}）"

NEED_ACK_URGENT_GROUP = "已记录 #{ticket}（{category}，紧急），已通知社区工作人员"

NEED_URGENT_WORKERS = (
    "【紧急需求 #{ticket}】{category}｜{who}\n{text}\n"
    "判断依据：{reasons}\n接单请回复：接单 {ticket}"
)

NEED_ADDED_ACK = "已补充到 #{ticket}，已转告社区工作人员"

NEED_ADDED_WORKERS = "【需求 #{ticket} 补充】{who}\n{text}\n接单请回复：接单 {ticket}"

NEED_WHO_UNKNOWN = "未登记住户"

NEED_NOT_FOUND = "没有编号 #{ticket} 的需求（或不是本社区的）。发送“查看需求”看未办结的需求。"

NEED_ALREADY_DONE = "#{ticket} 已经完成了。"

NEED_ALREADY_MINE = "#{ticket} 您已经接单了。完成后回复：完成 {ticket} 处理说明"

NEED_TAKEN_BY_OTHER = "#{ticket} 已由{name}接单。需要接手的话，请{name}发送：转 {ticket} 您的名字"

NEED_TAKEN = "已接单 #{ticket}｜{category}｜{who}\n{text}\n完成后回复：完成 {ticket} 处理说明"

NEED_TRANSFER_USAGE = "转单格式：转 编号 工作人员名字，例如“转 12 王芳”。"

NEED_TRANSFER_UNKNOWN = "没找到工作人员“{query}”。可以转给：{names}"

NEED_TRANSFER_AMBIGUOUS = "“{query}”对应几位工作人员：{names}，请写全名。"

NEED_TRANSFERRED = "已把 #{ticket} 转给{name}。"

NEED_TRANSFER_NOTICE = (
    "{sender}把需求 #{ticket} 转给您｜{category}｜{who}\n{text}\n完成后回复：完成 {ticket} 处理说明"
)

NEED_DONE = "已完成 #{ticket}，已告诉居民。"

NEED_RESIDENT_TAKEN_PRIVATE = (
    "您的需求 #{ticket}（{category}）已由社区工作人员{worker}接单，我们会尽快处理。"
)

NEED_RESIDENT_TAKEN_GROUP = "#{ticket}（{category}）已由社区工作人员{worker}接单，会尽快联系。"

NEED_RESIDENT_DONE_PRIVATE = (
    "您的需求 #{ticket}（{category}）已处理完成。{note}如还有困难，请随时告诉我们。"
)

NEED_RESIDENT_DONE_NOTE = "处理说明：{note}。"

NEED_RESIDENT_DONE_GROUP = "#{ticket}（{category}）已处理完成。如还有困难，请随时告诉我们。"

NEED_WORKER_FALLBACK = "社区工作人员"

NEED_LIST_HEADER = "未办结需求 {count} 件（紧急 {urgent} 件）："

NEED_LIST_EMPTY = "目前没有未办结的需求。"

NEED_LIST_LINE = "#{ticket} {marks}{category}｜{who}｜{text}｜{status}"

NEED_LIST_URGENT = "急·"

NEED_LIST_FLAG = "{flag}·"

NEED_LIST_MORE = "……还有 {count} 件，请到工作台查看。"

NEED_LIST_STATUS_ASSIGNED = "{name}{status}"  # 王芳已接单 / 王芳处理中 (status: NEED_STATUS_LABELS)

NEED_LIST_HINT = "接单：接单 编号；转给同事：转 编号 名字；办完：完成 编号 说明"

NEED_GROUPS_HEADER = "需求汇总（未处理，按物品）："

NEED_GROUP_LINE = "{item}：{households}户{urgent}"

NEED_GROUP_URGENT = "（紧急 {count}）"

NEED_GROUPS_EMPTY = "目前没有可按物品汇总的需求。"

NEED_GROUPS_HINT = "一步开团并邀请这些住户：汇总开团 {item} 价格，例如“汇总开团 {item} 12元/瓶 截单：明晚8点 取货：社区活动中心”"

NEED_GROUP_OPEN_USAGE = "格式：汇总开团 物品 [价格] [截单：… 取货：…]，例如“汇总开团 酒精 12元/瓶”。先发“需求汇总”看有哪些物品。"

NEED_GROUP_NONE = "没有未处理的“{item}”需求。发送“需求汇总”查看。"

NEED_GROUP_CAMPAIGN_TITLE = "{item}团购"

NEED_GROUP_OPENED = "已邀请问过{item}的{households}户（{chats}个会话），这些需求已标为处理中。"

NEED_GROUP_INVITE_PRIVATE = "您之前问过{item}，社区开团了。复制下面的接龙，在最后写上您家门牌号和数量发给我即可：\n{template}"

NEED_GROUP_INVITE_GROUP = (
    "之前在群里问{item}的{households}户邻居：社区开团了，请按下面的格式接龙：\n{template}"
)

NEED_GROUP_INVITE_HERE = "之前在群里问{item}的{households}户邻居：请参加上面的接龙。"

# A need's status in the same words everywhere: the resident's 查询, the worker's 查看需求 and the
# worker page (issue 15: 接单 is the word workers type, so 待接单 / 已接单 say what is next).
NEED_STATUS_LABELS = {
    "new": "待接单",
    "acknowledged": "已接单",
    "in_progress": "处理中",
    "resolved": "已完成",
}
