"""The one rule of where a notice about a resident goes, and how workers name groups (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from handlers.community.values import Destination, Follower, GroupRef, ResidentFacts
from handlers.reach import can_post, find_group, one_per_chat, reach_resident

NOW = datetime(2022, 4, 13, 6, 30, tzinfo=UTC)
WINDOW = timedelta(hours=48)
ROBOT_GROUP = GroupRef("wecom_robot", "wrk-g3", "3号楼群")
WECHAT_GROUP = GroupRef("wechat", "wechat-7", "7号楼群", reachable=False)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (  # wrote 47 h ago: 1:1 on the 公众号
            ResidentFacts((Follower("o-1", NOW - timedelta(hours=47)),), ROBOT_GROUP),
            Destination("mp", "o-1", personal=True),
        ),
        (  # wrote 49 h ago: the group the order came from, @-mentioned only with consent
            ResidentFacts(
                (Follower("o-1", NOW - timedelta(hours=49)),), ROBOT_GROUP, None, "13800001234"
            ),
            Destination("wecom_robot", "wrk-g3", mention_mobile="13800001234"),
        ),
        (  # a 1:1 chat with no window (the simulator)
            ResidentFacts((), None, ("sim", "u-1")),
            Destination("sim", "u-1", personal=True),
        ),
        (  # an ordinary WeChat group and no 公众号: nobody but the workers' list
            ResidentFacts((Follower("o-1", None),), WECHAT_GROUP),
            Destination("manual", "", manual=True),
        ),
        (ResidentFacts(), Destination("manual", "", manual=True)),
    ],
    ids=["window", "group", "windowless-1to1", "ordinary-group", "nothing"],
)
def test_a_notice_about_a_resident_goes_to_that_resident(
    facts: ResidentFacts, expected: Destination
) -> None:
    assert reach_resident(facts, NOW, WINDOW) == expected


def test_after_a_refused_1_to_1_the_group_is_next() -> None:
    facts = ResidentFacts((Follower("o-1", NOW),), ROBOT_GROUP)
    assert reach_resident(facts, NOW, WINDOW, personal=False).target == "wrk-g3"


def test_a_bridge_group_gets_no_mention() -> None:
    facts = ResidentFacts((), GroupRef("bridge", "g-1"), None, "13800001234")
    assert reach_resident(facts, NOW, WINDOW) == Destination("bridge", "g-1")


def test_which_groups_linli_can_post_to() -> None:
    assert can_post("wecom_robot", True) and not can_post("wecom_robot", False)
    assert can_post("bridge", False) and can_post("sim", False)
    assert not can_post("wechat", True) and not can_post("mp", True)


def test_one_group_per_chat_prefers_a_channel_that_posts() -> None:
    silent = GroupRef("wecom_robot", "g-1", reachable=False)
    relay = GroupRef("bridge", "g-1")
    assert one_per_chat([silent, relay, GroupRef("sim", "g-2")]) == [relay, GroupRef("sim", "g-2")]


@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("3号楼群", "wrk-g3"),
        ("３号楼群", "wrk-g3"),
        ("7号楼", "wechat-7"),
        ("号楼", None),
        ("", None),
    ],
)
def test_a_group_is_found_by_its_name(name: str, found: str | None) -> None:
    group = find_group(name, [ROBOT_GROUP, WECHAT_GROUP])
    assert (group.chat_id if group else None) == found
