"""A need reads the same however the keyboard spaced its punctuation (found metamorphically)."""

from __future__ import annotations

from handlers.needs.classify import classify_text


def test_spaces_around_punctuation_do_not_change_the_category() -> None:
    """' ， ' (some keyboards and voice input put spaces round a comma) is still a comma."""
    tight = classify_text("谁能帮我到楼下药店，带一盒布洛芬，孩子发烧了")
    loose = classify_text("谁能帮我到楼下药店 ， 带一盒布洛芬 ， 孩子发烧了")
    assert tight is not None and loose is not None
    assert (loose.category, loose.urgent) == (tight.category, tight.urgent) == ("代买", True)
