"""Who may do what in the simulator, a sandbox that anyone who reaches the server can use.

A simulator identity proves nothing: the visitor picks it from a list. So the simulator never
lets a visitor act as staff, or read what staff are told, on its say-so:
- speaking as a staff member of the sim channel (worker or admin) — which would run worker
  commands and get `后台` links — takes a worker-page session of staff who serve that
  member's community (admins serve all);
- a staff member's 1:1 chat (delivery lists, names and phones) is readable only with one;
- for every other visitor, mobile numbers in what the simulator shows are masked.
One rule here, used by the page, the send API and the messages API.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.admin.security import Staff, admin_now, load_staff
from handlers.campaign.rules import mask_phones_in
from models.community import Member
from models.staff import STAFF_ROLES

SIM_CHANNEL = "sim"


def viewer(session: Session) -> Staff | None:
    """The staff member logged in to the worker page in this browser, if any."""
    return load_staff(session, admin_now())


def staff_member(session: Session, external_id: str) -> Member | None:
    """The sim-channel staff member with this id (None for residents, guests, strangers)."""
    member = session.scalar(
        select(Member).where(Member.channel == SIM_CHANNEL, Member.external_id == external_id)
    )
    return member if member is not None and member.role in STAFF_ROLES else None


def may_act_as(who: Staff | None, member: Member | None) -> bool:
    """True when `member` is no staff member, or `who` is staff serving their community."""
    if member is None:
        return True
    return who is not None and (who.is_admin or who.community_id == member.community_id)


def shown(text: str, who: Staff | None) -> str:
    """What a visitor sees of a text: mobile numbers masked unless staff are looking."""
    return text if who is not None else mask_phones_in(text)
