"""SQLAlchemy models and the repositories that implement the handlers' Protocols."""

from models.admin import AdminCredential, LoginAttempt, UsedLoginToken
from models.base import Base, UTCDateTime, make_engine, make_session_factory
from models.campaign import Campaign, Order, OrderLine, PickupSlot, Product
from models.chain import Chain, ChainEntry, ChainLine
from models.community import Chat, Community, Household, Member
from models.messaging import AuditLog, InboxMessage, Lease, Notice
from models.need import Need
from models.picture import Picture, PictureEntry
from models.tokens import AccessToken, RateWindow

__all__ = [
    "AccessToken",
    "AdminCredential",
    "AuditLog",
    "Base",
    "Campaign",
    "Chain",
    "ChainEntry",
    "ChainLine",
    "Chat",
    "Community",
    "Household",
    "InboxMessage",
    "Lease",
    "LoginAttempt",
    "Member",
    "Need",
    "Notice",
    "Order",
    "OrderLine",
    "PickupSlot",
    "Picture",
    "PictureEntry",
    "Product",
    "RateWindow",
    "UTCDateTime",
    "UsedLoginToken",
    "make_engine",
    "make_session_factory",
]
