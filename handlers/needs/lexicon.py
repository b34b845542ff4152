"""The needs word lists (handlers/needs/data/needs.toml), compiled once, and text normalisation.

Every list is data, so a worker's new phrasing is a one-line change to the TOML file.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast

from handlers.needs.repo import CATEGORIES, Category

DATA_FILE = Path(__file__).with_name("data") / "needs.toml"
_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad]")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_SIGNALS = ("question", "topic", "info", "ask", "own", "report", "inquiry", "detail", "arrived")


@dataclass(frozen=True, slots=True)
class Rule:
    """One ordered category rule: cues plus the features that must also be present."""

    category: Category
    pattern: re.Pattern[str]
    requires: frozenset[str]
    excludes: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Compiled word lists; `groups` are named (label, pattern) lists such as urgency."""

    t2s: dict[int, str]
    dialect: Mapping[str, str]
    dialect_words: re.Pattern[str] | None
    patterns: Mapping[str, re.Pattern[str]]
    rules: tuple[Rule, ...]
    urgent: tuple[tuple[str, re.Pattern[str]], ...]
    for_whom: tuple[tuple[str, re.Pattern[str]], ...]
    negation: tuple[str, ...]
    metoo_window_hours: float
    not_vulnerable: frozenset[str] = frozenset()
    hurry_groups: frozenset[str] = frozenset()
    alone_groups: frozenset[str] = frozenset()
    metoo_rest: int = 0


def _alternation(words: Sequence[str]) -> str:
    """`(?:a|b|c)`, longest first so the leftmost match is the most specific word."""
    return "(?:" + "|".join(sorted(words, key=len, reverse=True)) + ")"


def _expand(word: str, named: Mapping[str, str]) -> str:
    """Replace `{name}` with the alternation of list `name` (unknown names fail loudly)."""
    return _PLACEHOLDER.sub(lambda m: named[m.group(1)], word)


def _compile(words: Sequence[str], named: Mapping[str, str]) -> re.Pattern[str]:
    return re.compile(_alternation([_expand(w, named) for w in words]), re.IGNORECASE)


def _named_lists(raw: Mapping[str, Any]) -> dict[str, str]:
    """Alternations that other entries may refer to as `{name}`."""
    named = {k: _alternation(v) for k, v in raw["lists"].items()}
    named["item"] = named["items"]
    named["symptom"] = _alternation(raw["symptom"]["cues"])
    for key in ("question", "topic", "ask"):
        named[key] = _alternation(raw["signal"][key])
    named["info"] = _alternation([_expand(w, named) for w in raw["signal"]["info"]])
    return named


def _rules(raw: Sequence[Mapping[str, Any]], named: Mapping[str, str]) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for entry in raw:
        category = entry["category"]
        if category not in CATEGORIES:
            raise ValueError(f"needs.toml: unknown category {category!r}")
        pattern = _compile(entry["cues"], named)
        requires = frozenset(entry.get("requires", ()))
        excludes = frozenset(entry.get("excludes", ()))
        rules.append(Rule(cast(Category, category), pattern, requires, excludes))
    return tuple(rules)


def _t2s_table(pairs: str) -> dict[int, str]:
    chars = "".join(pairs.split())
    return {ord(t): s for t, s in zip(chars[0::2], chars[1::2], strict=True)}


def _dialect_table(table: Mapping[str, str], t2s: dict[int, str]) -> dict[str, str]:
    """Cantonese words → Mandarin, keyed as text reads after traditional → simplified."""
    return {word.translate(t2s): mandarin for word, mandarin in table.items()}


def _dialect_words(dialect: Mapping[str, str]) -> re.Pattern[str] | None:
    return re.compile(_alternation([re.escape(w) for w in dialect])) if dialect else None


def _as_mandarin(text: str, words: re.Pattern[str] | None, dialect: Mapping[str, str]) -> str:
    """Replace each dialect word, longest first, by its Mandarin reading (one pass)."""
    return text if words is None else words.sub(lambda m: dialect[m[0]], text)


