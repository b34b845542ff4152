"""Pure rules of ordering: which product an item means, and what a limit leaves."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from handlers.campaign.repo import ProductSpec
from handlers.statuses import LIVE_STATUSES, OPEN_STATUSES, REJECTABLE_STATUSES, OrderStatus

VULNERABLE_FLAGS = ("独居老人", "行动不便", "居家隔离")


def squash(text: str) -> str:
    """Name key: NFKC, no spaces or punctuation, lower case."""
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[\s\W_]+", "", text)


def match_product(name: str, products: Sequence[ProductSpec]) -> ProductSpec | None:
    """The product an item names: exact, else the one product whose name contains it (or is
    contained in it). Ambiguous or unknown names give None: ask, do not guess."""
    key = squash(name)
    if not key:
        return products[0] if len(products) == 1 else None
    for product in products:
        if squash(product.name) == key:
            return product
    found = [p for p in products if key in squash(p.name) or squash(p.name) in key]
    return found[0] if len(found) == 1 else None


def within_limit(qty: float, limit: float | None, used: float) -> float:
    """How much of `qty` fits under a per-household limit given what is already ordered."""
    if limit is None:
        return qty
    return max(0.0, min(qty, limit - used))


def is_live(status: OrderStatus) -> bool:
    """Orders that still want goods."""
    return status in LIVE_STATUSES


def can_decide(status: OrderStatus) -> bool:
    """Orders a worker may still confirm."""
    return status in OPEN_STATUSES


def can_reject(status: OrderStatus) -> bool:
    """Orders a worker may still reject: anything not yet final."""
    return status in REJECTABLE_STATUSES


def is_vulnerable(flags: Sequence[str]) -> bool:
    """独居老人, 行动不便, 居家隔离: goods go to the door."""
    return any(f in VULNERABLE_FLAGS for f in flags)


def mask_phone(phone: str | None) -> str:
    """138****1234; short or missing numbers are masked whole."""
    if not phone:
        return ""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 11 else "****"


_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def mask_phones_in(text: str) -> str:
    """Every mainland mobile number in a text as 138****1234 (the mask_phone form)."""
    return _MOBILE.sub(r"\1****\3", text)


def qty_text(qty: float) -> str:
    """2 not 2.0; 0.5 stays 0.5."""
    return str(int(qty)) if float(qty).is_integer() else f"{qty:g}"
