"""Texts of the web side: the simulator and the worker page."""

from __future__ import annotations

INTERNAL_ERROR = "抱歉，刚才没处理好您的消息，已经记下来了，社区工作人员会看到。"

BOT_NAME = "邻里接龙助手"

SIM_BAD_JSON = "请求内容不是有效的 JSON 对象。"

SIM_MISSING_FIELD = "缺少字段或字段不是文字：{fields}"

SIM_EMPTY_TEXT = "消息内容不能为空。"

SIM_TEXT_TOO_LONG = "消息太长了（最多 {limit} 个字）。"

SIM_BAD_AFTER = "参数 after 必须是非负整数。"

SIM_STAFF_NEEDS_LOGIN = "模拟器里以工作人员身份发言或查看工作人员的私聊，需要先登录工作台（本机运行 make run 时终端里有登录链接）。"

SIM_STAFF_HINT = "工作人员身份需先登录工作台。"

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

GOAL_SET = "已设置成团数量：{goal}。{progress}"

GOAL_CLEARED = "已取消成团数量，不论接龙多少都发车。"

# worker page (收款)
PAGE_PAY_NONE_TICKED = "没有勾选要记为已付的订单。"

PAGE_REFUND_DONE = "已标记退回 {amount} 元。"

PAGE_GOAL_BAD = "成团数量要填 1 到 100000 的整数（留空表示不限）。"

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

IMPORT_MERGED = (
    "工作表「{sheet}」的 {cells} 是横向合并的单元格，分不清属于哪一列。请取消合并后再导入。"
)

IMPORT_FORMULA = "工作表「{sheet}」的 {cell} 是公式（{formula}），不是填好的数。请复制整张表后“选择性粘贴 → 数值”再导入。"

IMPORT_REFUSED = "没有导入任何订单，请改好表格再导入：\n{problems}"

IMPORT_ALREADY = "这个文件已在 {at} 导入过（{summary}），没有重复导入。"

IMPORT_CLOSED = "「{title}」已{status}，不能再导入订单。"

IMPORT_CAMPAIGN_STATUS = {"done": "结束", "cancelled": "取消"}

IMPORT_NO_CAMPAIGN = "没有团购 {id}。"

IMPORT_WHICH_CAMPAIGN = "有几个团购对得上：{names}。请用编号：--campaign 编号"

IMPORT_CLI_DRY_RUN = "这是预览，没有保存。确认无误后加 --yes 再运行一次即导入。"

IMPORT_CLI_LINE = "第{rows}行 {key}：{outcome} | {where} | {items}"

IMPORT_ALREADY_COUNTS = "共 {rows} 行，新建 {placed} 行，合并 {merged} 行"

IMPORT_NO_FILE = "请先选择快团团或群接龙导出的 .xlsx 文件。"

IMPORT_STASH_GONE = "预览已过期（超过一小时或已导入），请重新上传文件。"

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

SIM_IMAGE_LABEL = "[图片]"

SIM_IMAGE_TOO_LARGE = "图片太大（最大 {limit}），请截图或压缩后再发。"

SCAN_CAMERA_FAILED = "摄像头打不开，请用扫码枪或手动输入。"

IMPORT_CLI_CAMPAIGN = "导入到团购 {id}「{title}」（唯一进行中的团购）。"

IMPORT_NO_OPEN_CAMPAIGN = "没有进行中的团购可以导入。请先开团，或用 --campaign 编号 指定。"
