"""Questions answered in the group: the answer is kept with the 咨询, a repeat is not a need.

'请问明天几点发菜？' — a worker answers '明天上午9点南门发菜' — '明天几点发菜啊？' asked after that
is already answered in the chat, so it is not a second need (REPLAY.md: questions already
answered are not needs). Before the answer, the same question is a need of its own. A notice
posted before anyone asked ('【通知】今天下午2点核酸，南门广场') answers a later '核酸在哪里做？'
the same way (`stated_before`).
"""

from __future__ import annotations

import re
from datetime import timedelta

from handlers.context import Context
from handlers.needs.classify import (
    classify_text,
    is_ack,
    leads_metoo,
    split_quote,
    without_stickers,
)
from handlers.needs.lexicon import clean, lexicon, normalise
from handlers.needs.repo import NeedDraft, StoredNeed
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
_ASKS_TIME = re.compile(
    r"几点|幾點|什么时候|什麼時候|啥时候|啥子时候|嘛时候|么时候|啥时间|好久|几时|幾時|啥辰光|哪天|几号"
    r"|what time|when"
)
_GIVES_TIME = re.compile(
    r"\d{1,2}\s*[点:：]|[上下]午|早上|晚上|中午|明早|明天|今天|今晚|明晚|\d\s*(?:am|pm)"
)
# the same service in other words: '啥时候来电' asks about what '供电局在抢修' answers
_SERVICES = (re.compile(r"[停来通供断没]电|电力|抢修"), re.compile(r"[停来通供断没]水|水务|抢修"))
_ASKS_PLACE = re.compile(r"哪里|哪儿|在哪|去哪|搁哪|哪块|哪点|什么地方|啥地方|啥子地方|where")
_ASKS_WHAT = re.compile(r"带什么|带啥|什么材料|要什么|需要什么|what (should|do) (i|we) bring")
# '2号楼架空层', '5栋大厅' name a place, and so does
# an office (在物业登记); a visit (上门采样) does not; '十号楼一单元三零二' is a household's address
_GIVES_PLACE = re.compile(
    r"(?<!上)门|在(?:物业|居委|村委|社区|卫生站|业委会)|楼下|门口|中心|驿站|广场|处|站|室|口|架空层|底层"
    r"|(?:号楼|栋|幢)(?!\s*[\d一二三四五六七八九十零〇两])"
)
_ASKS_END = re.compile(r"到几点|几点结束|几点截止|几点关|做到|until")
_GIVES_END = re.compile(r"(?:到|至|~|-|—)\s*(?:[上下]午|晚上)?\s*\d|结束|截止|为止|\d\s*点前|until")
_YES_NO = re.compile(
    r"(?:要不要|需不需要|用不用|能不能|可不可以|是不是|有没有|会不会|是否|需要|要|还)(.+)"
)
_SETTING = frozenset(["社区", "小区", "today", "tomorrow", "tonight"])  # shared, yet says nothing


def keywords(text: str) -> set[str]:
    """Content bigrams of the Chinese and content words of the English in a message (a
    sticker's name, '[抱拳]', is no content)."""
    norm = without_stickers(normalise(text))
    grams = {run[i : i + 2] for run in _CJK.findall(norm) for i in range(len(run) - 1)}
    words = set(_WORD.findall(norm)) - _FUNCTION_WORDS
    return (grams - _FUNCTION) | words


def same_question(a: str, b: str) -> bool:
    """Two residents asking the same thing ('请问明天几点发菜？' / '明天几点发菜啊？')."""
    ka, kb = keywords(a), keywords(b)
    shared = len(ka & kb)
    if _other_things(_items(a), _items(b)):
        return False  # '有没有邻居有多的体温计' and '…有多的奶粉' ask for two things
    kinds = _kind(a), _kind(b)
    if None not in kinds and kinds[0] != kinds[1]:
        return False  # '几点' and '带什么' about the same 核酸 are two questions
    return shared >= 2 and shared >= 0.3 * min(len(ka), len(kb))


def asked_again(first: str, again: str) -> bool:
    """One household's question asked a second time: the same question, or one about the same
    topic asking the same kind of thing ('快递能进来吗' / '快递到底能不能拿到啊')."""
    if same_question(first, again):
        return True
    kinds = _kind(first), _kind(again)
    if None not in kinds and kinds[0] != kinds[1]:
        return False
    return bool(_topics(first) & _topics(again) or _content(first) & _content(again))


def _items(text: str) -> set[str]:
    """The things from the lexicon's item list that a message names."""
    return {m[0] for m in lexicon().patterns["item"].finditer(normalise(text))}


