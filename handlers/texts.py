"""Every user-facing Chinese sentence, in one place so a worker's wording is changed once.

Sections: general, commands, 接龙, needs, notices. Placeholders use str.format names.
"""

from __future__ import annotations

# --- general -------------------------------------------------------------------------
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
INTERNAL_ERROR = "抱歉，刚才没处理好您的消息，已经记下来了，社区工作人员会看到。"

# --- simulator / web -----------------------------------------------------------------
BOT_NAME = "邻里接龙助手"
SIM_BAD_JSON = "请求内容不是有效的 JSON 对象。"
SIM_MISSING_FIELD = "缺少字段或字段不是文字：{fields}"
SIM_EMPTY_TEXT = "消息内容不能为空。"
SIM_TEXT_TOO_LONG = "消息太长了（最多 {limit} 个字）。"
SIM_BAD_AFTER = "参数 after 必须是非负整数。"

# --- worker page (工作台, /admin) ----------------------------------------------------
ADMIN_LINK = "工作台登录链接（{minutes}分钟内有效，只能用一次，请勿转发）：\n{link}"
ADMIN_LINK_PRIVATE_ONLY = "为了安全，工作台链接不在群里发送。请私聊我发送“后台”。"
ADMIN_LINK_UNAVAILABLE = "工作台登录链接暂时无法生成，请联系管理员。"

# --- needs ---------------------------------------------------------------------------
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
NEED_WHO_UNKNOWN = "未登记住户"

# --- chatter -------------------------------------------------------------------------
CHATTER_THANKS = "不客气！有需要随时告诉我。"

# --- resident commands ---------------------------------------------------------------
HELP_TEXT = (
    "邻里接龙可以这样用：\n"
    "· 登记 3-2-201 王 13800001234 —— 登记住址（楼号-单元-房号，姓名和电话可不填）\n"
    "· 查询 —— 看您登记的住址和需求处理进度\n"
    "· 同意@提醒 / 取消@提醒 —— 群里发给您家的取货提醒要不要@您（用登记的手机号）\n"
    "· 直接说明困难（如“需要代买降压药”“家里老人要去医院”），社区工作人员会尽快处理\n"
    "· 群里接龙订东西，我会帮社区整理名单"
)
REGISTER_USAGE = (
    "登记格式：登记 楼号-单元-房号 [姓名] [电话]，"
    "例如“登记 3-2-201 王 13800001234”或“登记 5号楼1单元302”。"
)
REGISTERED = "已登记住址 {address}{details}。以后求助时社区会知道您家在哪里。"
REGISTERED_NAME = "，姓名 {name}"
REGISTERED_PHONE = "，电话 {phone}"
QUERY_NOT_REGISTERED = "您还没有登记住址。发送“登记 3-2-201 王 13800001234”即可登记。"
QUERY_HOUSEHOLD = "您登记的住址：{address}{details}"
QUERY_FLAGS = "（{flags}）"
QUERY_NO_NEEDS = "您还没有提交过需求。"
QUERY_NEEDS_HEADER = "您的需求："
QUERY_NEED_LINE = "#{ticket} {category} · {status}：{text}"
# A need's status in the same words everywhere: the resident's 查询, the worker's 查看需求 and the
# worker page (issue 15: 接单 is the word workers type, so 待接单 / 已接单 say what is next).
NEED_STATUS_LABELS = {
    "new": "待接单",
    "acknowledged": "已接单",
    "in_progress": "处理中",
    "resolved": "已完成",
}
# A resident typing a worker command (every one: 接单, 截单, 开团, 本群属于, 后台 …; issue 15).
WORKER_ONLY = "“{word}”是社区工作人员用的命令。想看自己的订单和需求请发送“查询”，有困难请直接说明情况，我们会尽快处理。"

# --- notices (scheduler: reminders, cut-off, arrival, daily report, escalation) ---------
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
ARRIVAL_NOTICE = "各位居民朋友：您预订的「{title}」{time}到货，请按时到{point}领取。"
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

