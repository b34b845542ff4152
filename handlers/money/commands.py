"""The money words in chat (issue 17): 已付, a pasted transfer note, 已退, 账目, 未付款, 催款.

Workers record and check money; a resident who says 已付 (or pastes a transfer) is thanked
and the workers are asked to check, since only the 团长 sees what reached the account.
"""

from __future__ import annotations

from datetime import datetime

from handlers import texts
from handlers.campaign.commands import CampaignCommand
from handlers.campaign.repo import CampaignRepo, CampaignView
from handlers.context import Context
from handlers.money.ops import mark_paid, money_report, remind_unpaid, settle, unpaid_list
from handlers.money.payment_parse import parse_pay_target, parse_transfer, read_address
from handlers.money.repo import METHOD_CHAT, METHOD_TRANSFER
from handlers.types import Action, Incoming, NotifyWorkers, Reply


def money_command(
    cmd: CampaignCommand, c: CampaignView, repo: CampaignRepo, actor: str, now: datetime
) -> str:
    """A worker's money command on the current campaign; the reply."""
    match cmd.word:
        case "paid":
            target = parse_pay_target(cmd.arg)
            if target is None:
                return texts.PAY_USAGE
            return mark_paid(repo, c, target, METHOD_CHAT, actor, now)
        case "transfer":
            note = parse_transfer(cmd.text)
            if note is None:
                return texts.PAY_USAGE
            if note.address is None:
                return texts.TRANSFER_NO_ADDRESS
            return mark_paid(repo, c, note, METHOD_TRANSFER, actor, now, exact=True)
        case "refunded":
            target = parse_pay_target(cmd.arg)
            return texts.REFUND_USAGE if target is None else settle(repo, c, target, actor, now)
        case "money":
            return money_report(repo, c)
        case "unpaid":
            return unpaid_list(repo, c)
        case _:
            return remind_unpaid(repo, c, now)


def claim_payment(msg: Incoming, ctx: Context) -> list[Action]:
    """A resident says they paid: thank them, and ask the workers to check and record it."""
    home = ctx.members.household(msg.channel, msg.sender_id)
    found = read_address(msg.text)
    label = home.label() if home is not None else "-".join(p for p in found or () if p)
    who = " ".join(p for p in (label, (home.name if home else None) or msg.sender_name) if p)
    notice = NotifyWorkers(
        texts.PAY_CLAIM_WORKERS.format(
            who=who, text=msg.text.strip()[:100], target=label or "门牌号"
        ),
        dedupe_key=f"pay-claim:{msg.channel}:{msg.msg_id}",
    )
    return [Reply(texts.PAY_CLAIM), notice]
