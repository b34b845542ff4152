"""JSON from the outside (the bridge, the simulator): parsed once, refused with a reason.

`json.loads` accepts what storage cannot keep or Python cannot walk: a lone surrogate
("\\ud800", not UTF-8 at all — the database refuses it, and a relay retried that forever),
nesting deep enough to raise RecursionError, NaN and Infinity. Each is a 400 with a reason
here, before any of it reaches the pipeline.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 32  # our messages are flat objects; anything deeper is not one of them


class BadJson(ValueError):
    """Input that is not usable JSON; the message is the reason given to the caller."""


def load_json(body: bytes) -> Any:
    """The parsed body; BadJson with a reason for anything unusable."""
    try:
        text = body.decode("utf-8")
        data = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite)
    except BadJson:
        raise
    except UnicodeDecodeError as exc:
        raise BadJson("malformed JSON: the body is not UTF-8") from exc
    except RecursionError as exc:
        raise BadJson("malformed JSON: nested too deeply") from exc
    except ValueError as exc:  # JSONDecodeError, or an integer of thousands of digits
        raise BadJson(f"malformed JSON: {exc}") from exc
    _check(data)
    return data


def _refuse_constant(name: str) -> Any:
    raise BadJson(f"malformed JSON: {name} is not a number")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise BadJson(f"malformed JSON: {text[:20]} is out of range")
    return value


def _check(data: Any) -> None:
    """Walk without recursion: depth, and every string (keys too) must be valid Unicode."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise BadJson(f"malformed JSON: nested deeper than {MAX_DEPTH}")
        if isinstance(value, str):
            _text(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                _text(key)
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


def _text(value: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise BadJson("malformed JSON: a string holds a lone surrogate (not Unicode text)") from exc
