"""Texts of the campaign feature (团购: 开团, 截单, 确认, 分配, 到货, 取货, imports, ready-made posts)."""

from __future__ import annotations

ARRIVAL_NOTICE = "各位居民朋友：您预订的「{title}」{time}到货，请按时到{point}领取。"

CAMPAIGN_TEMPLATE = (
    "#接龙\n{title}\n{products}\n截单：{cutoff}　到货：{arrival}\n取货：{point}（分时段领取）\n"
    "格式：楼号-单元-房号 姓名 数量\n例 3-2-201 王 {example}"
)

CAMPAIGN_PRODUCT_LINE = "{name} {price}{limit}{stock}"

CAMPAIGN_PRICE = "{price}元/{unit}"

CAMPAIGN_LIMIT = "，每户限{qty}{unit}"

CAMPAIGN_STOCK = "，共{qty}{unit}"

CAMPAIGN_UNSET = "待定"

CAMPAIGN_OPEN_USAGE = (
    "开团格式（每项一行，冒号可省）：\n开团：硕诚蔬菜套餐\n商品：蔬菜套餐 38元/份 限2份 库存50\n"
    "截单：明天晚上8点\n到货：后天下午3点\n取货：社区活动中心\n时段：30分钟 每段20户\n"
    "成团：30份（可不写）"
)

CAMPAIGN_OPEN_MISSING = "没看懂{missing}。\n"

CAMPAIGN_MISSING_NAMES = {"title": "团购名称", "products": "商品和价格"}

CAMPAIGN_NONE = "现在没有进行中的团购。"

CAMPAIGN_CLOSED_SUMMARY = (
    "【{title}】已截单，共{count}单，本群{here}单：\n{lines}\n全部合计：{totals}"
)

CAMPAIGN_CLOSED_REPLY = (
    "已截单：{pending}单待确认，{late}单迟到。发送“确认全部”或“确认 编号”，“拒绝 编号 原因”。"
)

CAMPAIGN_ALREADY_CLOSED = "【{title}】已经截单了。"

CAMPAIGN_SHORT = "库存不足：{items}。到货前发送“分配”（先到先得）或“分配 按比例”。"

CAMPAIGN_SHORT_ITEM = "{name}订{want}{unit}/库存{stock}{unit}"

CAMPAIGN_LATE_HINT = "迟到{count}单（{nos}）需单独确认：确认 编号。"

ORDER_LINE = "{no}. {summary}"

ORDER_SUMMARY = "{address} {name}{items}"

ORDER_ITEM = "{name}×{qty}{unit}"

ORDER_NO_ITEMS = "（未写商品）"

ORDER_NOT_FOUND = "没有 {no} 号订单。"

CONFIRMED_ONE = "已确认 {no} 号：{summary}"

CONFIRM_SKIPPED = "{no} 号{status}，未改动。"

CONFIRMED_ALL = "已确认{count}单。"

CONFIRMED_NONE = "没有待确认的订单。"

REJECTED_ONE = "已拒绝 {no} 号：{summary}（原因：{reason}）"

REJECT_DEFAULT_REASON = "未说明"

REJECTED_NOTICE = "{address}：您在【{title}】的订单（{no} 号）未通过，原因：{reason}。如有疑问请联系社区工作人员。"

ADJUSTED = "已调整 {no} 号：{summary}"

ADJUST_NO_LINE = "{no} 号里没有“{name}”。本团商品：{choices}。"

ALLOCATED = "已按{rule}分配：{items}。受影响{count}户，已逐户通知（公众号私聊或下单的群；联系不上的在工作台标为“需人工通知”）。"

ALLOCATED_ENOUGH = "库存充足，每户按所订数量分配。"

ALLOCATION_RULES = {"first_come": "先到先得", "proportional": "比例"}

ALLOCATION_ITEM = "{name}{stock}{unit}分给{households}户"

ALLOCATION_NOTICE = (
    "{address}：【{title}】{name}库存不足，按{rule}您分到{got}{unit}（原订{want}{unit}），请谅解。"
)

ARRIVAL_TIME_WORDS = ("今天", "明天", "后天")

ARRIVAL_SLOT_TABLE_LINE = "{start}–{end}　{buildings}"

ARRIVAL_BUILDINGS = "{names}号楼"

ARRIVAL_DELIVERY_LINE = "独居老人、行动不便、居家隔离的住户（{count}户）由志愿者送货上门。"

ARRIVAL_CODE_HINT = "领取时请报门牌号或取货码（发送“查询”可看取货码）。"

ARRIVAL_REPLY = "已安排{count}户到{slots}个时段（每段最多{capacity}户），送货上门{delivery}户。"

ARRIVAL_PENDING_HINT = "还有{count}单未确认，确认后再发“到货”会补排时段。"

ARRIVAL_NOTHING = "没有已确认的订单可以安排取货。先“确认全部”或“确认 编号”。"

