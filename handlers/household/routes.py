"""The household's words: 帮助, 登记, 查询 (and 查询订单 for a sender with orders), 同意@提醒 /
取消@提醒. Anyone may use them."""

from __future__ import annotations

from handlers.campaign.residents import has_orders
from handlers.household.commands import (
    handle_help,
    handle_mention_consent,
    handle_query,
    handle_register,
    register_glued,
)
from handlers.routing import WITH_TEXT, CommandSpec, WordCommands

ORDER_QUERY = ("查询订单", "我的订单", "查订单")  # 查询 by another name, for a sender with orders
MENTION_WORDS = ("同意@提醒", "取消@提醒", "不同意@提醒")

COMMANDS = WordCommands(
    {
        "帮助": CommandSpec(handle_help),
        "help": CommandSpec(handle_help),
        "使用说明": CommandSpec(handle_help),
        "登记": CommandSpec(handle_register, WITH_TEXT, glued=register_glued),
        "查询": CommandSpec(handle_query),
        **{word: CommandSpec(handle_query, only_if=has_orders) for word in ORDER_QUERY},
        **{word: CommandSpec(handle_mention_consent) for word in MENTION_WORDS},
    }
)
ROUTES = (COMMANDS.route("household_command"),)
