"""Pickup slots, 核销, the outbox and who a notice reaches: the part of
`tests.fakes_campaigns.FakeCampaignRepo` that `models.campaign_slots`, `models.campaign_groups`
and `models.reach` implement with SQL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from handlers.campaign.values import OutboxNotice, SlotPlan, SlotView, building_key
from handlers.community.values import Follower, NamedChat, OrderContact
from handlers.statuses import LIVE_STATUSES
from models.reach import MANUAL_FLAG
from tests.fakes_campaign_rows import CampaignTables, FakeMember, FakeOrder, FakeSlot


class FakeSlotsAndNotices(CampaignTables):
    """Slots, pickups, outbox notices, a campaign's chats and an order's contact."""

    def _building(self, o: FakeOrder) -> str | None:
        home = self.homes.get(o.household_id) if o.household_id is not None else None
        return home.value.building if home else None

    # --- slots and pickups -----------------------------------------------------------
    def list_slots(self, campaign_id: int) -> list[SlotView]:
        counts: dict[int | None, int] = {}
        for o in self.orders.values():
            if o.campaign_id == campaign_id and o.status in LIVE_STATUSES:
                counts[o.slot_id] = counts.get(o.slot_id, 0) + 1
        return [
            SlotView(
                s.id, s.start_at, s.end_at, s.capacity, tuple(s.buildings), counts.get(s.id, 0)
            )
            for s in self._slots_of(campaign_id)
        ]

    def _slots_of(self, campaign_id: int) -> list[FakeSlot]:
        mine = [s for s in self.slots.values() if s.campaign_id == campaign_id]
        return sorted(mine, key=lambda s: s.start_at)

    def save_slots(
        self,
        campaign_id: int,
        plans: Sequence[SlotPlan],
        assignment: Mapping[int, int],
        codes: Mapping[int, str],
        actor: str,
        at: datetime,
    ) -> list[SlotView]:
        for plan in plans:
            slot_id = len(self.slots) + 1
            self.slots[slot_id] = FakeSlot(
                slot_id,
                campaign_id,
                plan.start_at,
                plan.end_at,
                plan.capacity,
                list(plan.buildings),
            )
        slots = self._slots_of(campaign_id)
        for order_id in sorted(codes):
            slot = slots[assignment[order_id]] if order_id in assignment else None
            self._ready(self.orders[order_id], slot, codes[order_id], actor, at)
        for slot in slots:
            names = {self._building(o) for o in self.orders.values() if o.slot_id == slot.id}
            slot.buildings = sorted({n for n in names if n}, key=building_key)
        return self.list_slots(campaign_id)

    def _ready(
        self, o: FakeOrder, slot: FakeSlot | None, code: str, actor: str, at: datetime
    ) -> None:
        before = {
            "status": o.status,
            "slot_start_at": o.slot_start_at,
            "pickup_code": o.pickup_code,
        }
        after = {
            "status": "ready",
            "slot_start_at": slot.start_at if slot else None,
            "pickup_code": o.pickup_code or code,
        }
        self.write_audit(actor, "order.slot", "order", o.id, before, after, at)
        o.status, o.updated_at = "ready", at
        o.pickup_code = o.pickup_code or code
        if slot is not None:
            o.slot_id, o.slot_start_at, o.slot_end_at = slot.id, slot.start_at, slot.end_at

    def mark_picked_up(self, order_id: int, actor: str, at: datetime) -> None:
        o = self.orders[order_id]
        before = {"status": o.status, "picked_up_at": o.picked_up_at}
        after = {"status": "picked_up", "picked_up_at": at}
        self.write_audit(actor, "order.picked_up", "order", o.id, before, after, at)
        o.status, o.picked_up_at, o.picked_up_by, o.updated_at = "picked_up", at, actor, at

    # --- notices, chats, audit ---------------------------------------------------------
    def queue_notices(self, notices: Sequence[OutboxNotice], now: datetime) -> int:
        for n in notices:
            o = self.orders.get(n.order_id) if n.manual and n.order_id is not None else None
            if o is not None and MANUAL_FLAG not in o.flags:
                o.flags = [*o.flags, MANUAL_FLAG]
        keys = {n.dedupe_key for n in self.outbox}
        new = 0
        for n in notices:
            if n.channel and n.dedupe_key not in keys:
                keys.add(n.dedupe_key)
                self.outbox.append(replace(n, not_before_at=n.not_before_at or now))
                new += 1
        return new

    def notices(self, target: str | None = None, kind: str | None = None) -> list[OutboxNotice]:
        """The outbox in queue order, optionally for one target or kind (as `Chat_.notices`)."""
        return [
            n
            for n in self.outbox
            if (target is None or n.target == target) and (kind is None or n.kind == kind)
        ]

    def campaign_chats(self, campaign_id: int) -> list[NamedChat]:
        c = self.campaigns[campaign_id]
        wanted = [(g.chat_id, g.channel) for g in self.groups.get(campaign_id, [])]
        if c.chat_id != c.created_by:
            wanted.append((c.chat_id, c.channel or "sim"))
        wanted += [
            (chain.chat_id, c.channel or "sim")
            for chain in sorted(self.chains.chains, key=lambda chain: chain.id)
            if self.chain_campaign.get(chain.id) == campaign_id and chain.chat_id != chain.opened_by
        ]
        titles = {g.chat_id: g.title for g in self.groups.get(campaign_id, [])}
        return [
            NamedChat(chat, channel, titles.get(chat, ""), self.registrations(chat))
            for chat, channel in wanted
        ]

    def order_contact(self, order_id: int) -> OrderContact | None:
        o = self.orders.get(order_id)
        if o is None:
            return None
        c = self.campaigns[o.campaign_id]
        chat_id = o.chat_id or c.chat_id
        chat = NamedChat(chat_id, c.channel or "sim", registrations=self.registrations(chat_id))
        home = self.homes.get(o.household_id) if o.household_id is not None else None
        followers = tuple(
            _follower(m)
            for m in self.people.values()
            if m.channel == "mp" and home is not None and m.household_id == home.id
        )
        sender = self.people.get(("mp", o.sender_id)) if chat_id == o.sender_id else None
        return OrderContact(
            o.id,
            chat,
            o.sender_id,
            c.created_by,
            followers,
            _follower(sender) if sender else None,
            home.value.phone if home else None,
            home is not None and home.value.mention_consent,
        )


def _follower(member: FakeMember) -> Follower:
    return Follower(member.sender_id, member.last_message_at)
