"""Ways of writing the needs classifier learned from the H5 blind set (cold waves, power cuts,
typhoons, a death at home, relatives writing for others), in sentences of our own.

Each group is one general rule: what a resident or a worker would see (a need or none, its
category, urgent or not). None of these sentences is taken from the blind set.
"""

from __future__ import annotations

import pytest

from handlers.needs.handler import classify_need

# (text, category or None when it is not a need, urgent)
CASES: list[tuple[str, str | None, bool]] = [
    # A helper's reply: on the way, the ambulance already called for the asker.
    ("5楼的我们这就上来，已经给您喊了救护车", None, False),
    ("302已经帮你叫了120，保安马上上楼", None, False),
    ("我家就在隔壁单元，我过去看看", None, False),
    ("电梯明天才能修好，我们安排志愿者背老人下楼", None, False),
    # An offer of things no longer used, for whoever needs them.
    ("家里孩子小时候的婴儿床和推车用不上了，谁家需要的免费拿走", None, False),
    # A 楼长's opening post: tell us what you need, we register it.
    (
        "各位住户，我是3号楼志愿者小林，有什么需要就在群里说，注明几栋几楼，我们统一登记",
        None,
        False,
    ),
    # Whether a door still opens, a clinic is open, one may go back for one's things: questions.
    ("停电以后单元门的电子锁是不是就开不了了？送外卖的进不来", "咨询", False),
    ("请问社区门诊这几天还开门吗？孩子下个月要打预防针", "咨询", False),
    ("我们一家来走亲戚被封在这了，东西都在宾馆，可以回去取一下吗？", "咨询", False),
    ("后天幼儿园还开园吗", "咨询", False),
    ("团的肉终于到了，挺新鲜的哈哈。对了问一下，下次团购啥时候开啊", "咨询", False),
    # Where to collect water, whether something is handed out, an exchange of goods: supplies.
    ("停水两天了，家里喝的水都没了，请问在哪能打到水？", "物资", True),
    ("天这么冷，居委会有没有棉被发啊", "物资", False),
    ("家里有人不吃猪肉，发的菜包能不能给我们换成鸡蛋或者豆腐", "物资", False),
    # Someone sent, a visit for one who cannot get down, rubbish taken down: help.
    ("我妈糖尿病还偷偷吃甜的，怎么说都不听，社区能不能派个医生去说说她", "求助", False),
    ("请问下周抗原还是每天测吗，我家老爷子瘫痪在床下不了楼，能不能上门给他测", "求助", False),
    ("有没有志愿者可以帮忙把垃圾拿下去？我一个人住，这几天都没下过楼", "求助", False),
    ("我家老人刚下楼倒垃圾，摔了一跤起不来", "就医", True),
    # Someone shut in a lift is a rescue, even with water coming in.
    ("我儿子被困在电梯里了，电梯井里在进水", "求助", True),
    ("我爸一个人卡在3号楼电梯里了，电梯突然不动了", "求助", True),
    # Paying a bill for someone is an errand; who will see to the meals is 送餐.
    ("哪位志愿者能帮忙去营业厅交一下电费？钱我转你，我腿脚不好出不了门", "代买", False),
    ("3单元有个独居的奶奶，儿子被拉去隔离了，这几天的饭谁能管一下", "送餐", True),
    # A noise at night asked to be turned down, a fallen tree: reports.
    ("楼上每天半夜一两点还在剁肉，吵得孩子睡不着，能不能请物业去说一下让他们小声点", "其他", False),
    ("小区东门那棵大树倒了，横在路中间，车都出不去", "其他", False),
    # Heavy bleeding, heatstroke with slurred speech, an eye that will not open: care, urgent.
    ("我爸在楼下切西瓜把手划了，流了一地的血，按都按不住，5栋302", "就医", True),
    ("隔壁单元那个独居的阿公满头大汗，说话含含糊糊的，是不是中暑了？", "就医", True),
    ("我儿子踢球眼睛被沙子迷了，揉得通红睁不开，要不要去医院", "就医", True),
    # A child alone with little food left; voice input writing 药 as 要.
    (
        "我是5号楼的小明 我爸爸妈妈都被送去隔离点了 家里就我一个人 冰箱里只剩两包饼干了",
        "物资",
        True,
    ),
    ("我用的是语音输入，我的降糖要只剩两天的了，能不能请志愿者帮我去药店买一盒", "代买", True),
    # Old people in a flat this cold, or suddenly left with no one: in danger now.
    (
        "我是602老李的儿子，在外地。我爸妈都七十多了，暖气坏了，屋里才9度，能不能请物业去看看",
        "求助",
        True,
    ),
    ("5栋有户人家夫妻俩都被转运了，家里就剩一个85岁的老太太，这几天的饭谁来管一下", "送餐", True),
    # Adult diapers are not infant formula; a suggestion about lone elders names no one in need.
    ("我家老人瘫痪在床，纸尿裤快用完了，要成人纸尿裤，哪里能买到？", "物资", False),
    ("建议给独居老人家门口都贴个联系卡，上次电话一直打不通，太危险了", "其他", False),
    # A week of medicine left is not nearly gone; can't buy it, someone fetch it: an errand.
    (
        "我爸的降压药还剩一个星期的量，我在外地买不到，能不能麻烦志愿者帮忙去医院开一下",
        "代买",
        False,
    ),
]


@pytest.mark.parametrize(("text", "category", "urgent"), CASES)
def test_situations(text: str, category: str | None, urgent: bool) -> None:
    draft = classify_need(text)
    got = None if draft is None else (draft.category, draft.urgent)
    want = None if category is None else (category, urgent)
    assert got == want, None if draft is None else draft.reasons
