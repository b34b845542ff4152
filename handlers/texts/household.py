"""Texts of the household commands: 登记, 查询, @-mention consent."""

from __future__ import annotations

HELP_TEXT = (
    "邻里接龙可以这样用：\n"
    "· 登记 3-2-201 王 13800001234 —— 登记住址（楼号-单元-房号，姓名和电话可不填）\n"
    "· 查询 —— 看您登记的住址和需求处理进度\n"
    "· 同意@提醒 / 取消@提醒 —— 群里发给您家的取货提醒要不要@您（用登记的手机号）\n"
    "· 直接说明困难（如“需要代买降压药”“家里老人要去医院”），社区工作人员会尽快处理\n"
    "· 群里接龙订东西，我会帮社区整理名单"
)

REGISTER_USAGE = (
    "登记格式：登记 楼号-单元-房号 [姓名] [电话]，"
    "例如“登记 3-2-201 王 13800001234”或“登记 5号楼1单元302”。"
)

REGISTERED = "已登记住址 {address}{details}。以后求助时社区会知道您家在哪里。"

REGISTERED_NAME = "，姓名 {name}"

REGISTERED_PHONE = "，电话 {phone}"

QUERY_NOT_REGISTERED = "您还没有登记住址。发送“登记 3-2-201 王 13800001234”即可登记。"

QUERY_HOUSEHOLD = "您登记的住址：{address}{details}"

QUERY_FLAGS = "（{flags}）"

QUERY_NO_NEEDS = "您还没有提交过需求。"

QUERY_NEEDS_HEADER = "您的需求："

QUERY_NEED_LINE = "#{ticket} {category} · {status}：{text}"

REGISTER_WHICH_COMMUNITY = (
    "请写上您的社区，例如“登记 {first} 3-2-201 王 13800001234”。现有社区：{names}。"
)

MENTION_AGREED = "好的，{address} 同意@提醒：以后在群里发给您家的取货提醒会@您（按您家留的手机号{phone}）。不想被@了，发“取消@提醒”。"

MENTION_PHONE = " {phone}"

MENTION_AGREED_NO_PHONE = "好的，{address} 同意@提醒。但您家还没有留手机号，群里@不到您：请发“登记 {address} 姓名 手机号”补上。不想被@了，发“取消@提醒”。"

MENTION_WITHDRAWN = (
    "好的，{address} 已取消@提醒：群里的提醒照常发，但不再@您。想再被@，发“同意@提醒”。"
)

MENTION_NO_HOUSEHOLD = "还不知道您家的门牌号，没法记下。请先登记，例如“登记 3-2-201 王 13800001234”（楼号-单元-房号 姓名 手机号），再发“{word}”。"

QUERY_MENTION = "，群里提醒时@您"
