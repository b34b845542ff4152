"""The one "workers only" rule: a resident who types a worker's command gets one clear answer.

Every worker command (the command table, the campaign commands, 本群属于, 后台) asks here, so
who counts as staff and what a resident is told are decided once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from handlers import texts
from handlers.types import Incoming

if TYPE_CHECKING:  # handlers.context imports handlers.community.admin_link, which asks here
    from handlers.context import Context


def refuse_resident(msg: Incoming, ctx: Context, word: str) -> str | None:
    """The refusal for a resident sending the worker command `word`; None for staff."""
    if ctx.members.role(msg.channel, msg.sender_id) != "resident":
        return None
    return texts.WORKER_ONLY.format(word=word)