def _read_lists(raw: Any, words: re.Pattern[str] | None, dialect: Mapping[str, str]) -> Any:
    """Every word list read as Mandarin too, so a cue written in Cantonese ('有冇', '唔该')
    still meets text that normalise() has read as Mandarin."""
    if isinstance(raw, str):
        return _as_mandarin(raw, words, dialect)
    if isinstance(raw, list):
        return [_read_lists(v, words, dialect) for v in raw]
    if isinstance(raw, dict):
        return {
            k: v if k == "normalise" else _read_lists(v, words, dialect) for k, v in raw.items()
        }
    return raw


def build_lexicon(raw: Mapping[str, Any]) -> Lexicon:
    """Compile the parsed TOML; a malformed file raises at start-up, not on a message."""
    t2s = _t2s_table(raw["normalise"]["t2s"])
    dialect = _dialect_table(raw["normalise"].get("dialect", {}), t2s)
    words = _dialect_words(dialect)
    raw = _read_lists(raw, words, dialect)
    named = _named_lists(raw)
    patterns = {f"reject.{k}": _compile(v, named) for k, v in raw["reject"].items()}
    patterns |= {
        k: _compile([_expand(w, named) for w in raw["signal"][k]], named) for k in _SIGNALS
    }
    patterns["item"] = _compile(raw["lists"]["items"], named)
    patterns["symptom"] = _compile(raw["symptom"]["cues"], named)
    patterns["distress"] = _compile(raw["distress"]["cues"], named)
    patterns["not_urgent"] = _compile(raw["distress"]["not_urgent"], named)
    patterns["scheduled"] = _compile(raw["distress"]["scheduled"], named)
    patterns["hurry"] = _compile(raw["distress"]["hurry"], named)
    patterns["hardship"] = _compile(raw["distress"]["hardship"], named)
    patterns["alone"] = _compile(raw["distress"]["alone"], named)
    patterns["metoo"] = _compile(raw["metoo"]["cues"], named)
    patterns["metoo.leading"] = re.compile(
        "^" + _alternation([_expand(w, named) for w in raw["metoo"]["leading"]]), re.IGNORECASE
    )
    return Lexicon(
        t2s=t2s,
        dialect=dialect,
        dialect_words=words,
        patterns=patterns,
        rules=_rules(raw["rule"], named),
        urgent=tuple((u["reason"], _compile(u["cues"], named)) for u in raw["urgent"]),
        for_whom=tuple((f["label"], _compile(f["cues"], named)) for f in raw["for_whom"]),
        negation=tuple(raw["symptom"]["negation"]),
        metoo_window_hours=float(raw["metoo_window_hours"]),
        not_vulnerable=frozenset(raw["distress"].get("not_vulnerable", ())),
        hurry_groups=frozenset(raw["distress"].get("hurry_groups", ())),
        alone_groups=frozenset(raw["distress"].get("alone_groups", ())),
        metoo_rest=int(raw["metoo"].get("max_rest", 0)),
    )


@cache
def lexicon() -> Lexicon:
    """The compiled word lists, loaded once per process."""
    with DATA_FILE.open("rb") as fh:
        return build_lexicon(tomllib.load(fh))


# Spaces between Chinese characters, or between one and punctuation (after NFKC: '，' is ','):
# '小 罗 ， 我' reads as '小罗,我' whichever way the resident or the keyboard spaced it.
_HAN = "\u4e00-\u9fff"
_PUNCT = ",.!?;:、。…~"
_SPACE_IN_CHINESE = re.compile(
    rf"(?<=[{_HAN}])\s+(?=[{_HAN}{_PUNCT}])|(?<=[{_PUNCT}])\s+(?=[{_HAN}])"
)


def clean(text: str) -> str:
    """Remove invisible characters (zero-width, BOM, soft hyphen) and trim."""
    return _INVISIBLE.sub("", text).replace("\u00a0", " ").strip()


def normalise(text: str) -> str:
    """Text for matching: NFKC (full-width forms), traditional → simplified, Cantonese words
    read as Mandarin ('有冇' → '有没有', '唔' → '不'), lower-case, and no spaces between
    Chinese characters ('独 居 老 人', typed a character at a time) nor beside punctuation
    between them ('药店 ， 带一盒')."""
    lex = lexicon()
    folded = unicodedata.normalize("NFKC", clean(text)).translate(lex.t2s)
    return _SPACE_IN_CHINESE.sub("", _as_mandarin(folded, lex.dialect_words, lex.dialect)).lower()
