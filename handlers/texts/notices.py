"""Texts the scheduler sends: reminders, cut-off, arrival, the daily report, escalation."""

from __future__ import annotations

REMINDER_PERSONAL = (
    "【取货提醒】{address}：您在「{title}」的订单请于 {slot} 到{point}领取，取货码 {code}。"
)

REMINDER_GROUP_LINE = "{address}：{slot} 到{point}领取「{title}」"

REMINDER_BATCH_HEADER = "【取货提醒】请按时段领取，取货时报门牌号和取货码："

REMINDER_BATCH_HEADER_MD = "**取货提醒**　请按时段领取，取货时报门牌号和取货码："

FOLLOW_UP_PERSONAL = (
    "{address}：您在「{title}」的货品还没有领取，请尽快到{point}领取，取货码 {code}。"
    "如果行动不便，请回复说明，社区工作人员会联系您。"
)

FOLLOW_UP_GROUP_LINE = "{address}：「{title}」还没有领取，请尽快到{point}领取"

FOLLOW_UP_BATCH_HEADER = "【未取货提醒】以下住户的货品还没有领取："

FOLLOW_UP_BATCH_HEADER_MD = "**未取货提醒**　以下住户的货品还没有领取："

ARRIVAL_SLOT_LINE = "{start}–{end}：{count} 户"

DAILY_REPORT = (
    "【每日报告】{date}\n"
    "新需求 {new_needs} 件，未办结 {open_needs} 件（其中紧急 {urgent_open} 件）\n"
    "今日订单 {orders} 单，已取货 {pickups} 户\n"
    "发送失败 {failures} 条，需人工通知 {manual} 户"
)

DAILY_REPORT_URGENT_LINE = "· 紧急 #{id} {category}：{text}"

ESCALATION = "【紧急求助 {minutes} 分钟无人确认】#{id} {category}：{text}\n请尽快联系处理。"

PURGED_TEXT = "（已按保留期限清除）"

MANUAL_SUMMARY = "【需人工通知】「{title}」的{what}有{count}户联系不上（没有公众号私聊窗口，也不在能发消息的群里），请电话或上门告知：{lines}"

MANUAL_SUMMARY_LINE = "{address} {name}{phone}"

MANUAL_WHAT = {"reminder": "取货提醒", "followup": "未取货提醒"}

UNDELIVERED_TO_RESIDENT = "【需人工通知】这条消息没能发给居民{who}（公众号已不能私聊：超过48小时没有联系，或已取消关注），请电话或上门告知：\n{text}"

UNDELIVERED_WHO_UNKNOWN = "（未登记）"

PICTURE_NO_TEXT = "图片 #{picture} 里没有认出文字。请拍清楚一些、正对纸面再发，或直接粘贴文字。"

PICTURE_TOO_LARGE = "图片 #{picture} 太大了（最大 {limit}），请截图或压缩后再发。"

PICTURE_TOO_MANY_PIXELS = "图片 #{picture} 尺寸太大，打不开。请分几张截图发送。"

PICTURE_NOT_IMAGE = "图片 #{picture} 打不开（文件损坏或不是图片），请重新截图再发。"

PICTURE_UNAVAILABLE = "图片 #{picture} 下载失败（可能已过期），请重新发送一次。"
