"""The load of bench/webhook.py: 公众号 text messages, signed and encrypted as WeChat sends them
in 安全模式, and the loader processes that send them (closed loop, or open loop at a fixed rate).

One round is a seeded mix sent 1:1 to the 公众号: three in four are a resident reposting his
接龙 (the first 1–39 lines of his chain, a length drawn afresh each time, so a repost may add
lines, repeat the last one, or come back shorter), one in four is a need carrying a ticket number
(so the bench can count that each was handled once). Requests are built once, before the clock
starts, and both servers get the very same bytes.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from tests import wechat_client as wc
from tests.tencent_crypto import sign

SENDERS = 200  # residents per round, each in his own 1:1 chat with his own chain
MAX_LINES = 39
NEED_SHARE = 0.25
CLIENT_TIMEOUT_S = 30.0
HEADERS = (
    "#接龙\n东北大米10斤装 45元/袋，每户限2袋\n周二晚8点截单，社区活动中心自提\n\n"
    "例 3-2-201 王 1袋",
    "#接龙\n【第3批保供蔬菜包】38元/份（每份约10斤）\n明天下午3点到货，每户限3份",
    "接龙买鸡蛋\n本楼鸡蛋团 30枚/盒 32元\n截单：今晚8点\n例：5栋1102 李 1盒",
    "#接龙\n医用酒精500ml 12元/瓶，每户限5瓶\n物业门口取货",
)
UNITS = ("袋", "份", "盒", "瓶")
NAMES = ("王", "李阿姨", "张", "刘老师", "陈", "杨", "赵姐", "黄", "周", "吴")
NEEDS = (
    "请帮忙代买一盒降压药，单号K{ticket}",
    "家里酒精快用完了，去哪儿买？单号K{ticket}",
    "我家老人腿脚不便，能不能帮忙送两顿午饭，单号K{ticket}",
    "水管漏水了谁能来看看，单号K{ticket}",
)


@dataclass(frozen=True, slots=True)
class Message:
    """One resident's message of a round."""

    msg_id: str
    sender: str
    text: str
    ticket: str | None  # a need's ticket (K…), None for a 接龙 repost


def entry_line(sender: int, i: int) -> str:
    """The i-th line of a sender's chain: a distinct home in one of the forms residents type."""
    building, unit, room = (sender + i) % 30 + 1, i % 4 + 1, 100 * (i % 18 + 1) + i % 4 + 1
    name, qty, what = NAMES[(sender + i) % len(NAMES)], i % 3 + 1, UNITS[sender % len(UNITS)]
    form = i % 4
    if form == 0:
        return f"{i}. {building}-{unit}-{room} {name} {qty}{what}"
    if form == 1:
        return f"{i}. {building}号楼{unit}单元{room} {name} {qty}{what}"
    if form == 2:
        return f"{i}、{building}栋{room} {name}{qty}{what}"
    return f"{i}. {building}#{room} {name} {qty}{what} 谢谢"


def messages(round_no: int, count: int, seed: int = 1) -> list[Message]:
    """The round's messages in sending order (the same for every server)."""
    rng = random.Random(seed * 1_000_003 + round_no)
    out: list[Message] = []
    for i in range(count):
        s = rng.randrange(SENDERS)
        sender = f"oBench{round_no:04d}x{s:05d}".ljust(28, "0")
        msg_id = str(5 * 10**18 + round_no * 10**7 + i)
        if rng.random() < NEED_SHARE:
            ticket = f"{round_no:04d}{i:06d}"
            text = NEEDS[i % len(NEEDS)].format(ticket=ticket)
            out.append(Message(msg_id, sender, text, ticket))
            continue
        n = rng.randint(1, MAX_LINES)
        lines = "\n".join(entry_line(s, k) for k in range(1, n + 1))
        out.append(Message(msg_id, sender, f"{HEADERS[s % len(HEADERS)]}\n{lines}", None))
    return out


