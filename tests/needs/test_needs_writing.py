"""Ways of writing the needs classifier learned from the H2 blind set, in sentences of our own.

Each group is one general rule: what a resident or a worker would see (a need or none, its
category, urgent or not). None of these sentences is taken from the blind set.
"""

from __future__ import annotations

import pytest

from handlers.needs.handler import classify_need

# (text, category or None when it is not a need, urgent)
CASES: list[tuple[str, str | None, bool]] = [
    # An offer: whoever wants it comes (to a door) and takes it.
    ("我家有两盒没拆的退热贴，谁家孩子需要自己来9栋拿", None, False),
    ("俺家多了一箱牛奶，谁家要的来3号楼2单元楼下拿", None, False),
    ("我屋头有多的降糖药，要的话自己来4-2-101拿", None, False),
    ("谁家有退热贴？孩子烧到38度5了", "物资", True),  # asking, not offering
    ("谁要来帮我拿一下快递，我在隔离", "代买", False),  # 谁要来帮我 asks for help
    # A worker's notice: a greeting to all residents, or 【通知】 after an emoji.
    ("各位居民晚上好！明天上午8点到10点在南门发放蔬菜包，每户一份", None, False),
    ("📢【通知】明天起社区卫生站下午也开门，需要开药的可以过来", None, False),
    # A helper's reply: calming the asker, then saying what they will do.
    ("刘阿姨别着急，我这就联系物业的电工，等下给您回电话", None, False),
    ("叫救护车了吗？我马上跟门岗说开门，你先让爷爷坐着别动", None, False),
    ("外卖 will be left on the shelf by the east gate", None, False),
    ("5栋的门禁已报修", None, False),
    ("我现在联系不上我爸，他一个人住", "求助", True),  # 联系不上: the sender's own trouble
    # A report about the common parts, in words the lists lacked.
    ("东门那个快递架被大风刮倒了，堵着路", "其他", False),
    ("楼下人行道的落叶好几天了也没人扫", "其他", False),
    ("地库出口又被电动车堵死了，车开不出去", "其他", False),
    ("The lift in block 6 is broken again", "其他", False),
    ("Water is dripping from the lobby lights, something is leaking upstairs", "其他", True),
    # A hazard that has hurt passers-by is a report, not a patient of the sender's own.
    ("2号楼台阶结冰了，早上滑倒了好几个人，物业撒点融雪剂吧", "其他", False),
    ("我妈刚在台阶上滑倒了，起不来", "就医", True),  # one's own person: care, urgent
    # Questions about a service's cut-off, or whether deliveries get in, are questions.
    ("请问团购明天几点截单？", "咨询", False),
    ("Are the gates shut today? Can deliveries come in?", "咨询", False),
    ("外卖进不来了，能不能社区帮忙订点盒饭", "送餐", False),  # a statement, then an ask
    # Where to buy, in dialect or in English word order.
    ("孩子拉肚子，蒙脱石散吃完了，哪块能买到？", "物资", True),
    ("Does anyone know where we could still buy infant formula? Two bottles left", "物资", True),
    # 有冇得车 asks for a car, not for medicine.
    ("我妈要去医院拿药，她腿不好，有冇得车子送一下", "就医", False),
    # Food gone, in dialect words and naming a vegetable on its own.
    ("屋头莫得米了，啥子都莫得了", "物资", True),
    ("冰箱里就剩两个土豆了，菜什么时候到？", "物资", True),
    # Typed a character at a time, with a space after each.
    ("我 妈 的 降 压 药 吃 完 了 谁 能 帮 忙 买 一 盒", "代买", True),
    ("屋企冇餸，可唔可以幫手買啲菜？", "代买", True),
    ("我一个人隔离，不会做饭，社区有冇得盒饭送", "送餐", False),  # 有冇得 is not 冇得
    # Too ill to get out of bed, and the sick-face emoji.
    ("两口子都阳了起不来炕，能不能送点饭", "送餐", True),
    ("全家都🤒了，谁家有布洛芬", "物资", True),
]


@pytest.mark.parametrize(("text", "category", "urgent"), CASES)
def test_writing(text: str, category: str | None, urgent: bool) -> None:
    draft = classify_need(text)
    got = None if draft is None else (draft.category, draft.urgent)
    want = None if category is None else (category, urgent)
    assert got == want, None if draft is None else draft.reasons
