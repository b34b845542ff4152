"""扫码收款 on the 收款 page (issue 17): what a barcode scanner or the phone camera yields,
read as the orders it names, and the payment rows to confirm. Pure; never raises.

A barcode scanner is a keyboard: it types what the code holds and presses Enter. The box takes
a pickup code (`4821`, also `取货码：4821` as the resident's reminder shows it), an order number
(`12`, `12号`, `#12`) or a household address (`3-2-201`, `3号楼2单元201`). An amount written
beside it (`4821 ¥76`) must be exactly what is owed. Recording follows tick-and-confirm: each
order pays what it still owes, after one confirmation, through the same repo (audited).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from handlers import texts
from handlers.campaign.format import address
from handlers.money.balance import OrderMoney, yuan
from handlers.money.ops import PaidPlan, chosen, plan_paid, target_label
from handlers.money.payment_parse import fold, parse_pay_target, take_amount
from handlers.money.repo import METHOD_PAGE

MAX_SCAN = 60
_PREFIX = re.compile(r"^(?:取货码|提货码|取件码|核销码|订单编号|订单号|编号|#)\s*[:：]?\s*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # a scanner's CR, LF or Tab after the code


@dataclass(frozen=True, slots=True)
class Scanned:
    """The orders a scan names, how the page names them, and the amount if one was written."""

    picked: tuple[OrderMoney, ...]
    label: str
    amount: int | None = None  # fen


def clean_scan(text: str) -> str:
    """The scan as shown back to the worker: NFKC, no control characters, trimmed, capped."""
    return fold(_CONTROL.sub(" ", text))[:MAX_SCAN]


def read_scan(monies: Sequence[OrderMoney], text: str) -> Scanned | str:
    """The orders of this campaign the scan names (pickup code first), or why none."""
    scan = clean_scan(text)
    if not scan:
        return texts.SCAN_EMPTY
    amount, rest = take_amount(scan)
    rest = _PREFIX.sub("", rest.strip())
    code = "".join(rest.split()).upper()
    by_code = [m for m in monies if (m.order.pickup_code or "").upper() == code and code]
    if by_code:
        return Scanned(tuple(by_code), texts.SCAN_CODE_LABEL.format(code=code), amount)
    target = parse_pay_target(rest)
    if target is None:
        return texts.SCAN_UNREADABLE.format(text=scan)
    picked = chosen(monies, target)
    if not picked:
        return texts.SCAN_NOT_FOUND.format(text=scan)
    return Scanned(tuple(picked), target_label(target), amount)


def who(picked: Sequence[OrderMoney]) -> str:
    """3-2-201 张秀英、5-1-1102 刘洋 — the households, as the confirmation names them."""
    names = []
    for m in picked:
        h = m.order.household
        name = h.name if h and h.name else ""
        names.append(texts.SCAN_WHO.format(address=address(h), name=name).strip())
    return "、".join(dict.fromkeys(names))


def plan_scan(monies: Sequence[OrderMoney], text: str) -> PaidPlan | str:
    """What confirming this scan would record, or the sentence why nothing will be."""
    found = read_scan(monies, text)
    if isinstance(found, str):
        return found
    label, households = found.label, who(found.picked)
    credit = sum(m.credit for m in found.picked)
    if all(m.outstanding == 0 for m in found.picked) and credit > 0:
        return texts.SCAN_ALREADY_PAID.format(target=label, who=households, paid=yuan(credit))
    note = texts.SCAN_NOTE.format(text=clean_scan(text))
    plan = plan_paid(found.picked, None, METHOD_PAGE, note, exact=False, label=label)
    if isinstance(plan, str) or found.amount is None or found.amount == plan.total:
        return plan
    return texts.SCAN_MISMATCH.format(
        target=label, who=households, due=yuan(plan.total), amount=yuan(found.amount)
    )