PICKED_UP = "已核销 {no} 号：{summary}，取货码 {code}。"

PICKUP_TWICE = "{no} 号已在 {time} 取过货，不能重复领取。"

PICKUP_NOT_READY = "{no} 号现在是“{status}”，还不能取货。"

PICKUP_NOT_FOUND = "没找到取货码或门牌号为“{query}”的待取订单。"

NOT_PICKED_HEADER = "未取货{count}户："

NOT_PICKED_NONE = "全部已取货。"

NOT_PICKED_LINE = "{no}. {address} {name} {slot} {phone}"

NOT_PICKED_EARLY = "（最后一个时段 {end} 结束前，名单还会变化）"

DELIVERY_HEADER = "送货上门{count}户："

DELIVERY_NONE = "没有需要送货上门的住户。"

DELIVERY_LINE = "{no}. {address} {name}（{flags}）{items} {phone} {status}"

MY_ORDERS_HEADER = "您在【{title}】的订单："

MY_ORDER_LINE = "{no} 号 {items}　{status}"

MY_ORDER_SLOT = "，{slot} 到{point}领取，取货码 {code}"

MY_ORDERS_NONE = "您在【{title}】还没有订单，参加群里的接龙即可。"

MY_CANCELLED = "已取消 {no} 号：{summary}"

MY_CANCEL_LATE = "【{title}】已截单，不能自己取消了，请联系社区工作人员。"

MY_MODIFIED = "已修改 {no} 号：{summary}"

MY_MODIFY_USAGE = (
    "修改格式：修改 商品 数量，例如“修改 蔬菜套餐 1”；有几单时加编号：“修改 12 蔬菜套餐 1”。"
)

MY_MODIFY_WHICH = "您有几单：{nos}。请加编号，例如“修改 {no} {example}”。"

LIMIT_CAPPED = "{address} {name}每户限{limit}{unit}，已按{kept}{unit}记录。"

UNKNOWN_PRODUCT = (
    "{no} 号的“{name}”不是本次团购的商品，请问要的是：{choices}？回复“修改 商品 数量”。"
)

LATE_ORDER = "【{title}】已截单，{address}的接龙记为迟到（{no} 号），等社区工作人员确认。"

NOTES_SUMMARY = "【{title}】{parts}。"

NOTES_LATE = "第{nos}号（{count}条）截单后才接龙，记为迟到，等社区确认"

NOTES_LIMIT = "第{nos}号（{count}条）超出每户限购，已按限购数记"

NOTES_UNKNOWN = "第{nos}号（{count}条）的商品不是本次团购的（可选：{choices}），请团长在工作台核对"

NOTES_NO_ADDRESS = "第{nos}号（{count}条）没写门牌号，请补充楼号-单元-房号"

NO_ADDRESS = "{no} 号没写门牌号，请补充楼号-单元-房号，或先登记：登记 3-2-201 王 13800001234。"

ROSTER_NOT_ON_ROSTER = "{address} 不在住户名单"

ROSTER_WORKERS_CHECK = "接龙【{title}】有{count}户待核实：{details}"

# 成团
GOAL_LINE = "满{min}{unit}成团"

GOAL_COUNT = "已接龙 {count} {unit}"

GOAL_PROGRESS = "已接龙 {count} {unit}，还差 {missing} {unit}成团"

GOAL_REACHED_PROGRESS = "已接龙 {count} {unit}，已成团"

# ready-made texts: posted by Linli where it can, copied from the worker page where it cannot
READY_OPEN = (
    "【开团】{title}\n{products}{goal}\n截单：{cutoff}　到货：{arrival}\n取货：{point}\n"
    "请复制下面的接龙，在最后加一行：门牌号 姓名 数量。"
)

CUTOFF_REMINDER = (
    "【截单提醒】「{title}」{cutoff} 截单，还有一小时。{progress}。\n"
    "还没接龙的邻居请抓紧：复制群里的接龙，在最后加一行门牌号和数量。"
)

GOAL_REACHED_NOTICE = "【成团啦】「{title}」{progress}，{cutoff} 截单，还没接龙的邻居抓紧～"

NOT_REACHED_NOTICE = (
    "【未成团】很抱歉，「{title}」截单时{progress}，这次团购取消了。已付款的邻居，团长会原路退款。"
)

NOT_REACHED_REASON = "未成团"

NOT_REACHED_REPLY = "未成团：{progress}。本团已取消，群里已通知。{refunds}"

NOT_REACHED_REFUNDS = "已付款的 {count} 户要退款（共 {amount} 元），退回后发送“已退 编号”。"

UNPAID_REMINDER = "【付款提醒】「{title}」以下邻居还没付款，请转账给团长并备注门牌号：\n{lines}"

UNPAID_LINE = "{address} {name}{amount} 元"

