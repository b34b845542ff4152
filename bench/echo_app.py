"""The yardstick of bench/webhook.py: a bare wechatpy + Flask echo of 公众号 安全模式 messages.

It does what any 公众号 backend must (check msg_signature, decrypt, parse, build the reply,
encrypt it) and nothing else, under the gunicorn settings of Linli's web app
(`bot.serve.gunicorn_options`). A bench fixture, not part of Linli.

    .venv/bin/python bench/echo_app.py PORT
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, request
from wechatpy import create_reply, parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.serve import gunicorn_options
from tests import wechat_client as wc


def create_echo_app() -> Flask:
    """POST /wechat/mp answers a text message with its own text, encrypted."""
    app = Flask(__name__)
    crypto = WeChatCrypto(wc.TOKEN, wc.AES_KEY, wc.APP_ID)

    @app.post("/wechat/mp")
    def echo() -> Response:
        args = request.args
        try:
            xml = crypto.decrypt_message(
                request.get_data(), args["msg_signature"], args["timestamp"], args["nonce"]
            )
        except (KeyError, InvalidSignatureException, InvalidAppIdException):
            abort(403)
        msg = parse_message(xml)
        reply = create_reply(getattr(msg, "content", ""), msg).render()
        encrypted = crypto.encrypt_message(reply, args["nonce"], args["timestamp"])
        return Response(encrypted, mimetype="application/xml")

    return app


def main(port: int) -> None:
    """Serve the echo under gunicorn with the web app's options."""
    from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]

    class Echo(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in gunicorn_options(f"127.0.0.1:{port}", "echo-web").items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return create_echo_app()

    Echo().run()


if __name__ == "__main__":
    main(int(sys.argv[1]))