def request_bytes(msg: Message, host: str, now: int) -> bytes:
    """The whole HTTP request WeChat would send for `msg` (安全模式, signed at `now`)."""
    path, body = signed_post(msg, now)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\n"
        f"Content-Type: text/xml\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


def signed_post(msg: Message, now: int) -> tuple[str, bytes]:
    """(path with the signed query, encrypted body) of `msg` as WeChat posts it at `now`."""
    xml = wc.make_text_xml(msg.text, FromUserName=msg.sender, MsgId=msg.msg_id, CreateTime=now)
    encrypted = wc.encrypt(xml)
    ts, nonce = str(now), msg.msg_id[-9:]
    query = {
        "signature": sign(wc.TOKEN, ts, nonce),
        "timestamp": ts,
        "nonce": nonce,
        "openid": msg.sender,
        "encrypt_type": "aes",
        "msg_signature": sign(wc.TOKEN, ts, nonce, encrypted),
    }
    body = wc.make_xml(ToUserName=wc.ACCOUNT, Encrypt=encrypted).encode()
    return f"/wechat/mp?{urlencode(query)}", body


# --- sending ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sent:
    """One request's outcome: HTTP status (0: no answer) and seconds from its due time."""

    index: int
    status: int
    latency: float


async def _send(host: str, port: int, request: bytes) -> int:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(request)
        answer = await reader.read()  # gunicorn's sync workers close after each response
    finally:
        writer.close()
    return int(answer[9:12]) if answer.startswith(b"HTTP/1.") else 0


async def _timed(host: str, port: int, index: int, request: bytes, due: float) -> Sent:
    try:
        status = await asyncio.wait_for(_send(host, port, request), CLIENT_TIMEOUT_S)
    except (TimeoutError, OSError):
        status = 0
    return Sent(index, status, time.perf_counter() - due)


async def _closed(
    host: str, port: int, work: list[tuple[int, bytes]], connections: int
) -> list[Sent]:
    """`connections` users, each sending its next request when the last one was answered."""
    queue: Iterator[tuple[int, bytes]] = iter(work)
    out: list[Sent] = []

    async def user() -> None:
        for index, request in queue:
            out.append(await _timed(host, port, index, request, time.perf_counter()))

    await asyncio.gather(*(user() for _ in range(connections)))
    return out


async def _open(
    host: str, port: int, work: list[tuple[int, bytes]], rate: float, start: float
) -> list[Sent]:
    """Each request at its own due time (index / rate after start), answered or not; latency
    counts from the due time, so a server that falls behind shows its queue."""
    offset = start - time.time() + time.perf_counter()  # wall start → this process's clock
    tasks = []
    for index, request in work:
        due = offset + index / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        tasks.append(asyncio.create_task(_timed(host, port, index, request, due)))
    return list(await asyncio.gather(*tasks))


def _loader(args: tuple[str, int, list[tuple[int, bytes]], int, float, float]) -> list[Sent]:
    host, port, work, connections, rate, start = args
    if rate > 0:
        return asyncio.run(_open(host, port, work, rate, start))
    while time.time() < start:
        time.sleep(0.001)
    return asyncio.run(_closed(host, port, work, connections))


def load(
    port: int,
    requests: Sequence[bytes],
    loaders: int,
    connections: int = 2,
    rate: float = 0.0,
) -> tuple[list[Sent], float]:
    """Send every request from `loaders` processes; (outcomes, wall seconds).

    rate 0: closed loop, `connections` outstanding requests per loader; else open loop at
    `rate` requests per second in all.
    """
    start = time.time() + 0.5  # every loader starts on the same tick
    work = [[(i, r) for i, r in enumerate(requests) if i % loaders == k] for k in range(loaders)]
    jobs = [("127.0.0.1", port, w, connections, rate, start) for w in work]
    with multiprocessing.get_context("fork").Pool(loaders) as pool:
        results = pool.map(_loader, jobs)
        seconds = time.time() - start
    return [s for part in results for s in part], seconds
