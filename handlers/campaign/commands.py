"""Campaign commands as workers and residents type them: the forms, parsed once. Pure.

Workers: 开团 …, 截单, 确认 12 13, 确认全部, 拒绝 12 原因, 调整 12 蔬菜套餐 1,
分配 [按比例], 到货 [下午3点], 取货 3-2-201 | 4821, 未取, 送货名单.
Residents: 取消 [12], 修改 [12] 商品 数量 (查询 is `handlers.household.commands`'s: one meaning
for everyone).
Money (issue 17): 已付 3-2-201 | 12 15 18 [116元], a pasted 微信转账 ¥116.00 3-2-201王,
已退 12, 账目, 未付款, 催款.
Full-width digits, 中文冒号 and extra spaces are all fine; a leading @mention is dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from handlers.money.payment_parse import is_transfer_note

Word = Literal[
    "open",
    "close",
    "confirm",
    "confirm_all",
    "reject",
    "adjust",
    "allocate",
    "arrive",
    "pickup",
    "not_picked",
    "delivery",
    "cancel",
    "modify",
    "paid",
    "transfer",
    "refunded",
    "money",
    "unpaid",
    "remind_unpaid",
]
RESIDENT_WORDS: tuple[Word, ...] = ("cancel", "modify")
LABELS: dict[Word, str] = {
    "open": "开团",
    "close": "截单",
    "confirm": "确认",
    "confirm_all": "确认全部",
    "reject": "拒绝",
    "adjust": "调整",
    "allocate": "分配",
    "arrive": "到货",
    "pickup": "取货",
    "not_picked": "未取",
    "delivery": "送货名单",
    "cancel": "取消",
    "modify": "修改",
    "paid": "已付",
    "transfer": "转账记账",
    "refunded": "已退",
    "money": "账目",
    "unpaid": "未付款",
    "remind_unpaid": "催款",
}
CLAIM_WORDS: tuple[Word, ...] = ("paid", "transfer")  # a resident saying so is a claim

_MENTION = re.compile(r"^(?:@\S+\s+)+")
_NOS = r"(\d{1,4}(?:\s*[,，、\s]\s*\d{1,4})*)\s*号?"
_QTY = r"(\d+(?:\.\d+)?)\s*\S{0,2}"
_PATTERNS: tuple[tuple[Word, str], ...] = (
    ("open", r"[#＃]?开团(?:[\s:：].*|\S.*)?"),
    ("close", r"截单"),
    ("confirm_all", r"(?:确认\s*全部|全部确认)"),
    ("confirm", r"确认\s*" + _NOS),
    ("reject", r"拒绝\s*(\d{1,4})\s*号?\s*[,，:：]?\s*(.*)"),
    ("adjust", r"调整\s*(\d{1,4})\s*号?\s*(\D*?)\s*" + _QTY),
    ("allocate", r"分配\s*(按?比例|按?先后|先到先得)?"),
    ("arrive", r"到货(?:\s*[:：]?\s*(\S.*))?"),
    ("pickup", r"(?:取货|核销)\s*[:：]?\s*(\S+)"),
    ("not_picked", r"(?:未取|未取货|没取)(?:名单)?"),
    ("delivery", r"送货(?:上门)?(?:名单)?"),
    ("cancel", r"取消\s*(?:订单)?\s*(\d{1,4})?\s*号?"),
    ("modify", r"修改\s*(?:(\d{1,4})\s*号?\s+)?(\D*?)\s*" + _QTY),
    ("paid", r"(?:已付款?|已收款|已收到款)(?:\s*[:：]?\s*(.*))?"),
    ("refunded", r"(?:已退款?|退款已退)(?:\s*[:：]?\s*(.*))?"),
    ("money", r"(?:账目|对账|收款情况|收款汇总)"),
    ("unpaid", r"(?:未付款|未付|没付款)(?:名单)?"),
    ("remind_unpaid", r"(?:催款|催付款|提醒付款)"),
    ("transfer", r"[\[【]?\s*(?:微信|支付宝)?\s*(?:转账|收款).*"),
)
_FORMS = tuple((word, re.compile(pattern, re.S)) for word, pattern in _PATTERNS)


@dataclass(frozen=True, slots=True)
class CampaignCommand:
    """A recognised command: its word, numbers and text arguments."""

    word: Word
    text: str  # the whole message after normalising (开团 is parsed from it)
    nos: tuple[int, ...] = ()
    name: str = ""
    qty: float | None = None
    arg: str = ""


def command_text(text: str) -> str:
    """NFKC (全角 → 半角), no leading @mention or slash, trimmed, end punctuation dropped."""
    folded = unicodedata.normalize("NFKC", text).strip()
    return _MENTION.sub("", folded).lstrip("/").strip().rstrip("。.!！?？~～ ")


_HEAD = 200  # a 接龙 repost can be 30 KB: look at its start before normalising all of it
_LONG_FORMS = ("开团", "#开团", "拒绝", "到货")  # the only commands that may run long


def parse_command(text: str) -> CampaignCommand | None:
    """The command a message is, or None. Never raises."""
    if len(text) > _HEAD and not command_text(text[:_HEAD]).startswith(_LONG_FORMS):
        return None
    folded = command_text(text)
    if not folded:
        return None
    for word, pattern in _FORMS:
        m = pattern.fullmatch(folded)
        if m is not None:
            return _build(word, folded, m)
    return None


def _build(word: Word, text: str, m: re.Match[str]) -> CampaignCommand | None:
    if word == "arrive" and m[1] and not re.search(r"[\d一二三四五六七八九十]", m[1]):
        return None  # 到货了吗 is a question, not a command
    if word == "confirm":
        return CampaignCommand(word, text, nos=tuple(int(n) for n in re.findall(r"\d+", m[1])))
    if word == "reject":
        return CampaignCommand(word, text, nos=(int(m[1]),), arg=m[2].strip())
    if word == "adjust":
        return CampaignCommand(word, text, nos=(int(m[1]),), name=m[2].strip(), qty=float(m[3]))
    if word == "modify":
        nos = (int(m[1]),) if m[1] else ()
        return CampaignCommand(word, text, nos=nos, name=m[2].strip(), qty=float(m[3]))
    if word == "cancel":
        return CampaignCommand(word, text, nos=(int(m[1]),) if m[1] else ())
    if word in ("allocate", "arrive", "pickup", "paid", "refunded"):
        return CampaignCommand(word, text, arg=(m[1] or "").strip())
    if word == "transfer" and not is_transfer_note(text):
        return None  # 转账 without an amount is talk, not a record
    return CampaignCommand(word, text)
