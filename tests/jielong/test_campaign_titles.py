"""A title that names who runs the campaign before the campaign of its goods ('天悦府 周末丑橘团',
'物业 中秋月饼团'): the goods are the product every bare count takes, never the estate."""

from __future__ import annotations

from pathlib import Path

from tests.jielong.test_regional_forms import read


def test_the_estate_before_the_campaign_is_not_the_product(tmp_path: Path) -> None:
    post = (
        "#Group Note\n锦绣府 国庆砂糖橘团 5斤/箱 39元/箱\n周六北门自提\n例 2-1-301 Amy 1箱\n\n"
        "1. Kate 8-2-1502 2箱\n"
        "2. 5-1-602 老周 1"
    )
    assert read(tmp_path, post) == [
        ("8", "2", "1502", "Kate", [("砂糖橘", 2, "箱")], None),
        ("5", "1", "602", "老周", [("砂糖橘", 1, "箱")], None),
    ]


def test_a_campaign_before_its_goods_still_names_them(tmp_path: Path) -> None:
    post = "#接龙\n牛奶团 特仑苏纯牛奶 250ml*12盒 65元/箱\n\n1. 3-1-201 王 2箱"
    assert read(tmp_path, post) == [("3", "1", "201", "王", [("特仑苏纯牛奶", 2, "箱")], None)]
