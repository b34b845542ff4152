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
ADMIN_LINK_REFUSED = "“后台”只对社区工作人员开放。有困难请直接说明情况，我们会尽快处理。"
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
NEED_STATUS_LABELS = {
    "new": "待处理",
    "acknowledged": "已受理",
    "in_progress": "处理中",
    "resolved": "已完成",
}
COMMAND_WORKER_ONLY = "“{word}”是社区工作人员用的命令。您有困难请直接说明情况，我们会尽快处理。"

# --- notices (scheduler: reminders, cut-off, arrival, daily report, escalation) ---------
REMINDER_PERSONAL = "【取货提醒】您在「{title}」的订单请于 {slot} 到{point}领取，取货码 {code}。"
REMINDER_GROUP_LINE = "{address}：{slot} 到{point}领取「{title}」"
REMINDER_BATCH_HEADER = "【取货提醒】请按时段领取，取货时报门牌号和取货码："
REMINDER_BATCH_HEADER_MD = "**取货提醒**　请按时段领取，取货时报门牌号和取货码："
FOLLOW_UP_PERSONAL = (
    "您在「{title}」的货品还没有领取，请尽快到{point}领取，取货码 {code}。"
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
CAMPAIGN_OPENED = "已开团（团购{id}）：{title}\n{products}\n截单：{cutoff}\n接龙已发到群里，可转发到其他群；接龙名单会自动汇总。"
CAMPAIGN_OPEN_USAGE = (
    "开团格式（每项一行，冒号可省）：\n开团：硕诚蔬菜套餐\n商品：蔬菜套餐 38元/份 限2份 库存50\n"
    "截单：明天晚上8点\n到货：后天下午3点\n取货：社区活动中心\n时段：30分钟 每段20户"
)
CAMPAIGN_OPEN_MISSING = "没看懂{missing}。\n"
CAMPAIGN_MISSING_NAMES = {"title": "团购名称", "products": "商品和价格"}
CAMPAIGN_NONE = "现在没有进行中的团购。"
CAMPAIGN_WORKER_ONLY = "“{word}”只有社区工作人员可以用。想看自己的订单，请发送“查询”。"
CAMPAIGN_CLOSED_SUMMARY = "【{title}】已截单，共{count}单：\n{lines}\n合计：{totals}"
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
ALLOCATED = "已按{rule}分配：{items}。受影响{count}户，已在群里告知。"
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
ARRIVAL_REPLY = (
    "已安排{count}户到{slots}个时段（每段最多{capacity}户），送货上门{delivery}户。群通知已发出。"
)
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
NO_ADDRESS = "{no} 号没写门牌号，请补充楼号-单元-房号，或先登记：登记 3-2-201 王 13800001234。"

# --- 接龙 ---------------------------------------------------------------------------
JIELONG_OPENED = "已开始整理接龙【{title}】，大家照常接龙就行，名单我来汇总。"
JIELONG_IMPORTED = "已从接龙【{title}】导入{count}条。"
JIELONG_EDITED = "已按您的修改更新接龙【{title}】第{seqs}条。"
JIELONG_WITHDRAWN = "您转发的接龙【{title}】里没有第{seqs}条了，已撤回。如是误删，请重新接上。"
JIELONG_UNREADABLE = (
    "接龙【{title}】第{seqs}条没看懂，请按“楼号-单元-房号 姓名 数量”重新写一下，社区也会核实。"
)
JIELONG_WORKERS_CHECK = "接龙【{title}】有{count}条需要核实：{details}"
JIELONG_CHECK_DUPLICATE = "第{seq}条与前面重复（同一户报了两次？）"
JIELONG_CHECK_UNREADABLE = "第{seq}条看不懂：{raw}"
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
NEED_LIST_STATUS_NEW = "待接单"
NEED_LIST_STATUS_TAKEN = "{name}已接"
NEED_LIST_STATUS_WORKING = "{name}处理中"
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