# --- campaigns (团购: 开团, 截单, 确认, 分配, 到货, 取货) ------------------------------------
CAMPAIGN_TEMPLATE = (
    "#接龙\n{title}\n{products}\n截单：{cutoff}　到货：{arrival}\n取货：{point}（分时段领取）\n"
    "格式：楼号-单元-房号 姓名 数量\n例 3-2-201 王 {example}"
)
CAMPAIGN_PRODUCT_LINE = "{name} {price}{limit}{stock}"
CAMPAIGN_PRICE = "{price}元/{unit}"
CAMPAIGN_LIMIT = "，每户限{qty}{unit}"
CAMPAIGN_STOCK = "，共{qty}{unit}"
CAMPAIGN_UNSET = "待定"
CAMPAIGN_OPENED = "已开团（团购{id}）：{title}\n{products}\n截单：{cutoff}"
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
ORDER_NOT_FOUND = "没有 {no} 号订单。"
CONFIRMED_ONE = "已确认 {no} 号：{summary}"
CONFIRM_SKIPPED = "{no} 号{status}，未改动。"
CONFIRMED_ALL = "已确认{count}单。"
CONFIRMED_NONE = "没有待确认的订单。"
REJECTED_ONE = "已拒绝 {no} 号：{summary}（原因：{reason}）"
REJECT_DEFAULT_REASON = "未说明"
REJECTED_NOTICE = "{address}：您在【{title}】的订单（{no} 号）未通过，原因：{reason}。如有疑问请联系社区工作人员。"
ADJUSTED = "已调整 {no} 号：{summary}"
ADJUST_USAGE = "调整格式：调整 编号 商品 数量，例如“调整 12 蔬菜套餐 1”。"
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
PICKUP_USAGE = "取货格式：取货 3-2-201 或 取货 取货码。"
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

# --- 接龙 ---------------------------------------------------------------------------
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

# --- need commands (workers: 接单, 转, 完成, 查看需求, 需求汇总, 汇总开团) -------------------
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

