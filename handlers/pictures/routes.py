"""The pictures feature's routes: a picture is queued for OCR; the text read from it (the OCR
job's message) is merged into its chain as a repost."""

from __future__ import annotations

from handlers.pictures.handler import (
    handle_picture,
    handle_picture_text,
    match_picture,
    match_picture_text,
)
from handlers.routing import Route

ROUTES = (
    Route("picture", match_picture, handle_picture),
    Route("picture_text", match_picture_text, handle_picture_text),
)
