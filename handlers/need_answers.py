"""Questions answered in the group: the answer is kept with the 咨询, a repeat is not a need.

'请问明天几点发菜？' — a worker answers '明天上午9点南门发菜' — '明天几点发菜啊？' asked after that
is already answered in the chat, so it is not a second need (REPLAY.md: questions already
answered are not needs). Before the answer, the same question is a need of its own.
"""

from __future__ import annotations

import re
from datetime import timedelta

from handlers.context import Context
from handlers.needs_classify import is_ack
from handlers.needs_lexicon import lexicon, normalise
from handlers.needs_store import NeedDraft, StoredNeed
from handlers.types import Incoming

ANSWER_WINDOW = timedelta(hours=6)
_CJK = re.compile(r"[\u4e00-\u9fff]+")
_WORD = re.compile(r"[a-z]{3,}")
_FUNCTION = frozenset(
    [
        *("请问", "问一", "一下", "什么", "时候", "怎么", "是不", "不是", "有没", "没有", "可以"),
        *("能不", "不能", "大家", "我们", "你们", "我家", "哪里", "哪儿", "在哪", "知道", "晓得"),
        *("哪个", "要带", "一个", "这个", "那个", "的话"),
    ]
)
_FUNCTION_WORDS = frozenset(
    ["what", "when", "where", "time", "does", "the", "and", "for", "you", "anyone", "please"]
)
_ASKS_TIME = re.compile(r"几点|什么时候|啥时候|好久|几时|啥辰光|哪天|几号|what time|when")
_GIVES_TIME = re.compile(r"\d{1,2}\s*[点:：]|[上下]午|早上|晚上|中午|明早|明天|今天|\d\s*(?:am|pm)")
_ASKS_PLACE = re.compile(r"哪里|哪儿|在哪|去哪|什么地方|where")
_GIVES_PLACE = re.compile(r"门|楼下|门口|中心|驿站|广场|处|站|室|口")


def keywords(text: str) -> set[str]:
    """Content bigrams of the Chinese and content words of the English in a message."""
    norm = normalise(text)
    grams = {run[i : i + 2] for run in _CJK.findall(norm) for i in range(len(run) - 1)}
    words = set(_WORD.findall(norm)) - _FUNCTION_WORDS
    return (grams - _FUNCTION) | words


def same_question(a: str, b: str) -> bool:
    """Two residents asking the same thing ('请问明天几点发菜？' / '明天几点发菜啊？')."""
    ka, kb = keywords(a), keywords(b)
    shared = len(ka & kb)
    return shared >= 2 and shared >= 0.4 * min(len(ka), len(kb))


def answers(question: str, text: str) -> bool:
    """Does `text` (not itself a question) answer `question`? Shared words, or the time or
    place the question asks for."""
    norm = normalise(text)
    if lexicon().patterns["question"].search(norm) or is_ack(norm):
        return False
    if keywords(question) & keywords(text):
        return True
    q = normalise(question)
    return bool(
        (_ASKS_TIME.search(q) and _GIVES_TIME.search(norm))
        or (_ASKS_PLACE.search(q) and _GIVES_PLACE.search(norm))
    )


def note_answer(msg: Incoming, ctx: Context) -> None:
    """Keep a group message that answers the chat's open question from someone else."""
    if not msg.is_group or msg.kind != "text":
        return
    open_question = _open_question(msg, ctx)
    if open_question is not None and answers(open_question.draft.text, msg.text):
        ctx.needs.record_answer(open_question.id, msg.text.strip(), msg.sender_id, msg.received_at)


def answered_before(msg: Incoming, draft: NeedDraft, ctx: Context) -> bool:
    """A 咨询 the chat has already had answered: not a need of its own."""
    if draft.category != "咨询" or not msg.is_group:
        return False
    since = msg.received_at - ANSWER_WINDOW
    return any(
        q.answer is not None and same_question(q.draft.text, draft.text)
        for q in ctx.needs.recent_questions(msg.chat_id, since)
    )


def _open_question(msg: Incoming, ctx: Context) -> StoredNeed | None:
    since = msg.received_at - ANSWER_WINDOW
    latest = next(iter(ctx.needs.recent_questions(msg.chat_id, since)), None)
    if latest is None or latest.answer is not None or latest.sender_id == msg.sender_id:
        return None
    return latest