# --- issue 18: setting up a community (绑定, 本群属于, new groups, the roster) ----------------
BIND_DONE = "绑定成功：您现在是「{community}」的{role}（{channel}）。发送“帮助”看工作人员命令，发送“后台”登录工作台。"
BIND_UNKNOWN = "绑定码不对。请核对管理员给您的绑定码（8位字母数字），再发送：绑定 绑定码"
BIND_EXPIRED = "这个绑定码已过期，请让管理员重新生成一个。"
BIND_USED = "这个绑定码已经用过了，每个码只能用一次。请让管理员重新生成一个。"
BIND_LOCKED = "尝试次数太多，请一小时后再试。"
BIND_OTHER_COMMUNITY = (
    "您已是「{community}」的工作人员，一个账号只服务一个社区。如需调换，请联系管理员。"
)
BIND_ALREADY = "您已经是「{community}」的{role}了，不用再绑定。"
BIND_USAGE = "绑定格式：绑定 绑定码，例如“绑定 K7QM-3XPA”。绑定码由社区管理员生成。"
BIND_IN_GROUP = "绑定码请私聊发给我，不要发在群里。"
BIND_IN_GROUP_REVOKED = (
    "绑定码请私聊发给我。这个码已发在群里，为安全起见已作废，请让管理员重新生成。"
)
ROLE_LABELS = {"worker": "工作人员", "admin": "管理员", "resident": "居民"}
CHANNEL_LABELS = {
    "mp": "公众号",
    "wecom_app": "企业微信应用",
    "wecom_robot": "企业微信群机器人",
    "bridge": "中继",
    "sim": "模拟器",
    "web": "工作台",
}
ASSIGN_USAGE = "格式：本群属于 社区名称，例如“本群属于 和平里社区”。"
ASSIGN_PRIVATE = "请在要归属的群里发送“本群属于 社区名称”。"
ASSIGN_DONE = "好的，本群已归属「{community}」。之前在本群收到的{count}条消息已一并计入。"
ASSIGN_ALREADY = "本群已经属于「{community}」。"
ASSIGN_UNKNOWN = "没有叫“{name}”的社区。现有社区：{names}"
ASSIGN_NO_COMMUNITIES = "还没有任何社区，请管理员先添加社区（python -m bot community add 名称）。"
ASSIGN_NOT_YOURS = "您不是「{community}」的工作人员，不能把群归到这个社区。"
ASSIGN_TAKEN = "本群已属于「{current}」，只有管理员能改为「{community}」。"
GROUP_UNASSIGNED = "新群「{chat}」（{channel}）开始和我说话了，还没有归属社区。群里的消息都已保存；请在群里发送“本群属于 社区名称”，或在工作台“社区”页归属。"
ROSTER_NOT_ON_ROSTER = "{address} 不在住户名单"
ROSTER_WORKERS_CHECK = "接龙【{title}】有{count}户待核实：{details}"
# --- issue 13: a simulator safe for anyone who reaches it ------------------------------------
SIM_STAFF_NEEDS_LOGIN = "模拟器里以工作人员身份发言或查看工作人员的私聊，需要先登录工作台（本机运行 make run 时终端里有登录链接）。"
SIM_STAFF_HINT = "工作人员身份需先登录工作台。"
# =====================================================================================
# --- issue 17: money (已付/已退), 成团, imports (快团团/群接龙), ready-made texts ---------
# =====================================================================================
PAYMENT_STATES = {"unpaid": "未付", "paid": "已付", "refunded": "已退"}
REFUND_STATES = {True: "待退", False: "已退"}  # keyed by "still waiting"
MONEY_UNPAID_HOUSEHOLDS = "未付款订单数"
PAYMENT_METHODS = {
    "chat": "聊天记账",
    "transfer": "转账记录",
    "page": "工作台",
    "import": "导入",
    "auto": "自动",
}
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
PAY_CLAIM_WHO = "门牌号"
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
UNPAID_NONE = "【{title}】没有未付款的订单。"
UNPAID_HEADER = "未付款 {count} 户，共 {amount} 元："
UNPAID_REMINDED = "已在群里提醒 {count} 户付款（共 {amount} 元）。"
# 成团
GOAL_LINE = "满{min}{unit}成团"
GOAL_COUNT = "已接龙 {count} {unit}"
GOAL_PROGRESS = "已接龙 {count} {unit}，还差 {missing} {unit}成团"
GOAL_REACHED_PROGRESS = "已接龙 {count} {unit}，已成团"
GOAL_SET = "已设置成团数量：{goal}。{progress}"
GOAL_CLEARED = "已取消成团数量，不论接龙多少都发车。"
# worker page (收款)
PAGE_PAY_NONE_TICKED = "没有勾选要记为已付的订单。"
PAGE_REFUND_DONE = "已标记退回 {amount} 元。"
PAGE_GOAL_BAD = "成团数量要填 1 到 100000 的整数（留空表示不限）。"
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
ARRIVAL_READY_NO_SLOTS = "领取时请报门牌号或取货码。"
READY_LABELS = {
    "open": "开团公告（含空白接龙）",
    "cutoff": "截单提醒（截单前一小时）",
    "arrival": "到货通知",
    "not_reached": "未成团通知",
    "unpaid": "催款提醒",
}
# import of a 快团团 / 群接龙 export
IMPORT_NOT_XLSX = (
    "这不是 Excel 表格（.xlsx）。请在快团团或群接龙里“导出订单”，上传导出的 .xlsx 文件。"
)
IMPORT_OLD_XLS = "这是旧版 .xls 文件。请在 Excel 或 WPS 里“另存为 .xlsx”后再导入。"
IMPORT_TOO_BIG = "文件太大（{size}），一次最多 {limit}。"
IMPORT_TOO_MANY_ROWS = (
    "工作表「{sheet}」有 {rows} 行，一次最多导入 {limit} 行。请按自提点或日期分开导出后再导入。"
)
IMPORT_NO_SHEET = (
    "没找到订单表：{sheets} 里都没有“{needed}”这几列。请上传快团团或群接龙导出的订单表。"
)
IMPORT_MISSING_COLUMNS = "工作表「{sheet}」缺少列：{columns}。"
IMPORT_MERGED = (
    "工作表「{sheet}」的 {cells} 是横向合并的单元格，分不清属于哪一列。请取消合并后再导入。"
)
IMPORT_FORMULA = "工作表「{sheet}」的 {cell} 是公式（{formula}），不是填好的数。请复制整张表后“选择性粘贴 → 数值”再导入。"
IMPORT_BAD_QTY = "第{row}行 数量“{value}”不是正数。"
IMPORT_BAD_AMOUNT = "第{row}行 金额“{value}”不是数。"
IMPORT_NO_ITEM = "第{row}行 没写商品。"
IMPORT_AMOUNT_MISMATCH = (
    "第{rows}行（{key}）金额 {amount} 元，按本团价格应为 {expected} 元（{items}）。"
)
IMPORT_AMOUNT_CONFLICT = "第{rows}行（{key}）是同一订单，金额却不一致。"
IMPORT_REFUSED = "没有导入任何订单，请改好表格再导入：\n{problems}"
IMPORT_MORE_PROBLEMS = "……还有 {count} 处"
IMPORT_ALREADY = "这个文件已在 {at} 导入过（{summary}），没有重复导入。"
IMPORT_CLOSED = "「{title}」已{status}，不能再导入订单。"
IMPORT_CAMPAIGN_STATUS = {"done": "结束", "cancelled": "取消"}
IMPORT_NO_CAMPAIGN = "没有团购 {id}。"
IMPORT_WHICH_CAMPAIGN = "有几个团购对得上：{names}。请用编号：--campaign 编号"
IMPORT_CLI_DRY_RUN = "这是预览，没有保存。确认无误后加 --yes 再运行一次即导入。"
IMPORT_CLI_LINE = "第{rows}行 {key}：{outcome} | {where} | {items}"
IMPORT_ALREADY_COUNTS = "共 {rows} 行，新建 {placed} 行，合并 {merged} 行"
IMPORT_EMPTY = "工作表「{sheet}」没有订单行。"
IMPORT_NO_FILE = "请先选择快团团或群接龙导出的 .xlsx 文件。"
IMPORT_STASH_GONE = "预览已过期（超过一小时或已导入），请重新上传文件。"
IMPORT_FILLED = "合并单元格已按同一订单读取：{cells}。"
IMPORT_SUMMARY = (
    "{source}导出导入「{title}」：共 {rows} 行，新建订单 {placed} 行，"
    "合并到已有订单 {merged} 行，待核实 {unplaced} 行{skipped}。"
)
IMPORT_SKIPPED = "，未导入 {count} 行（{reasons}）"
IMPORT_OUTCOMES = {
    "placed": "新建订单",
    "merged": "合并到已有订单",
    "unplaced": "待核实",
    "skipped": "未导入",
}
IMPORT_MERGE_INTO = "合并到 {no} 号"
IMPORT_MERGE_ROW = "与第{row}行同一户"
IMPORT_REASON_NO_ADDRESS = "没有门牌号"
IMPORT_REASON_UNKNOWN_ITEM = "商品“{name}”不是本团商品"
IMPORT_REASON_CANCELLED = "已取消"
IMPORT_REASON_DONE_BEFORE = "已导入过"
IMPORT_SOURCES = {"ktt": "快团团", "jielong": "群接龙", "sheet": "表格"}
# --- issue 20: a campaign belongs to its community (announcement, residents' notices, 公众号 orders)
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
MANUAL_SUMMARY = "【需人工通知】「{title}」的{what}有{count}户联系不上（没有公众号私聊窗口，也不在能发消息的群里），请电话或上门告知：{lines}"
MANUAL_SUMMARY_LINE = "{address} {name}{phone}"
MANUAL_WHAT = {"reminder": "取货提醒", "followup": "未取货提醒"}
ORDER_TAKEN = "已记入【{title}】{no} 号：{address} {items}（待确认）。截单：{cutoff}。要改数量发“修改 {name} 数量”，不要了发“取消”。"
ORDER_TAKEN_LATE = "【{title}】已截单，{summary} 记为迟到（{no} 号），等社区工作人员确认。"
ORDER_TAKEN_AGAIN = "这条已经记过了。发送“查询”可看您的订单。"
ORDER_ASK_ADDRESS = "【{title}】正在接龙。请带上门牌号再发一次，例如“4-1-101 {example}”；也可以先登记：登记 4-1-101 王 13800001234。"
ORDER_OFF_ROSTER = "{address} 不在「{community}」的住户名单里，没有记入【{title}】。请核对楼号-单元-房号再发，或联系社区工作人员。"
REGISTER_WHICH_COMMUNITY = (
    "请写上您的社区，例如“登记 {first} 3-2-201 王 13800001234”。现有社区：{names}。"
)
REGISTERED_IN = "（{community}）"
# --- issue 20: a resident agrees to (or withdraws) @-mentions in their group -------------------
MENTION_AGREED = "好的，{address} 同意@提醒：以后在群里发给您家的取货提醒会@您（按您家留的手机号{phone}）。不想被@了，发“取消@提醒”。"
MENTION_PHONE = " {phone}"
MENTION_AGREED_NO_PHONE = "好的，{address} 同意@提醒。但您家还没有留手机号，群里@不到您：请发“登记 {address} 姓名 手机号”补上。不想被@了，发“取消@提醒”。"
MENTION_WITHDRAWN = (
    "好的，{address} 已取消@提醒：群里的提醒照常发，但不再@您。想再被@，发“同意@提醒”。"
)
MENTION_NO_HOUSEHOLD = "还不知道您家的门牌号，没法记下。请先登记，例如“登记 3-2-201 王 13800001234”（楼号-单元-房号 姓名 手机号），再发“{word}”。"
QUERY_MENTION = "，群里提醒时@您"

