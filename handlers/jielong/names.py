"""Is a word a person, an estate, or a WeChat sticker? Small lexicons, deliberately plain."""

from __future__ import annotations

import re

from handlers.jielong.quantity import valid_item_name

SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞"
    "左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕"
    "屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧"
    "闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝封楼房门"
)
_HONORIFICS = (
    "阿姨",
    "先生",
    "女士",
    "老师",
    "奶奶",
    "爷爷",
    "大爷",
    "大妈",
    "大娘",
    "叔叔",
    "阿叔",
    "婆婆",
    "伯伯",
    "太太",
    "小姐",
    "师傅",
    "医生",
    "同学",
    "姐姐",
    "哥哥",
    "叔",
    "姐",
    "哥",
    "妹",
    "伯",
    "婶",
    "嫂",
    "姨",
    "爸",
    "妈",
    "总",
    "工",
    "家",
    "老",
    "宝",
)
_NOT_NAME = re.compile(
    r"放|门口|请|麻烦|谢谢|感谢|不要|要|在家|备注|电话|手机|帮|快递|自提|取|下午|上午|晚上|早上|中午|明天|"
    r"今天|送|到|点|号|楼|单元|室|已|转账|付款|微信|红包|可以|就行|别|敲门|独居|老人|婴儿|孕|新米"
)
_ESTATE = re.compile(
    r"(?:花园|小区|社区|家园|公寓|新村|大厦|广场|苑|园|城|府|湾|庭|邸|阁|居|院|里|村|坊|庄园|"
    r"[一二三四五六七八九十\d]期|区|别墅|墅)$"
)
_STICKER_WORDS = (
    "强|弱|抱拳|玫瑰|爱心|心|微笑|握手|拳头|耶|胜利|合十|OK|ok|666|福|红包|太阳|月亮|咖啡|蛋糕|心碎|"
    "凋谢|嘿哈|捂脸|奸笑|机智|皱眉|吃瓜|加油|汗|天啊|社会社会|好的|打脸|哇|翻白眼|让我看看|叹气|"
    "苦涩|裂开|庆祝|礼物|烟花|爆竹|发抖|憨笑|可爱|偷笑|愉快|呲牙|调皮|害羞|得意|鼓掌|色|亲亲|"
    "坏笑|旺柴|动画表情|表情|图片|Emm|破涕为笑|捂脸哭|笑脸|生病|大哭|流泪|撇嘴|发呆|抠鼻|难过|"
    "惊讶|疑问|嘘|晕|衰|骷髅|敲打|再见|擦汗|囧|鄙视|委屈|快哭了|阴险|可怜|菜刀|西瓜|啤酒|猪头|"
    "炸弹|便便|月饼"
)
_STICKERS = frozenset(_STICKER_WORDS.split("|"))


def looks_like_person(text: str) -> bool:
    """'王阿姨', '陈', '小宋', '卫老师': a resident's name rather than an item or a remark."""
    if len(text) == 1 and text in SURNAMES:
        return True  # '楼', '房', '门': a surname alone, whatever else the character means
    if not valid_item_name(text) or len(text) > 5 or _NOT_NAME.search(text):
        return False
    if len(text) <= 3 and text[0] in SURNAMES:
        return True
    if len(text) <= 3 and text[0] in "小老阿" and text[1:2] in SURNAMES:
        return True
    return any(text.endswith(h) and len(text) > len(h) for h in _HONORIFICS)


def plausible_name(text: str) -> bool:
    """A short word that may be a name where a name is expected (next to the address)."""
    if looks_like_person(text):
        return True
    return valid_item_name(text) and len(text) <= 6 and _NOT_NAME.search(text) is None


def is_estate(text: str) -> bool:
    """'安顺花园', '锦绣苑二期', '阳光小区': the estate's name, dropped before an address."""
    return len(text) >= 2 and _ESTATE.search(text) is not None and not looks_like_person(text)


def is_sticker(text: str) -> bool:
    """A WeChat sticker code such as '[强]' or '[抱拳]'."""
    return len(text) >= 3 and text[0] in "[【" and text[-1] in "]】" and text[1:-1] in _STICKERS
