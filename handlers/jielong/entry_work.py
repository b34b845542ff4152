"""The state of one 接龙 line while it is read, and the fields it yields at the end.

`entry.parse_entry` marks what it reads in `Work.used`; the items are resolved against the
chain's catalogue and the note is what is left of the resident's own text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from handlers.jielong.address import Address
from handlers.jielong.items import pack_only
from handlers.jielong.names import looks_like_person
from handlers.jielong.normalize import is_decorative, is_punctuation_only, strip_enclosing
from handlers.jielong.products import (
    default_product,
    match_product,
    product_by_spec,
    product_of_pack,
)
from handlers.jielong.quantity import Pair, Qty
from handlers.jielong.repo import Item, Product
from handlers.jielong.spec import counted_pack

_LEAD_PUNCT = " \t\n，,。.、；;：:！!？?~～-—·…*|/\\"
_TRAIL_PUNCT = " \t\n，,、：:|/\\"  # not ";": &gt; and friends end with it


@dataclass(slots=True)
class Work:
    """Mutable state while one line is read."""

    o: str
    h: str
    used: bytearray
    note_from: int
    addr: Address | None = None
    name: str | None = None
    pairs: list[Pair] = field(default_factory=list)
    pending: str | None = None  # an item named without a count, waiting for one
    mention: str | None = None  # '@小熊' before the address: the name if none is written
    # a word before the address taken as the name though it does not look like a person
    # ('金山碧水8座1203 黄依姆'): the estate's name, if a person's name follows the address
    unsure_name: bool = False

    def take(self, start: int, end: int) -> None:
        self.used[start:end] = b"\x01" * (end - start)

    def view(self) -> str:
        return "".join(" " if self.used[i] else ch for i, ch in enumerate(self.h))


def items_of(w: Work, products: tuple[Product, ...]) -> tuple[tuple[Item, ...], bool]:
    """Resolve names and units against the price list; False when a product is ambiguous."""
    pairs = w.pairs
    if not pairs and products and (w.addr is not None or w.name is not None):
        pairs = [Pair(None, None)]
    items: list[Item] = []
    resolved = True
    for pair in (_pack_count(p, products) for p in pairs):
        unit = pair.qty.unit if pair.qty else None
        product = _product(pair, products, unit)
        name = pair.name or (product.name if product else "")
        resolved = resolved and bool(name)
        qty = pair.qty.value if pair.qty else 1.0
        items.append(Item(name=name, qty=qty, unit=unit or (product.unit if product else None)))
    return tuple(items), resolved


def _pack_count(pair: Pair, products: tuple[Product, ...]) -> Pair:
    """'冷面500g×4袋' with no other count, in a chain selling 冷面 by the 袋: 冷面500g × 4 袋."""
    split = counted_pack(pair.name) if pair.name and pair.qty is None else None
    if split is None:
        return pair
    item, count, pack = split
    product = _product(Pair(item, None), products, None)
    if product is None or product.unit != pack:
        return pair
    return Pair(item, Qty(float(count), pack))


def _product(pair: Pair, products: tuple[Product, ...], unit: str | None) -> Product | None:
    """The catalogue product an item means: by name, by its pack size, or the default."""
    if pair.name is None:
        return default_product(products, unit)
    if pack_only(pair.name):
        return product_of_pack(pair.name, products)
    return match_product(pair.name, products) or product_by_spec(pair.name, products)


def note_of(w: Work) -> str | None:
    """What is left of the resident's text once address, name, items and phone are read."""
    text = "".join(" " if w.used[i] else ch for i, ch in enumerate(w.o))
    text = " ".join(text.split()).lstrip(_LEAD_PUNCT).rstrip(_TRAIL_PUNCT)
    text = strip_enclosing(text).strip()
    if not text or is_decorative(text) or is_punctuation_only(text):
        return None
    return text


def explicit(pairs: list[Pair]) -> bool:
    """Some quantity was written."""
    return any(p.qty is not None for p in pairs)


def named(name: str | None) -> bool:
    """The name read looks like a person's."""
    return name is not None and looks_like_person(name)