READY_LABELS = {
    "open": "开团公告（含空白接龙）",
    "cutoff": "截单提醒（截单前一小时）",
    "arrival": "到货通知",
    "not_reached": "未成团通知",
    "unpaid": "催款提醒",
}

IMPORT_MISSING_COLUMNS = "工作表「{sheet}」缺少列：{columns}。"

IMPORT_BAD_QTY = "第{row}行 数量“{value}”不是正数。"

IMPORT_BAD_AMOUNT = "第{row}行 金额“{value}”不是数。"

IMPORT_AMOUNT_MISMATCH = (
    "第{rows}行（{key}）金额 {amount} 元，按本团价格应为 {expected} 元（{items}）。"
)

IMPORT_AMOUNT_CONFLICT = "第{rows}行（{key}）是同一订单，金额却不一致。"

IMPORT_MORE_PROBLEMS = "……还有 {count} 处"

IMPORT_EMPTY = "工作表「{sheet}」没有订单行。"

IMPORT_MERGE_INTO = "合并到 {no} 号"

IMPORT_MERGE_ROW = "与第{row}行同一户"

IMPORT_REASON_NO_ADDRESS = "没有门牌号"

IMPORT_REASON_UNKNOWN_ITEM = "商品“{name}”不是本团商品"

IMPORT_REASON_CANCELLED = "已取消"

IMPORT_REASON_DONE_BEFORE = "已导入过"

IMPORT_SOURCES = {"ktt": "快团团", "jielong": "群接龙", "sheet": "表格"}

POSTED_TO_GROUPS = "通知已发到{count}个群。"

POSTED_NOWHERE = "没有能发消息的群，通知没有发出。"

POSTED_FORWARD = "{names}我发不进去（普通微信群），请转发。"

OPEN_ANNOUNCED = "接龙已发到{count}个群：{names}。"

OPEN_ANNOUNCED_NONE = "接龙没有发到任何群（{why}）。"

OPEN_NO_GROUPS = "没有选群，或「{community}」还没有群"

OPEN_ONLY_WECHAT = "选中的群我都发不进去"

OPEN_NO_COMMUNITY = "您还不属于任何社区"

OPEN_FORWARD = "请把下面的接龙转发到这些群：{names}。"

OPEN_FORWARD_ANY = "请把下面的接龙转发到居民群。"

OPEN_FORWARD_HERE = "{names}我发不进去（普通微信群），请把本群收到的接龙转发过去。"

OPEN_DIRECT_HINT = "居民在群里接龙，或私聊我发“楼号-单元-房号 商品 数量”（如“4-1-101 {example}”），都会汇总到这一团。"

OPEN_NOT_YOUR_GROUP = "本群属于「{chat}」，您是「{mine}」的工作人员，不能在本群开团。接龙没有发出。"

OPEN_GROUP_UNASSIGNED = "本群还没有归属社区，接龙没有发出。请先发送“本群属于 {community}”，再开团。"

OPEN_WHICH_COMMUNITY = "您不属于某一个社区，请在要开团的社区的群里发开团，或在工作台开团时选择社区（现有：{names}）。接龙没有发出。"

OPEN_UNKNOWN_GROUP = (
    "没有叫“{name}”的群。「{community}」的群：{names}。接龙没有发出，请改好再开团。"
)

OPEN_OTHER_GROUP = "“{name}”是「{other}」的群，不是「{community}」的。接龙没有发出，请改好再开团。"

OPEN_DUPLICATE = "「{title}」已经在团购中（团购{id}，{status}）。接龙没有再发。如要再开一团，请换个名称，如“{title} 第二期”。"

OPEN_NO_GROUP_NAMES = "无"

CAMPAIGN_STATUS = {"open": "接龙中", "closed": "已截单", "arrived": "已到货"}

ORDER_TAKEN = "已记入【{title}】{no} 号：{address} {items}（待确认）。截单：{cutoff}。要改数量发“修改 {name} 数量”，不要了发“取消”。"

ORDER_TAKEN_AGAIN = "这条已经记过了。发送“查询”可看您的订单。"

ORDER_ASK_ADDRESS = "【{title}】正在接龙。请带上门牌号再发一次，例如“4-1-101 {example}”；也可以先登记：登记 4-1-101 王 13800001234。"

ORDER_OFF_ROSTER = "{address} 不在「{community}」的住户名单里，没有记入【{title}】。请核对楼号-单元-房号再发，或联系社区工作人员。"

CAMPAIGN_OPENED = "已开团（团购{id}）：{title}\n{products}\n截单：{cutoff}"

ORDER_STATUS = {
    "pending": "待确认",
    "late": "迟到",
    "confirmed": "已确认",
    "rejected": "未通过",
    "ready": "待取货",
    "picked_up": "已取货",
    "cancelled": "已取消",
    "withdrawn": "已撤回",
}
