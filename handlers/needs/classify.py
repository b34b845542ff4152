"""Rule-based need classifier: category, urgency, item and who it is for, with reasons.

Explainable on purpose: every decision names the words that made it, so a worker can see
why a message was judged urgent. The words themselves live in handlers/needs/data/needs.toml.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from handlers.needs.lexicon import Lexicon, clean, lexicon, normalise
from handlers.needs.repo import Category, NeedDraft

_QUOTE = re.compile(r"^\s*「(?P<quote>.*?)」\s*\n\s*[-－—–_ ]{5,}\s*(?:\n|$)(?P<reply>.*)$", re.S)
_QUOTE_SENDER = re.compile(r"^[^:：\n]{1,24}[:：]")
_STICKER = re.compile(r"\[[^\[\]\n]{1,8}\]")
_NON_WORD = re.compile(r"[\W_]+")
_PLANNABLE = ("化疗", "弱势人群")
_ACUTE = ("症状", "晕倒/摔倒", "分娩", "紧急求救", "正在发生的危险", "透析")
# In a report ("people cough in the lift", "two people slipped on the ice at the door") these
# are what the place does to passers-by, not a patient of the sender's own; a suggestion for
# lone elders in general ("建议给独居老人门口贴联系卡") names no one in need now.
_PASSERS_BY = ("症状", "晕倒/摔倒", "弱势人群")


@dataclass(frozen=True, slots=True)
class Features:
    """What the classifier saw in one normalised message."""

    text: str
    present: frozenset[str]  # question, topic, ask, item, symptom
    item: str | None


def split_quote(text: str) -> tuple[str | None, str]:
    """Split a WeChat quote-reply (「name：…」 + dashed line) into (quoted text, reply)."""
    m = _QUOTE.match(text)
    if m is None:
        return None, text
    return _QUOTE_SENDER.sub("", m["quote"].strip()), m["reply"].strip()


def without_stickers(norm: str) -> str:
    """WeChat's sticker codes ([抱拳], [强]) are emoji, not words."""
    return _STICKER.sub(" ", norm)


def core(norm: str) -> str:
    """Letters and digits only: stickers ([强]), emoji and punctuation removed."""
    return _NON_WORD.sub("", _STICKER.sub("", norm))


def is_ack(norm: str) -> bool:
    """True for a message made only of thanks/acknowledgements, stickers and emoji."""
    rest = core(norm)
    return not core(lexicon().patterns["reject.ack"].sub("", rest))


def is_metoo(text: str, loose: bool = False) -> bool:
    """True for a bare "same here" reply: 同问, 同求, +1, 我也是 (with acks or emoji).

    `loose` also accepts one that starts with 同问 / 我家也是 and adds a few words of its
    own ("同问，我家也快没了"); callers use it only when those words are not a need.
    """
    lex = lexicon()
    pats = lex.patterns
    norm = _STICKER.sub("", normalise(text))
    if not pats["metoo"].search(norm):
        return False
    rest = core(pats["reject.ack"].sub("", core(pats["metoo"].sub("", norm))))
    if not rest:
        return True
    leading = pats["metoo.leading"].search(core(norm)) is not None
    return loose and leading and len(rest) <= lex.metoo_rest


def leads_metoo(text: str) -> bool:
    """True for a message that opens with 同问 / 我家也是: it asks again, whatever follows."""
    norm = _STICKER.sub("", normalise(text))
    return lexicon().patterns["metoo.leading"].search(core(norm)) is not None


def _negated(text: str, start: int, negation: Sequence[str]) -> bool:
    before = text[max(0, start - 2) : start]
    return any(before.endswith(word) for word in negation)


def find(pattern: re.Pattern[str], text: str, negation: Sequence[str] = ()) -> str | None:
    """The first match of `pattern` not preceded by a negation (不发烧, 没有咳嗽)."""
    for m in pattern.finditer(text):
        if not _negated(text, m.start(), negation):
            return m.group(0)
    return None


def _longest(pattern: re.Pattern[str], text: str, extra: Iterable[str]) -> str | None:
    found = [m.group(0) for m in pattern.finditer(text)]
    found += [word for word in extra if word and word in text]
    return max(found, key=len) if found else None


def features(norm: str, extra_items: Iterable[str] = ()) -> Features:
    """Detect the features rules may require."""
    lex = lexicon()
    present: set[str] = set()
    item = _longest(lex.patterns["item"], norm, extra_items)
    if item is not None:
        present.add("item")
    for name in ("question", "topic", "ask"):
        if lex.patterns[name].search(norm):
            present.add(name)
    if find(lex.patterns["symptom"], norm, lex.negation) is not None:
        present.add("symptom")
    return Features(text=norm, present=frozenset(present), item=item)


