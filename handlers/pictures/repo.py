"""The storage port of pictures: queue one for OCR, read its lines, mark the entries it gave."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from handlers.types import Incoming

FLAG_PICTURE = "picture:{picture}"  # an entry read from picture #N (the worker's crop link)


@dataclass(frozen=True, slots=True)
class PictureLine:
    """One line of the list as a resident would have typed it, with how sure the OCR was."""

    text: str
    confidence: float
    crop: tuple[int, int, int, int]  # x0, y0, x1, y1 in the original picture


@dataclass(frozen=True, slots=True)
class EntryMark:
    """What a picture says about one entry it added: where it is, how sure, whether to check."""

    entry_id: int
    crop: tuple[int, int, int, int]
    confidence: float
    to_check: bool


class PictureRepo(Protocol):
    """Pictures waiting for OCR and the lines read from them."""

    def queue(self, msg: Incoming) -> int:
        """Store (or take over the upload of) the message's picture for OCR; its id."""

    def lines(self, picture_id: int) -> Sequence[PictureLine]:
        """The lines the OCR read from the picture (empty before it ran)."""

    def mark_entries(self, picture_id: int, marks: Sequence[EntryMark]) -> None:
        """Link entries to the picture (crop, confidence); flag those to check 待核实."""

    def keep_text(self, picture_id: int, text: str) -> None:
        """Remember the repost the picture gave (the next sheet of the list continues it)."""

    def previous_text(self, chat_id: str, sender_id: str, before: int) -> str | None:
        """The repost of the sender's latest earlier picture in this chat (within a day)."""


class NoPictures:
    """A Context without picture storage (handler tests that do not need it)."""

    def queue(self, msg: Incoming) -> int:
        """Nothing is stored: 0."""
        return 0

    def lines(self, picture_id: int) -> Sequence[PictureLine]:
        """No lines."""
        return ()

    def mark_entries(self, picture_id: int, marks: Sequence[EntryMark]) -> None:
        """Nothing to mark."""

    def keep_text(self, picture_id: int, text: str) -> None:
        """Nothing to keep."""

    def previous_text(self, chat_id: str, sender_id: str, before: int) -> str | None:
        """No earlier picture."""
        return None


NO_PICTURES: PictureRepo = NoPictures()
