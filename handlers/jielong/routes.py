"""The 接龙 feature's routes: a correction of what was read (更正商品 …), a post or repost, and
— while a chain is open in the chat — a sentence order or the author's 取消. Each reports the
entries it changed as a `ChainChanged`, which the campaign feature follows."""

from __future__ import annotations

from handlers.jielong.correction import handle_catalogue_correction, match_catalogue_correction
from handlers.jielong.handler import (
    handle_chain_line,
    handle_jielong,
    match_chain_line,
    match_jielong,
)
from handlers.routing import Route

POST_ROUTES = (
    Route("catalogue_correction", match_catalogue_correction, handle_catalogue_correction),
    Route("jielong", match_jielong, handle_jielong),
)
LINE_ROUTES = (Route("chain_line", match_chain_line, handle_chain_line),)