def rejection(norm: str, feats: Features) -> str | None:
    """Why this message is not a need (chatter, notice, offer, …), or None."""
    pats = lexicon().patterns
    if not core(norm):
        return "empty"
    if is_ack(norm):
        return "ack"
    if is_metoo(norm):
        return "metoo"  # refers to an earlier need: match_need resolves it
    for kind in ("jielong", "notice", "offer", "advice", "response"):
        if pats[f"reject.{kind}"].search(norm):
            return kind
    if "question" not in feats.present:
        for kind in ("thanks_start", "resolved", "cancel", "order"):
            if pats[f"reject.{kind}"].search(norm):
                return kind
    if pats["reject.social"].search(norm) and not feats.present & {"item", "symptom", "topic"}:
        return "social"
    if pats["reject.crowd"].search(norm) and not feats.present & {"ask", "question"}:
        return "crowd"  # '整个小区都是咳嗽声': what everyone hears, no patient of one's own
    chatty = pats["reject.smalltalk"].search(norm) and "ask" not in feats.present
    smalltalk = chatty and not pats["inquiry"].search(norm)  # '…对了问一下，下批团购几时开'
    if smalltalk and not urgency(norm, None):
        return "smalltalk"
    return None


def categorise(feats: Features, lex: Lexicon) -> tuple[Category, str] | None:
    """The first rule whose cues match and whose required features are present."""
    for rule in lex.rules:
        if rule.requires <= feats.present and not rule.excludes & feats.present:
            m = rule.pattern.search(feats.text)
            if m is not None:
                return rule.category, m.group(0)
    return None


def who_for(norm: str, flags: Sequence[str] = ()) -> tuple[str | None, str | None]:
    """(label, source): a vulnerable group named in the text, else a registered flag."""
    for label, pattern in lexicon().for_whom:
        if pattern.search(norm):
            return label, "text"
    return (flags[0], "flag") if flags else (None, None)


def urgency(norm: str, for_whom: str | None) -> list[str]:
    """Reasons that make the need urgent; empty when it is not. 急 alone is not one."""
    lex = lexicon()
    calm = lex.patterns["not_urgent"].sub("", norm)
    reasons: list[str] = []
    for label, pattern in lex.urgent:
        hit = find(pattern, calm, lex.negation)
        if hit is not None:
            reasons.append(f"{label}: {hit}")
    distress = _vulnerable_in_distress(calm, for_whom)
    if distress is not None:
        reasons.append(distress)
    if lex.patterns["scheduled"].search(calm):  # a check-up next week: planned, not urgent
        reasons = [r for r in reasons if not r.startswith(_PLANNABLE)]
    if calm != norm:  # '不着急': only what cannot wait stays urgent
        reasons = [r for r in reasons if r.startswith(_ACUTE)]
    return reasons


def _vulnerable_in_distress(calm: str, for_whom: str | None) -> str | None:
    """'独居老人李爷爷家停电一整天了': a vulnerable person (named, or the household's flag)
    and a situation of distress; '急' alone is not distress."""
    lex = lexicon()
    who = _named(calm) or (for_whom if for_whom not in lex.not_vulnerable else None)
    if who is None:
        return None
    cue = lex.patterns["distress"].search(calm)
    if cue is None and who in lex.hurry_groups:
        cue = lex.patterns["hardship"].search(calm) or lex.patterns["hurry"].search(calm)
    if cue is None and who in lex.alone_groups:
        cue = lex.patterns["alone"].search(calm)
    return f"弱势人群: {who}（{cue.group(0)}）" if cue is not None else None


def _named(text: str) -> str | None:
    """The first vulnerable group (one that can make a need urgent) named in the text."""
    lex = lexicon()
    for label, pattern in lex.for_whom:
        if label not in lex.not_vulnerable and pattern.search(text):
            return label
    return None


def classify_text(
    text: str, extra_items: Iterable[str] = (), flags: Sequence[str] = ()
) -> NeedDraft | None:
    """Classify one message (its own words only; a bare 同问 gives None)."""
    original = clean(text)
    norm = normalise(original)
    feats = features(norm, [normalise(w) for w in extra_items])
    if rejection(norm, feats) is not None:
        return None
    found = categorise(feats, lexicon())
    if found is None:
        return None
    category, evidence = found
    for_whom, source = who_for(norm, flags)
    urgent_reasons = urgency(norm, for_whom)
    if _information(norm, feats, category, urgent_reasons):
        return None
    if category == "其他" and lexicon().patterns["report"].search(norm):
        urgent_reasons = [r for r in urgent_reasons if not r.startswith(_PASSERS_BY)]
    reasons = [f"类别 {category}: {evidence}", *urgent_reasons]
    if for_whom is not None and not any(r.startswith("弱势人群") for r in urgent_reasons):
        reasons.append(f"弱势人群: {for_whom}" + ("（登记）" if source == "flag" else ""))
    return NeedDraft(
        text=original,
        category=category,
        urgent=bool(urgent_reasons),
        item=_item_as_written(original, feats.item),
        for_whom=for_whom,
        reasons=tuple(reasons),
    )


def _information(norm: str, feats: Features, category: Category, urgent: Sequence[str]) -> bool:
    """A statement that asks nothing and concerns no one of the sender's own: an answer, a
    tip or a worker's notice ('发热门诊24小时都有', '午餐社区统一配送，不用另外报名').
    Reports (其他) and anything urgent stay needs: '3号楼电梯坏了' needs no 我."""
    if category == "其他" or urgent or feats.present & {"question", "ask", "symptom"}:
        return False
    return lexicon().patterns["own"].search(norm) is None


def _item_as_written(original: str, item: str | None) -> str | None:
    """The item in the resident's own characters when it can be found there."""
    if item is None:
        return None
    norm = normalise(original)
    at = norm.find(item)
    if at < 0 or len(norm) != len(original):
        return item
    return original[at : at + len(item)]
