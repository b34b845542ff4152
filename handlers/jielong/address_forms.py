"""The shapes of a household address across China, as regular expressions on half-width text.

Each part is read by what it means: a building (号楼, 栋, 幢, 座, 塔, #, a Beijing 号院 or a
village 组), a unit (单元, 梯 the stair core, 门, a side of the building 东侧), a room (digits,
spoken digits, or a floor and a door: 5楼2号 → 502). `address.find_address` scores the
candidates these forms find.
"""

from __future__ import annotations

import re

from handlers.jielong.names import SURNAMES
from handlers.jielong.quantity import UNIT_RE, UNITS

_CN = "[一二三四五六七八九十]"
# Measure words that are also surnames: glued to a room they may be either ('602包').
SURNAME_UNITS = "".join(sorted(u for u in UNITS if len(u) == 1 and u in SURNAMES))
_DASH = r"[-－—–~～]"
_DASH3 = r"[-－—–~～/]"  # 3/2/201 too, only in the three-part form
_PAUSE = r"[-－—–~～，,、]"  # between the parts of a suffixed address: voice input adds commas
# Pinyin input's homophones read as meant: 好楼, 号搂, 号漏 for 号楼, 动 for 栋, 单远, 丹元
# for 单元; 动 alone names no building (address._suffix_ok wants a unit or room after it).
# Voice input hears 洞 for 栋 (三洞二单元): like 动, only with a unit or room after it.
_BSUF = r"(?:号楼|號樓|号樓|號楼|好楼|号搂|号漏|号栋|号幢|号座|栋|棟|动|洞|幢|座|塔|号|號|#|楼|樓)"
_CN_B = "[一二三四五六七八九十幺]"  # a building said aloud: 十二栋, 幺幺栋 (11, digit by digit)
# 门洞 / 楼洞: the entrance of a stair in the north-east, the unit (5号楼1门洞302)
_USUF = r"(?:单元|單元|单远|单圆|单原|单园|丹元|梯|[门門楼樓]洞|门(?!口|岗|卫|前|外))"
ROOM = r"\d{3,4}(?:[A-Za-z](?![A-Za-z]))?"  # 1201A: a letter after the number
# 六零二 (spoken digit by digit), 六百零三, 一千零二: after 号楼 or 单元 only
_CN_ROOM = (
    r"[零〇洞幺一二两三四五六七八九]{3,4}"
    r"|[一二三四五六七八九]千[零〇一二三四五六七八九十百]{1,5}"
    r"|[一二三四五六七八九]百(?:[零〇][一二三四五六七八九]|[一二三四五六七八九十]{1,3})?"
)
# After a room: no measure word ('302张' is a room and a surname only before more letters)
_SURNAME_UNIT = r"(?!张[^\d\s份袋斤箱个盒瓶包])"
# A bare room said aloud (六零三, 一千零一): only leading its line, spoken digit by digit or
# with 千/百, so that counts (三袋) and names are never taken for it.
_SPOKEN_ROOM = (
    r"[零〇幺一二三四五六七八九]{3,4}(?=\s)|[一二三四五六七八九]千零[一二三四五六七八九](?=\s)"
)
ROOM_END = (
    rf"(?!\d|\.\d|(?:{_SURNAME_UNIT}{UNIT_RE}|元|块|人|位|岁|点|弄|路|期|年|号楼|栋|幢|单元|楼|层))"
)
# Parts of a Shanghai 石库门 or a Beijing 四合院 that a household lives in, as written.
HOUSE_PART = (
    r"(?:亭子间|灶披间|客堂间|[前后]客堂|[前后]楼|[前后东西]厢房|[二三]层阁|阁楼|晒台|"
    r"(?:[东西南北正前后中倒][厢耳罩座]?|后罩)[房屋](?:\d{1,2})?)"
)
_ROOM_SUFFIX = r"(?:\s*室|房(?![\u4e00-\u9fff])|号(?!楼|院)|號)?"
# 5楼2号, 4楼2房 (an urban village's rented room), 8樓B室 and 15/F A室 (a Hong Kong-style flat)
_FLOOR_DOOR = (
    rf"(?P<fl>\d{{1,2}}|{_CN}{{1,3}})\s*(?:[楼层樓]|/?\s*[Ff](?![A-Za-z]))\s*"
    rf"(?P<door>\d{{1,2}}|{_CN}{{1,3}}|[A-Za-z](?=\s*室))\s*(?:[号號室户]|房(?![\u4e00-\u9fff]))"
)
_UNIT_PART = (
    rf"(?:(?P<u>\d{{1,2}}|{_CN}{{1,2}})\s*(?:{_USUF}|{_DASH})"
    rf"|(?P<side>[东西南北中A-Za-z])\s*(?:侧|单元|單元|梯))"
)
_ROOM_PART = rf"(?:{_FLOOR_DOOR}|(?P<r>{ROOM}|{_CN_ROOM}){ROOM_END}{_ROOM_SUFFIX})"

FORMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "dash3",
        re.compile(
            rf"(?<![\dA-Za-z.])(?P<b>\d{{1,3}}|[A-Za-z]\d{{0,2}})\s*{_DASH3}\s*(?P<u>\d{{1,2}})\s*"
            rf"{_DASH3}\s*(?P<r>{ROOM}){ROOM_END}{_ROOM_SUFFIX}"
        ),
    ),
    (
        "suffix",
        re.compile(
            rf"(?<![\dA-Za-z.])(?:\d{{1,3}}\s*号院\s*)?(?:第\s*)?"
            rf"(?P<b>\d{{1,3}}|[A-Za-z]\d{{0,2}}|{_CN_B}{{1,3}})\s*(?P<bs>{_BSUF})"
            rf"(?:\s*{_PAUSE}?\s*{_UNIT_PART})?(?:\s*{_PAUSE}?\s*{_ROOM_PART})?"
        ),
    ),
    (
        "yard",  # 23号院东厢房, 65号亭子间: the courtyard or house is the building
        re.compile(
            rf"(?<![\dA-Za-z.])(?P<b>\d{{1,3}}|{_CN}{{1,3}})\s*"
            rf"(?:号院(?!\s*\d{{1,3}}\s*号楼)|号(?={HOUSE_PART}))"
            rf"(?:\s*(?P<rw>{HOUSE_PART}))?"
        ),
    ),
    (
        # 三组17号, 3排5号: the village group or row is the building, the house number the room
        "village",
        re.compile(
            rf"(?<![\d.])(?P<b>\d{{1,2}}|{_CN}{{1,3}})\s*(?:组|队|排)\s*"
            rf"(?P<r>\d{{1,4}}|{_CN}{{1,4}})\s*[号號](?![楼樓院])"
        ),
    ),
    (
        "unit",
        re.compile(
            rf"(?<![\d.])(?P<u>\d{{1,2}}|{_CN}{{1,2}})\s*{_USUF}\s*{_PAUSE}?\s*{_ROOM_PART}"
        ),
    ),
    ("floor_door", re.compile(rf"(?<![\d.]){_FLOOR_DOOR}")),  # 12楼1号 → room 1201
    (
        "dalian",  # 125号1-5-2: building 125, unit 1, the 5th floor's door 2 → room 502
        re.compile(
            rf"(?<![\dA-Za-z.])(?P<b>\d{{1,3}})\s*[号號]\s*(?P<u>\d{{1,2}})\s*{_DASH}\s*"
            rf"(?P<fl>\d{{1,2}})\s*{_DASH}\s*(?P<door>\d{{1,2}})(?![\d\-－—–~～])"
        ),
    ),
    (
        "room_count",
        re.compile(
            rf"(?<![\d.\-])(?P<r>\d{{3,4}})\s*(?:{_DASH}|_)+\s*(?P<c>\d{{1,2}})"
            rf"(?P<cu>{UNIT_RE})?(?![\d\-])"
        ),
    ),
    (
        "dash2",
        re.compile(
            rf"(?<![\dA-Za-z.])(?P<b>\d{{1,3}}|[A-Za-z]\d{{0,2}})\s*{_DASH}\s*(?P<r>{ROOM}){ROOM_END}"
            rf"{_ROOM_SUFFIX}"
        ),
    ),
    # a bare room leads its line (only emoji may come before it)
    (
        "room",
        re.compile(
            rf"(?<![\dA-Za-z.])(?P<r>{ROOM}|{_SPOKEN_ROOM}){ROOM_END}{_ROOM_SUFFIX}"
            r"(?=\s|$|[^\x00-\x7f]|[,;:])"
        ),
    ),
)
