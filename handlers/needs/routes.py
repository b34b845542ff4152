"""The needs feature's routes: the workers' need words (接单 12, 转 12 王芳, 完成 12 …, 查看需求,
需求汇总, 汇总开团), and a free-form request (需求) as the last thing a message can be."""

from __future__ import annotations

import re

from handlers.needs.aggregate import handle_group_campaign, handle_groups, with_flag_memory
from handlers.needs.commands import handle_done, handle_list, handle_take, handle_transfer
from handlers.needs.handler import handle_need, match_need
from handlers.routing import WITH_TEXT, CommandSpec, Route, WordCommands

_TICKET = r"\s*#?\d{1,9}\s*号?"

COMMANDS = WordCommands(
    {
        "接单": CommandSpec(handle_take, re.compile(_TICKET + r"\s*"), workers_only=True),
        "转": CommandSpec(
            handle_transfer, re.compile(_TICKET + r"(?:\s*给\s*|\s+)\S+\s*"), workers_only=True
        ),
        "完成": CommandSpec(
            handle_done, re.compile(_TICKET + r"(?:\s+.*)?", re.S), workers_only=True
        ),
        "查看需求": CommandSpec(handle_list, workers_only=True),
        "需求汇总": CommandSpec(handle_groups, workers_only=True),
        "汇总开团": CommandSpec(handle_group_campaign, WITH_TEXT, workers_only=True),
    }
)
COMMAND_ROUTES = (COMMANDS.route("need_command"),)
NEED_ROUTES = (Route("need", match_need, with_flag_memory(handle_need)),)
