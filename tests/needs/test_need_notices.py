"""A question a notice above it already answers is no need (REPLAY.md: questions already
answered are not needs), through the real pipeline on a migrated SQLite file.

The notice is read back from storage, so a question handled by another process than the
notice still finds it. Each test also holds a question that must stay a need: one with no
notice, one the notice does not answer, an urgent one, one about the sender's own household.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.pipeline import process
from handlers.types import Incoming
from models.base import make_engine, make_session_factory
from models.migrate import upgrade_to_head
from models.need import Need
from tests.campaign_support import SHANGHAI

T0 = datetime(2022, 5, 3, 8, 0, tzinfo=SHANGHAI)
TEST_NOTICE = "【通知】明天上午8点到10点在4号楼西侧空地做抗原检测，请带好手机"


@dataclass
class Chat:
    """A driver whose clock moves a few minutes per message; `factory` may be swapped to
    play another worker process on the same database file."""

    factory: sessionmaker[Session]
    now: datetime = T0
    ids: itertools.count[int] = field(default_factory=itertools.count)

    def say(self, sender: str, text: str, chat: str = "g1", minutes: float = 3) -> None:
        self.now += timedelta(minutes=minutes)
        msg = Incoming(
            channel="sim",
            msg_id=f"n{next(self.ids)}",
            sender_id=sender,
            chat_id=chat,
            text=text,
            received_at=self.now,
            sender_name=sender,
        )
        process(self.factory, msg)

    def needs(self) -> list[tuple[str, str, str, bool]]:
        """(chat, sender, category, urgent) of every stored need, in ticket order."""
        with self.factory() as s:
            rows = s.scalars(select(Need).order_by(Need.id))
            return [(n.chat_id, n.sender_id, n.category, n.urgent) for n in rows]


def _factory(path: Path) -> sessionmaker[Session]:
    engine = make_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    return make_session_factory(engine)


@pytest.fixture
def chat(tmp_path: Path) -> Chat:
    return Chat(_factory(tmp_path / "notices.db"))


@pytest.mark.parametrize(
    ("notice", "question"),
    [
        (TEST_NOTICE, "请问明天抗原检测在哪里做啊？"),
        (TEST_NOTICE, "明天抗原检测几点开始？"),
        (TEST_NOTICE, "明天抗原检测做到几点？"),
        (
            "各位邻居：今晚6点到8点在社区服务中心发放退热贴，每户两片",
            "退热贴在哪儿发呀？几点到几点？",
        ),
        ("明天做核酸不用带身份证，出示健康码就行", "做核酸要不要带身份证？"),
        # '地点还是南门广场': 还是 ('still') in a notice asks nothing; '还做…吗' is asked by it
        ("【通知】明天早上8点继续全员核酸，地点还是南门广场，请按楼号下楼", "明早核酸在哪做"),
        ("【通知】明天早上8点继续全员核酸，地点还是南门广场，请按楼号下楼", "明天还做核酸吗"),
        ("明天早上8点社区在南门发大米，每户一袋，行动不便的在群里报楼号", "南门几点发大米"),
    ],
)
def test_a_question_the_notice_above_answers_is_no_need(
    chat: Chat, notice: str, question: str
) -> None:
    chat.say("w1", notice)
    chat.say("r1", question)
    chat.say("r2", question, chat="g2")  # the other group had no notice: a question
    assert chat.needs() == [("g2", "r2", "咨询", False)]


def test_a_notice_about_something_else_does_not_swallow_the_question(chat: Chat) -> None:
    chat.say("w1", "明天上午9点开始做核酸，地点南门")
    chat.say("r1", "请问明天核酸在哪里做？")  # answered
    chat.say("r2", "核酸报告在哪里查？")  # 报告: the notice says nothing of it
    chat.say("r3", "明天核酸做到几点？")  # the notice gives the start, not the end
    chat.say("w1", "明天打疫苗请带身份证")
    chat.say("r4", "做核酸要不要带身份证？")  # that was about 疫苗
    chat.say("r5", "抗原检测要带什么？")  # what to bring: never settled by a notice
    assert [sender for _, sender, _, _ in chat.needs()] == ["r2", "r3", "r4", "r5"]


def test_an_urgent_or_own_household_question_after_the_notice_is_still_a_need(
    chat: Chat,
) -> None:
    chat.say("w1", TEST_NOTICE)
    chat.say("r1", "抗原检测在哪里做？")
    chat.say("r2", "抗原检测在哪里做？发高烧40度还抽搐了")
    chat.say("r3", "我家老人腿脚不便，抗原检测在哪里做？")
    assert [(sender, urgent) for _, sender, _, urgent in chat.needs()] == [
        ("r2", True),
        ("r3", False),
    ]


def test_the_senders_own_earlier_statement_answers_nothing(chat: Chat) -> None:
    chat.say("r1", "听说明天上午9点在南门做核酸")
    chat.say("r1", "明天核酸在哪里做？确定吗")  # checking what they heard: still asked
    chat.say("r2", "明天核酸在哪里做？")  # r1 said where, in the group
    assert [sender for _, sender, _, _ in chat.needs()] == ["r1"]


def test_a_notice_older_than_the_window_is_forgotten(chat: Chat) -> None:
    chat.say("w1", TEST_NOTICE)
    chat.say("r1", "抗原检测在哪里做？")
    chat.say("r2", "抗原检测在哪里做？", minutes=7 * 60)
    assert [sender for _, sender, _, _ in chat.needs()] == ["r2"]


def test_a_notice_handled_by_another_process_is_found_in_storage(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    first = Chat(_factory(path))
    first.say("w1", TEST_NOTICE)
    second = Chat(make_session_factory(make_engine(f"sqlite:///{path}")), now=first.now)
    second.say("r1", "请问明天抗原检测在哪里做啊？")
    second.say("r2", "请问明天抗原检测在哪里做啊？", chat="g2")
    assert second.needs() == [("g2", "r2", "咨询", False)]


def test_an_order_list_or_a_sentence_order_answers_no_question(chat: Chat) -> None:
    """A 接龙 names the goods and many addresses, and a sentence order an address: neither
    tells anyone where the goods come from or where to go."""
    chat.say("w1", "#接龙\n高山土豆 10斤/袋 25元/袋\n\n1. 3号楼2单元501 王 1袋")
    chat.say("r1", "土豆给我记两袋，七号楼一单元三零一")
    chat.say("r2", "请问这个土豆是哪里的土豆？")
    assert [sender for _, sender, _, _ in chat.needs()] == ["r2"]


def test_a_shared_sticker_answers_nothing(chat: Chat) -> None:
    """'[抱拳]' after a notice and after a question is an emoji, not a word they share."""
    chat.say("r2", "刚才物业说了，明早8点在南门发菜，谢谢[抱拳]")
    chat.say("r1", "请问几点能来电[抱拳]")
    assert [sender for _, sender, _, _ in chat.needs()] == ["r1"]


def test_a_same_here_under_a_question_asked_again_shares_that_question(chat: Chat) -> None:
    """'同问' right under '明天到底上不上班啊' (its sender's own question asked again, no second
    need) is a second household's 咨询, not a share of the newest need of the chat."""
    chat.say("r1", "明天还上班吗")
    chat.say("r2", "我家厨房水管爆了，水一直往外喷，谁能帮忙关一下总阀")
    chat.say("r1", "明天到底上不上班啊 公司也没人说")
    chat.say("r3", "同问 我们单位也没通知")
    got = [(s, c) for _, s, c, _ in chat.needs()]
    assert got == [("r1", "咨询"), ("r2", "求助"), ("r3", "咨询")]
