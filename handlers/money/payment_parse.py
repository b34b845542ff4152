"""Who paid, as a worker types or pastes it (issue 17). Pure; never raises.

    已付 3-2-201            已付 12 15 18            已付 3号楼2单元201 116元
    微信转账 ¥116.00 3-2-201王      [转账] ￥76 7-2-401 赵德明

Order numbers are bare numbers; anything else is read as an address with the 接龙 reader's
`find_address` (read only), so 3号楼2单元201, 3-2-201 and 5#1102 all work. An amount needs
its ¥ or 元, so `已付 12 15` is never read as money.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from handlers.campaign.repo import OrderView
from handlers.household.repo import Address
from handlers.jielong.address import find_address
from handlers.money.balance import to_fen

_AMOUNT = re.compile(r"[¥￥]\s*(\d{1,6}(?:\.\d{1,2})?)|(\d{1,6}(?:\.\d{1,2})?)\s*(?:元|块)")
_NOS = re.compile(r"\d{1,4}(?:\s*[,，、\s]\s*\d{1,4})*\s*号?")
_TRANSFER = re.compile(r"^\s*[\[【]?\s*(?:微信|支付宝)?\s*(?:转账|收款)\s*[\]】]?")


@dataclass(frozen=True, slots=True)
class PayTarget:
    """The orders a payment is for (numbers or one address) and the amount, if written."""

    nos: tuple[int, ...] = ()
    address: Address | None = None
    amount: int | None = None  # fen
    note: str = ""  # the text as the worker wrote it (kept on the payment row)


def fold(text: str) -> str:
    """NFKC (全角 → 半角) and trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def parse_pay_target(text: str) -> PayTarget | None:
    """The target of 已付 / 已退: numbers or an address, optionally an amount; None if neither."""
    folded = fold(text)
    amount, rest = take_amount(folded)
    rest = rest.strip(" ,，、:：")
    if not rest:
        return None
    if _NOS.fullmatch(rest):
        nos = tuple(dict.fromkeys(int(n) for n in re.findall(r"\d+", rest)))
        return PayTarget(nos=nos, amount=amount, note=folded)
    address = read_address(rest)
    return None if address is None else PayTarget(address=address, amount=amount, note=folded)


def parse_transfer(text: str) -> PayTarget | None:
    """A pasted transfer note (微信转账 ¥116.00 3-2-201王): its amount and address; None when
    it is not one. A note without an address still gives the amount (address None)."""
    folded = fold(text)
    if not _TRANSFER.match(folded):
        return None
    amount, rest = take_amount(folded)
    if amount is None:
        return None
    rest = _TRANSFER.sub(" ", rest)
    return PayTarget(address=read_address(rest), amount=amount, note=folded)


def is_transfer_note(text: str) -> bool:
    """Starts like a transfer record and names an amount."""
    return parse_transfer(text) is not None


def take_amount(text: str) -> tuple[int | None, str]:
    """The first ¥/元 amount in the text (fen) and the text without it."""
    m = _AMOUNT.search(text)
    if m is None:
        return None, text
    return to_fen(m[1] or m[2]), text[: m.start()] + " " + text[m.end() :]


def read_address(text: str) -> Address | None:
    """The first household address in the text, or None."""
    found = find_address(fold(text))
    if found is None or not found.is_household:
        return None
    return found.building, found.unit, found.room


def orders_at(orders: Sequence[OrderView], address: Address) -> list[OrderView]:
    """Orders of the household at this address (a missing part matches anything)."""
    building, unit, room = address
    return [
        o
        for o in orders
        if o.household is not None
        and (room is None or o.household.room == room)
        and (building is None or o.household.building == building)
        and (unit is None or o.household.unit in (unit, None))
    ]


def address_text(address: Address) -> str:
    """3-2-201"""
    return "-".join(p for p in address if p) or "?"
