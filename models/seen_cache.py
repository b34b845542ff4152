"""A process-local copy of each chain's seen-line counts, trusted only under the chain's token.

Every repost of a 接龙 carries the whole chain, so the merge asks "which of these lines were
seen before?" for every line, every time. Reading the chain's `chain_lines` rows for that is
the largest storage cost of a repost. This cache keeps the counts in memory, keyed by chain,
together with the `chains.lines_token` they belong to.

Why it is never wrong, with several web workers and rollbacks:
- every transaction that writes a chain's lines (`SqlChainRepo.add_seen`) stores a fresh random
  token on the chain, and files the new counts here under that token (one token per
  transaction: reserving seqs or opening the chain may have stored it already, and the lines
  written after are filed under it);
- a reader holds the chain (FOR UPDATE on PostgreSQL, the write transaction on SQLite) when it
  reads the token, and uses the cached counts only when the tokens are equal;
- a transaction that rolls back never stores its token, so what it filed here never matches;
  a write by another process stores a token this process has never seen, so it does not match.
Entries are replaced, never changed in place (copy on write), so a reader never sees a
half-updated dict.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Mapping

MAX_CHAINS = 64  # chains kept per process; a street has a handful open at once


def new_token() -> str:
    """A token no other write of any chain will carry (64 random bits)."""
    return secrets.token_hex(8)


class SeenCache:
    """line hash → copies seen, per chain, valid for one `lines_token`; least recently used out."""

    def __init__(self, max_chains: int = MAX_CHAINS) -> None:
        self._max = max_chains
        self._lock = threading.Lock()
        self._chains: OrderedDict[int, tuple[str, dict[str, int]]] = OrderedDict()

    def get(self, chain_id: int, token: str | None) -> Mapping[str, int] | None:
        """The counts filed under exactly this token, or None (unknown, stale or no token)."""
        if token is None:
            return None
        with self._lock:
            held = self._chains.get(chain_id)
            if held is None or held[0] != token:
                return None
            self._chains.move_to_end(chain_id)
            return held[1]

    def put(self, chain_id: int, token: str, counts: dict[str, int]) -> None:
        """File the chain's complete counts as read from storage under `token`."""
        with self._lock:
            self._file(chain_id, token, counts)

    def raise_counts(
        self, chain_id: int, old: str | None, new: str, raised: Mapping[str, int]
    ) -> None:
        """After a write: counts under `old` plus `raised` (max per line) become those of `new`.

        Without a copy under `old` the chain is dropped: the next reader loads it again.
        """
        with self._lock:
            held = self._chains.get(chain_id)
            if held is None or old is None or held[0] != old:
                self._chains.pop(chain_id, None)
                return
            counts = dict(held[1])
            for digest, n in raised.items():
                if n > counts.get(digest, 0):
                    counts[digest] = n
            self._file(chain_id, new, counts)

    def _file(self, chain_id: int, token: str, counts: dict[str, int]) -> None:
        self._chains[chain_id] = (token, counts)
        self._chains.move_to_end(chain_id)
        while len(self._chains) > self._max:
            self._chains.popitem(last=False)


SEEN_CACHE = SeenCache()
