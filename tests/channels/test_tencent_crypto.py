"""The tests' own Tencent crypto (tests/tencent_crypto.py, which every fake and client uses)
checked against the vectors Tencent publishes for the 公众号 and for 企业微信 — so a test that
passes against the fakes passes against Tencent's arithmetic, not against a shared mistake.
The app's crypto meets the same vectors through HTTP in test_webhook_mp and test_wecom."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from bot.wechat_mp import MpCrypto
from bot.wecom import WeComCrypto
from tests import tencent_crypto
from tests import wechat_client as mp
from tests import wecom_client as wecom


def test_the_official_account_vector() -> None:
    signature = tencent_crypto.sign(
        mp.TOKEN, mp.VECTOR_TIMESTAMP, mp.VECTOR_NONCE, mp.VECTOR_ENCRYPT
    )
    assert signature == mp.VECTOR_MSG_SIGNATURE
    xml, app_id = tencent_crypto.decrypt(mp.VECTOR_ENCRYPT, mp.AES_KEY)
    assert app_id == mp.APP_ID
    fields = {child.tag: child.text for child in ET.fromstring(xml)}
    assert (fields["Content"], fields["MsgId"]) == (mp.VECTOR_CONTENT, mp.VECTOR_MSG_ID)


def test_the_wecom_vector() -> None:
    parts = (wecom.TOKEN, wecom.VECTOR_TIMESTAMP, wecom.VECTOR_NONCE, wecom.VECTOR_ECHOSTR)
    assert tencent_crypto.sign(*parts) == wecom.VECTOR_MSG_SIGNATURE
    assert tencent_crypto.decrypt(wecom.VECTOR_ECHOSTR, wecom.AES_KEY) == (
        wecom.VECTOR_PLAIN,
        wecom.CORP_ID,
    )


def test_the_app_and_the_tests_encrypt_alike_both_ways() -> None:
    """What one side encrypts the other decrypts, for both platforms' receive ids."""
    for receive_id, crypto in (
        (mp.APP_ID, MpCrypto(mp.TOKEN, mp.AES_KEY, mp.APP_ID)),
        (wecom.CORP_ID, WeComCrypto(wecom.TOKEN, wecom.AES_KEY, [wecom.CORP_ID])),
    ):
        ours = tencent_crypto.encrypt("<xml>邻里</xml>", crypto_key(crypto), receive_id)
        sig = tencent_crypto.sign(crypto.token, "1", "2", ours)
        assert (
            crypto.decrypt(ours, msg_signature=sig, timestamp="1", nonce="2") == "<xml>邻里</xml>"
        )
        envelope = ET.fromstring(crypto.encrypt("<xml>接龙</xml>", timestamp="1", nonce="2"))
        theirs = envelope.findtext("Encrypt") or ""
        assert tencent_crypto.decrypt(theirs, crypto_key(crypto)) == ("<xml>接龙</xml>", receive_id)
        assert envelope.findtext("MsgSignature") == tencent_crypto.sign(
            crypto.token, "1", "2", theirs
        )


def crypto_key(crypto: MpCrypto | WeComCrypto) -> str:
    return mp.AES_KEY if isinstance(crypto, MpCrypto) else wecom.AES_KEY
