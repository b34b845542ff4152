"""SQLAlchemy models and the repositories that implement the handlers' Protocols."""

from models.admin import AdminCredential, AdminSession, LoginAttempt, UsedLoginToken
from models.audit import AuditLog
from models.base import Base, UTCDateTime, make_engine, make_session_factory
from models.campaign import Campaign, CampaignGroup, Order, OrderLine, PickupSlot, Product
from models.chain import Chain, ChainEntry, ChainLine
from models.community import Chat, Community, Household, Invitation, Member, RosterUpload
from models.leases import Lease
from models.messaging import InboxMessage, Notice
from models.need import Need
from models.payment import OrderImport, Payment
from models.picture import Picture, PictureEntry
from models.tokens import AccessToken, RateWindow

__all__ = [
    "AccessToken",
    "AdminCredential",
    "AdminSession",
    "AuditLog",
    "Base",
    "Campaign",
    "CampaignGroup",
    "Chain",
    "ChainEntry",
    "ChainLine",
    "Chat",
    "Community",
    "Household",
    "InboxMessage",
    "Invitation",
    "Lease",
    "LoginAttempt",
    "Member",
    "Need",
    "Notice",
    "Order",
    "OrderImport",
    "OrderLine",
    "Payment",
    "PickupSlot",
    "Picture",
    "PictureEntry",
    "Product",
    "RateWindow",
    "RosterUpload",
    "UTCDateTime",
    "UsedLoginToken",
    "make_engine",
    "make_session_factory",
]
