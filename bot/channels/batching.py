"""Fit text into Tencent's byte limits (UTF-8): split on line boundaries, pack reminders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


def utf8_len(text: str) -> int:
    """Length in bytes as Tencent counts it."""
    return len(text.encode("utf-8"))


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` bytes, cut at line ends; only a too-long line is cut inside."""
    pieces: list[str] = []
    current = ""
    for line in _fit_lines(text.split("\n"), limit):
        candidate = f"{current}\n{line}" if current else line
        if current and utf8_len(candidate) > limit:
            pieces.append(current)
            candidate = line
        current = candidate
    if current or not pieces:
        pieces.append(current)
    return pieces


def _fit_lines(lines: Sequence[str], limit: int) -> list[str]:
    """Cut any line longer than `limit` bytes at character boundaries (never mid-character)."""
    out: list[str] = []
    for line in lines:
        while utf8_len(line) > limit:
            cut = line.encode("utf-8")[:limit].decode("utf-8", errors="ignore")
            out.append(cut)
            line = line[len(cut) :]
        out.append(line)
    return out


@dataclass(frozen=True, slots=True)
class Chunk:
    """One message's text and the notices (ids) it carries."""

    notice_ids: tuple[int, ...]
    text: str


def pack(items: Sequence[tuple[int, str]], header: str, limit: int) -> list[Chunk]:
    """Pack notice texts under a header into chunks of at most `limit` bytes, whole notices only.

    A notice too long for one chunk gets chunks of its own (split on lines).
    """
    chunks: list[Chunk] = []
    ids: list[int] = []
    body = header
    for notice_id, text in items:
        candidate = f"{body}\n{text}"
        if utf8_len(candidate) <= limit:
            ids, body = [*ids, notice_id], candidate
            continue
        if ids:
            chunks.append(Chunk(tuple(ids), body))
        ids, body = [notice_id], f"{header}\n{text}"
        if utf8_len(body) > limit:
            chunks.extend(Chunk((notice_id,), p) for p in split_text(body, limit))
            ids, body = [], header
    if ids:
        chunks.append(Chunk(tuple(ids), body))
    return chunks