# --- issue 16: a 接龙 read from a screenshot or a photo of a paper list ----------------------
PICTURE_RECEIVED = "收到图片，正在识别…（图片 #{picture}，识别完会发消息告诉您）"
PICTURE_NOT_SUPPORTED = "这个渠道收不到图片内容，请把接龙文字复制粘贴发给我。"
PICTURE_READ = "图片 #{picture} 识别完成：「{title}」读到 {lines} 行，新增 {added} 条。"
PICTURE_READ_NOTHING_NEW = (
    "图片 #{picture} 识别完成：「{title}」里的 {lines} 行都已登记过，没有新增。"
)
PICTURE_TO_CHECK = "其中 {count} 条看不太清（第 {seqs} 条），已标为待核实，工作人员会对照图片核对。"
PICTURE_NO_LIST = (
    "图片 #{picture} 里没有找到接龙：请发接龙的截图（带“#接龙”标题那一段），或直接粘贴文字。"
)
PICTURE_NO_TEXT = "图片 #{picture} 里没有认出文字。请拍清楚一些、正对纸面再发，或直接粘贴文字。"
PICTURE_TOO_LARGE = "图片 #{picture} 太大了（最大 {limit}），请截图或压缩后再发。"
PICTURE_TOO_MANY_PIXELS = "图片 #{picture} 尺寸太大，打不开。请分几张截图发送。"
PICTURE_NOT_IMAGE = "图片 #{picture} 打不开（文件损坏或不是图片），请重新截图再发。"
PICTURE_UNAVAILABLE = "图片 #{picture} 下载失败（可能已过期），请重新发送一次。"
SIM_IMAGE_LABEL = "[图片]"
SIM_IMAGE_TOO_LARGE = "图片太大（最大 {limit}），请截图或压缩后再发。"
SIM_IMAGE_BUTTON = "图片"

# --- issue 17 (follow-up): 扫码收款 on the 收款 page; `import` without --campaign -------------
SCAN_EMPTY = "请扫码，或输入取货码、订单编号或门牌号。"
SCAN_UNREADABLE = "“{text}”不是取货码、订单编号或门牌号，没有记账。"
SCAN_NOT_FOUND = "本团没有取货码、编号或门牌为“{text}”的订单，没有记账。"
SCAN_CODE_LABEL = "取货码 {code}"
SCAN_WHO = "{address} {name}"
SCAN_ALREADY_PAID = "{target}（{who}）已经付过 {paid} 元，没有再记账。"
SCAN_MISMATCH = "金额不符，没有记账：{target}（{who}）应付 {due} 元，收到 {amount} 元。"
SCAN_NOTE = "扫码 {text}"
SCAN_CAMERA_FAILED = "摄像头打不开，请用扫码枪或手动输入。"
IMPORT_CLI_CAMPAIGN = "导入到团购 {id}「{title}」（唯一进行中的团购）。"
IMPORT_NO_OPEN_CAMPAIGN = "没有进行中的团购可以导入。请先开团，或用 --campaign 编号 指定。"
