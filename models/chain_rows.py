"""Rows of the chain tables ↔ the handlers' values (ChainRef, StoredEntry, ParsedEntry)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from handlers.jielong.repo import ChainRef, Item, ParsedEntry, Product, StoredEntry


def chain_ref(row: Sequence[Any]) -> ChainRef:
    """A chains row (the columns of chains_repo._CHAIN_COLS, in order) → handler value."""
    chain_id, chat_id, key, title, is_order_list, products, opened_by, opened_at = row
    return ChainRef(
        chain_id,
        chat_id,
        key,
        title,
        bool(is_order_list),
        tuple(Product(p["name"], p.get("price"), p.get("unit"), p.get("spec")) for p in products),
        opened_by,
        opened_at,
    )


def stored_entry(row: Sequence[Any]) -> StoredEntry:
    """A chain_entries row (chains_repo._ENTRY_COLS, in order) → handler value."""
    (entry_id, chain_id, seq, author_id, line_key, status, raw, building, unit, room, name,
     items, phone, note, readable, flags) = row  # fmt: skip
    return StoredEntry(
        entry_id,
        chain_id,
        seq,
        author_id,
        line_key,
        "withdrawn" if status == "withdrawn" else "active",
        ParsedEntry(
            raw=raw,
            building=building,
            unit=unit,
            room=room,
            name=name,
            items=tuple(Item(i["name"], i["qty"], i.get("unit")) for i in items),
            phone=phone,
            note=note,
            readable=bool(readable),
        ),
        tuple(flags),
    )


def parsed_columns(parsed: ParsedEntry) -> dict[str, Any]:
    """The ChainEntry columns that hold a ParsedEntry."""
    return {
        "raw": parsed.raw,
        "building": parsed.building,
        "unit": parsed.unit,
        "room": parsed.room,
        "name": parsed.name,
        "phone": parsed.phone,
        "note": parsed.note,
        "readable": parsed.readable,
        "items": [{"name": i.name, "qty": i.qty, "unit": i.unit} for i in parsed.items],
    }


def product_row(product: Product) -> dict[str, Any]:
    """A catalogue product as stored in the chain's JSON column."""
    row: dict[str, Any] = {"name": product.name, "price": product.price, "unit": product.unit}
    if product.spec:
        row["spec"] = product.spec
    return row
