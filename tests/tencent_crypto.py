"""Tencent's callback crypto for the test clients, written on `cryptography` and hashlib
directly — never through wechatpy or bot.callback_crypto — so the webhooks are tested against an
implementation they do not share. 公众号 and 企业微信 use the same scheme; only the receive id
differs (AppID, CorpID or empty)."""

from __future__ import annotations

import base64
import hashlib
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

_BLOCK = 32  # Tencent pads to 32 bytes, not AES's 16


def sign(*parts: str) -> str:
    """sha1 over the sorted, concatenated parts."""
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def _cipher(aes_key: str) -> Cipher[modes.CBC]:
    key = base64.b64decode(aes_key + "=")
    return Cipher(algorithms.AES(key), modes.CBC(key[:16]))


def encrypt(text: str, aes_key: str, receive_id: str) -> str:
    """random(16) + len(4, big-endian) + text + receive id, PKCS#7 to 32, AES-256-CBC, base64."""
    raw = text.encode()
    plain = os.urandom(16) + struct.pack(">I", len(raw)) + raw + receive_id.encode()
    pad = _BLOCK - len(plain) % _BLOCK
    enc = _cipher(aes_key).encryptor()
    return base64.b64encode(enc.update(plain + bytes([pad]) * pad) + enc.finalize()).decode()


def decrypt(encrypted: str, aes_key: str) -> tuple[str, str]:
    """Inverse of encrypt: (text, receive id)."""
    dec = _cipher(aes_key).decryptor()
    plain = dec.update(base64.b64decode(encrypted)) + dec.finalize()
    plain = plain[: -plain[-1]]
    (length,) = struct.unpack(">I", plain[16:20])
    return plain[20 : 20 + length].decode(), plain[20 + length :].decode()
