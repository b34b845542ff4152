"""The built-in simulator channel: a WeChat-style chat page at /sim and its small JSON API.

A dev/demo tool, on by default (`simulator = true`) so `make run` works with no credentials;
start-up refuses it on an address other than this machine's unless `simulator_public = true`.
A visitor may speak as any resident, never as staff without a worker-page session, and sees
residents' phone numbers masked (`bot.sim_access`). Messages go through
`bot.pipeline.process` with channel "sim" — the exact pipeline the WeChat webhook runs.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from bot import sim_access
from bot.admin.security import admin_now, start_session
from bot.json_input import BadJson, load_json
from bot.pictures.decode import MAX_BYTES
from bot.pipeline import process
from bot.runtime import runtime
from bot.sim_feed import (
    SIM_CHANNEL,
    chat_messages,
    chat_notices,
    member_name,
    sim_groups,
    sim_people,
)
from handlers import texts
from handlers.types import Incoming
from models.base import parse_row_id
from models.pictures_repo import store_upload

log = logging.getLogger(__name__)
BIND_WORD = "绑定"  # handlers.community.setup reads the rest of the message

bp = Blueprint("simulator", __name__, url_prefix="/sim")

MAX_TEXT_CHARS = 10_000
MAX_UPLOAD_BYTES = MAX_BYTES + 64 * 1024
IMAGE_MARK = "[图片]"
MAX_ID_CHARS = 128
GUEST_ID = "sim-guest"


@dataclass(frozen=True, slots=True)
class SendRequest:
    """A validated POST /sim/api/send body."""

    chat: str
    sender: str
    text: str
    sender_name: str


@bp.get("/")
@bp.get("")
def page() -> str:
    """The chat page; ?chat= and ?as= preselect a chat and a speaker."""
    with runtime().session_factory() as session:
        who = sim_access.viewer(session)
        groups, people = sim_groups(session), sim_people(session)
    usable = [p for p in people if who is not None or p.role == "resident"]
    return render_template(
        "sim.html",
        groups=groups,
        people=usable,
        staff_hidden=len(usable) < len(people),
        staff_hint=texts.SIM_STAFF_HINT,
        guest_id=GUEST_ID,
        bot_name=texts.BOT_NAME,
        chosen_chat=request.args.get("chat", ""),
        chosen_speaker=request.args.get("as", ""),
    )


@bp.post("/api/send")
def send() -> Response | tuple[Response, int]:
    """Run one message through the pipeline; answer with the bot's reply (null: silent)."""
    try:
        data = load_json(request.get_data())
    except BadJson:
        return _bad_request(texts.SIM_BAD_JSON)
    parsed = parse_send(data)
    if isinstance(parsed, str):
        return _bad_request(parsed)
    rt = runtime()
    with rt.session_factory() as session:
        who, staff = sim_access.viewer(session), sim_access.staff_member(session, parsed.sender)
        if not sim_access.may_act_as(who, staff):
            log.warning("sim refused: speaking as staff %s without a session", parsed.sender)
            return jsonify(ok=False, error=texts.SIM_STAFF_NEEDS_LOGIN), 403
        name = member_name(session, parsed.sender) or parsed.sender_name or parsed.sender
    msg = _incoming(parsed, name)
    reply = process(rt.session_factory, msg, rt.links, tz=rt.settings.zone)
    if staff is None and msg.text.strip().startswith(BIND_WORD):
        _log_in_if_bound(msg.sender_id)
    log.info(
        "sim message chat=%s sender=%s replied=%s", msg.chat_id, msg.sender_id, reply is not None
    )
    shown = None if reply is None else sim_access.shown(reply, who)
    return jsonify(ok=True, msg_id=msg.msg_id, is_group=msg.is_group, reply=shown)


@bp.post("/api/image")
def send_image() -> Response | tuple[Response, int]:
    """A picture (multipart field `image`) from the speaker: stored, then queued for OCR."""
    request.max_content_length = MAX_UPLOAD_BYTES  # the form around a picture of MAX_BYTES
    try:
        upload = request.files.get("image")
        form = {k: request.form.get(k) for k in ("chat", "sender", "sender_name")}
    except RequestEntityTooLarge:
        return jsonify(ok=False, error=_too_large()), 413
    parsed = parse_send({**form, "text": IMAGE_MARK})
    if isinstance(parsed, str):
        return _bad_request(parsed)
    if upload is None:
        return _bad_request(texts.SIM_MISSING_FIELD.format(fields="image"))
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        return jsonify(ok=False, error=_too_large()), 413
    rt = runtime()
    with rt.session_factory.begin() as session:
        who, staff = sim_access.viewer(session), sim_access.staff_member(session, parsed.sender)
        if not sim_access.may_act_as(who, staff):
            log.warning("sim refused: a picture as staff %s without a session", parsed.sender)
            return jsonify(ok=False, error=texts.SIM_STAFF_NEEDS_LOGIN), 403
        picture = store_upload(session, SIM_CHANNEL, parsed.chat, parsed.sender, data)
        name = member_name(session, parsed.sender) or parsed.sender_name or parsed.sender
    msg = replace(_incoming(parsed, name), text="", kind="image", media=f"upload:{picture}")
    reply = process(rt.session_factory, msg, rt.links, tz=rt.settings.zone)
    log.info("sim picture %s chat=%s sender=%s", picture, msg.chat_id, msg.sender_id)
    shown = None if reply is None else sim_access.shown(reply, who)
    return jsonify(ok=True, msg_id=msg.msg_id, is_group=msg.is_group, reply=shown)