def _other_things(a: set[str], b: set[str]) -> bool:
    """Both name things and none is the same ('菜' is '蔬菜', '体温计' is not '奶粉')."""
    return bool(a and b) and not any(x in y or y in x for x in a for y in b)


def _kind(text: str) -> str | None:
    """What a question asks for: a time, a place, or something else (None when unclear)."""
    norm = normalise(text)
    if _ASKS_TIME.search(norm):
        return "time"
    if _ASKS_PLACE.search(norm):
        return "place"
    return "what" if _ASKS_WHAT.search(norm) else None


def answers(question: str, text: str) -> bool:
    """Does `text` (not itself a question) answer `question`? Shared words, or the time or
    place the question asks for."""
    norm, patterns = normalise(text), lexicon().patterns
    asks = patterns["question"].search(norm) and not patterns["reject.notice"].search(norm)
    if asks or is_ack(norm):
        return False  # a notice's '地点还是北门' ('still') asks nothing
    if keywords(question) & keywords(text):
        return True
    q = normalise(question)
    return bool(
        (_ASKS_TIME.search(q) and _GIVES_TIME.search(norm))
        or (_ASKS_PLACE.search(q) and _GIVES_PLACE.search(norm))
    )


def note_answer(msg: Incoming, ctx: Context) -> None:
    """Keep a group message that answers the chat's open question from someone else (a quote
    of the question above the answer counts as answering it)."""
    if not msg.is_group or msg.kind != "text":
        return
    quoted, reply = split_quote(clean(msg.text))
    question = _open_question(msg, ctx, quoted)
    if question is None or (quoted is None and not answers(question.draft.text, reply)):
        question = _older_question(msg, ctx, reply) if quoted is None else question
    if question is None:
        return
    if leads_metoo(reply):
        return  # '同问，我家也…' asks again, it does not answer
    if (quoted is not None and not _asks(reply)) or answers(question.draft.text, reply):
        ctx.needs.record_answer(question.id, reply, msg.sender_id, msg.received_at)


def _older_question(msg: Incoming, ctx: Context, reply: str) -> StoredNeed | None:
    """An earlier open question this reply answers by name ('菜市场明天停业' answers
    '明天菜市场开不开' asked before '地铁还开吗'): it shares a content word with the question."""
    since = msg.received_at - ANSWER_WINDOW
    for need in ctx.needs.recent_needs(msg.chat_id, since):
        if need.sender_id == msg.sender_id or need.answer is not None:
            continue
        if _asks(need.draft.text) and _content(need.draft.text) & _content(reply):
            return need
    return None


def answered_before(msg: Incoming, draft: NeedDraft, ctx: Context) -> bool:
    """The same question the chat has already had answered: not a need of its own."""
    if draft.urgent or not msg.is_group or not _asks(draft.text):
        return False
    since = msg.received_at - ANSWER_WINDOW
    return any(
        q.answer is not None and _settled_by(draft, q.draft, q.answer)
        for q in ctx.needs.recent_needs(msg.chat_id, since)
    )


def _settled_by(draft: NeedDraft, asked: NeedDraft, answer: str) -> bool:
    """The same question, or one in other words whose answer is there. Where neither is a
    咨询 they must be of one kind: '哪里还买到猫砂？' (物资) is not settled by the answer to
    '猫砂要人铲…' (求助), '我可以帮你，…出得门'."""
    if same_question(asked.text, draft.text):
        return True
    kin = {draft.category, asked.category}
    return (len(kin) == 1 or "咨询" in kin) and _asked_again(draft.text, asked.text, answer)


def _asked_again(text: str, question: str, answer: str) -> bool:
    """A bare question in other words whose answer is already in the chat: '隔离的午饭几点送啊？'
    after '隔离户的午餐晚餐社区统一配送，11点和5点送到门口'. It names no one of the sender's own,
    shares a word with the question or its answer, and the answer gives the time or place
    it asks for."""
    if lexicon().patterns["own"].search(normalise(text)):
        return False  # '我家老人…能不能送上楼' is this household's own need
    gives = {"time": _GIVES_TIME, "place": _GIVES_PLACE}.get(_kind(text) or "")
    if gives is None or gives.search(normalise(answer)) is None:
        return False
    shared = keywords(text) & (keywords(question) | keywords(answer))
    return bool(shared) or _same_service(text, f"{question} {answer}")


def _same_service(text: str, said: str) -> bool:
    """Power or water asked about, and named (or its repair) in what was said."""
    norm, other = normalise(text), normalise(said)
    return any(p.search(norm) is not None and p.search(other) is not None for p in _SERVICES)


def _asks(text: str) -> bool:
    return lexicon().patterns["question"].search(normalise(text)) is not None


def _open_question(msg: Incoming, ctx: Context, quoted: str | None) -> StoredNeed | None:
    """The newest unanswered question of the chat (the quoted one, when a quote is given)."""
    since = msg.received_at - ANSWER_WINDOW
    for need in ctx.needs.recent_needs(msg.chat_id, since):
        if need.sender_id == msg.sender_id or not _asks(need.draft.text):
            continue
        if quoted is not None and not same_question(need.draft.text, quoted):
            continue
        return None if need.answer is not None else need
    return None


def stated_before(msg: Incoming, draft: NeedDraft, ctx: Context) -> bool:
    """A 咨询 whose answer someone else already posted in the chat — a notice, a statement —
    before it was asked: not a need. Read from storage (several processes serve one chat)."""
    if draft.urgent or draft.category != "咨询" or not msg.is_group:
        return False
    question = split_quote(clean(msg.text))[1]
    if not _asks(question) or lexicon().patterns["own"].search(normalise(question)):
        return False  # '我家老人…' is this household's own situation
    since = msg.received_at - ANSWER_WINDOW
    lines = ctx.chat_log.recent_lines(msg.chat_id, since, excluding=msg.sender_id)
    said = (split_quote(clean(line.text))[1] for line in lines if line.at <= msg.received_at)
    return any(not _is_order(text) and _states(question, text) for text in said)


def _is_order(text: str) -> bool:
    """A 接龙 post or an order typed as a sentence lists what people want, it informs no one:
    '鲜鸡蛋 30枚/箱' above '请问这个鸡蛋是哪儿的蛋？' does not answer it."""
    norm, patterns = normalise(text), lexicon().patterns
    return any(
        patterns[f"reject.{kind}"].search(line)
        for kind in ("jielong", "order")
        for line in norm.splitlines()
    )


def _states(question: str, said: str) -> bool:
    """Does `said`, a statement and no need of its own, give what `question` asks: the time
    or place it asks for, or for a yes/no question the very thing asked about? A question
    of another kind ('带什么') is never settled this way."""
    if not answers(question, said):
        return False
    if _kind(question) is None:
        asked = _YES_NO.search(normalise(question))
        thing = "" if asked is None else asked[1]
        gives = bool(_content(thing) & _content(said)) or _same_service(thing, said)
    else:
        thing = question
        gives = _asked_again(question, said, said) and _gives_all(question, said)
        gives = gives and bool(_content(question) & _content(said))
    return gives and _same_topics(thing, question, said) and classify_text(said) is None


def _gives_all(question: str, said: str) -> bool:
    """'在哪儿？几点开？' needs both a place and a time in the statement, '做到几点' the end."""
    q, s = normalise(question), normalise(said)
    pairs = ((_ASKS_TIME, _GIVES_TIME), (_ASKS_END, _GIVES_END), (_ASKS_PLACE, _GIVES_PLACE))
    return all(gives.search(s) for asks, gives in pairs if asks.search(q))


def _content(text: str) -> set[str]:
    """Keywords that name a thing, not only a day or the place everyone lives."""
    return {w for w in keywords(text) if w not in _SETTING and not _GIVES_TIME.fullmatch(w)}


def _topics(text: str) -> set[str]:
    """The lexicon's topics named in `text` ('核酸', '报告'), other than asking words."""
    found = {m[0] for m in lexicon().patterns["topic"].finditer(normalise(text))}
    asking = (_ASKS_TIME, _ASKS_PLACE)
    return {t for t in found - _SETTING if not any(p.search(t) for p in asking)}


def _same_topics(thing: str, question: str, said: str) -> bool:
    """Every topic of the thing asked is in the statement ('核酸报告在哪里查' is not settled by
    a notice about 核酸 alone), and a statement naming topics names one of the question's
    (a notice about 疫苗 does not settle a question about 核酸)."""
    norm, stated = normalise(said), _topics(said)
    if not all(_names(t, norm, stated) for t in _topics(thing)):
        return False
    asked = _topics(question)
    return not asked or not stated or any(_names(t, norm, stated) for t in asked)


def _names(topic: str, norm: str, stated: set[str]) -> bool:
    """The statement names the topic ('testing' is named by 'test')."""
    return topic in norm or any(topic.startswith(t) or t.startswith(topic) for t in stated)