def _too_large() -> str:
    return texts.SIM_IMAGE_TOO_LARGE.format(limit=f"{MAX_BYTES // (1024 * 1024)} MB")


def _incoming(parsed: SendRequest, name: str) -> Incoming:
    return Incoming(
        channel=SIM_CHANNEL,
        msg_id=uuid.uuid4().hex,
        sender_id=parsed.sender,
        chat_id=parsed.chat,
        text=parsed.text,
        received_at=datetime.now(UTC),
        sender_name=name,
        is_group=parsed.chat != parsed.sender,
    )


def _log_in_if_bound(sender: str) -> None:
    """A visitor whose 绑定 just made them staff is that staff member in this browser: the
    invitation code an admin handed out is the proof the simulator otherwise asks for."""
    with runtime().session_factory.begin() as db:
        member = sim_access.staff_member(db, sender)
        if member is not None and sim_access.viewer(db) is None:
            start_session(db, member.id, admin_now())
            log.info("sim: %s bound an invitation and is logged in to the worker page", sender)


@bp.get("/api/messages")
def messages() -> Response | tuple[Response, int]:
    """The chat's messages with id > after (plus their replies) and its notices."""
    chat = request.args.get("chat", "").strip()
    if not chat or len(chat) > MAX_ID_CHARS:
        return _bad_request(texts.SIM_MISSING_FIELD.format(fields="chat"))
    after = parse_row_id(request.args.get("after", "0"))
    if after is None:
        return _bad_request(texts.SIM_BAD_AFTER)
    rt = runtime()
    tz = ZoneInfo(rt.settings.timezone)
    with rt.session_factory() as session:
        who = sim_access.viewer(session)
        if not sim_access.may_act_as(who, sim_access.staff_member(session, chat)):
            return jsonify(ok=False, error=texts.SIM_STAFF_NEEDS_LOGIN), 403
        items, cursor = chat_messages(session, chat, after, tz)
        notices = chat_notices(session, chat, tz)
    for item in items:
        for key in ("text", "reply", "sender_name"):
            if item[key]:
                item[key] = sim_access.shown(item[key], who)
    for notice in notices:
        notice["text"] = sim_access.shown(notice["text"], who)
    return jsonify(chat=chat, cursor=cursor, messages=items, notices=notices)


def parse_send(data: Any) -> SendRequest | str:
    """Validate the JSON body; a str is the reason it was refused."""
    if not isinstance(data, dict):
        return texts.SIM_BAD_JSON
    missing = [
        k
        for k in ("chat", "sender", "text")
        if not isinstance(data.get(k), str) or not data[k].strip()
    ]
    if "text" in missing and isinstance(data.get("text"), str):
        return texts.SIM_EMPTY_TEXT
    if missing:
        return texts.SIM_MISSING_FIELD.format(fields=", ".join(missing))
    chat, sender, text = data["chat"].strip(), data["sender"].strip(), data["text"]
    if len(chat) > MAX_ID_CHARS or len(sender) > MAX_ID_CHARS:
        return texts.SIM_MISSING_FIELD.format(fields="chat/sender")
    if len(text) > MAX_TEXT_CHARS:
        return texts.SIM_TEXT_TOO_LONG.format(limit=MAX_TEXT_CHARS)
    name = data.get("sender_name")
    return SendRequest(chat, sender, text, name.strip()[:100] if isinstance(name, str) else "")


def _bad_request(reason: str) -> tuple[Response, int]:
    return jsonify(ok=False, error=reason), 400


@bp.errorhandler(HTTPException)
def _api_error(exc: HTTPException) -> tuple[Response | str, int]:
    """JSON errors for the API (e.g. 413 over the body limit); the page keeps the HTML ones."""
    code = exc.code or 500
    if not request.path.startswith("/sim/api/"):
        return render_template("error.html", code=code, message=exc.description), code
    return jsonify(ok=False, error=exc.description or exc.name), code
