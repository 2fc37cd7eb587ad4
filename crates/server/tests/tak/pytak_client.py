"""A TAK client made with pytak: connects over tcp:// or tls:// (COT_URL and PYTAK_TLS_* from
the environment, as pytak reads them), optionally signs in with <auth> (--auth USER:PASSWORD),
says hello with pytak's takPing, sends its SA every
0.2 s, optionally pings, and prints every event it receives as one JSON line:
{"uid", "type", "link"}. Exits 0 once every --expect condition is met, 1 on timeout, 2 if it
ever receives its own SA back."""

import argparse
import asyncio
import json
import os
import sys
import xml.etree.ElementTree as ET
from configparser import ConfigParser
from xml.sax.saxutils import escape, quoteattr

import pytak


def sa(uid: str, callsign: str) -> bytes:
    return pytak.gen_cot(lat=32.9, lon=13.2, ce=10, hae=5, le=10, uid=uid, stale=120,
                         cot_type="a-f-S-X", callsign=callsign)


def geochat(uid: str, callsign: str, room: str, text: str) -> bytes:
    """A GeoChat message as ATAK sends it to a chat room (type b-t-f, __chat, link, remarks)."""
    now = pytak.cot_time()
    stale = pytak.cot_time(3600)
    msg_id = f"{uid}-{abs(hash(text)) % 10**8}"
    return (
        f'<event version="2.0" uid="GeoChat.{uid}.{room}.{msg_id}" type="b-t-f" how="h-g-i-g-o" '
        f'time="{now}" start="{now}" stale="{stale}">'
        '<point lat="32.9" lon="13.2" hae="9999999.0" ce="9999999.0" le="9999999.0"/><detail>'
        f'<__chat parent="RootContactGroup" groupOwner="false" messageId="{msg_id}" '
        f'chatroom={quoteattr(room)} id={quoteattr(room)} senderCallsign={quoteattr(callsign)}>'
        f'<chatgrp uid0="{uid}" uid1={quoteattr(room)} id={quoteattr(room)}/></__chat>'
        f'<link uid="{uid}" type="a-f-G-U-C" relation="p-p"/>'
        f'<remarks source="BAO.F.ATAK.{uid}" to={quoteattr(room)} time="{now}">'
        f'{escape(text)}</remarks></detail></event>'
    ).encode()


def ping(uid: str) -> bytes:
    return pytak.gen_cot(uid=f"{uid}-ping", cot_type="t-x-c-t", stale=20)


async def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--uid", required=True)
    p.add_argument("--callsign", required=True)
    p.add_argument("--expect-uid", action="append", default=[], help="an SA uid to receive")
    p.add_argument("--expect-type", action="append", default=[], help="an event type to receive")
    p.add_argument("--expect-delete", action="append", default=[], help="a t-x-d-d naming this uid")
    p.add_argument("--send", type=int, default=1_000_000, help="SAs to send, then stop sending")
    p.add_argument("--ping", action="store_true")
    p.add_argument("--linger", type=float, default=0.0, help="seconds to keep reading after")
    p.add_argument("--timeout", type=float, default=20.0)
    p.add_argument("--auth", help="USER:PASSWORD to sign in with <auth> first")
    p.add_argument("--chat", nargs=2, metavar=("ROOM", "TEXT"), help="send one GeoChat message")
    args = p.parse_args()

    config = ConfigParser()
    config["client"] = {k: v for k, v in os.environ.items() if k.startswith(("COT_URL", "PYTAK_"))}
    reader, writer = await pytak.protocol_factory(config["client"])
    if args.auth:
        user, password = args.auth.split(":", 1)
        writer.write(f"<auth><cot username={quoteattr(user)} password={quoteattr(password)} "
                     f"uid={quoteattr(args.uid)}/></auth>".encode())
    writer.write(pytak.hello_event())
    if args.chat:
        writer.write(geochat(args.uid, args.callsign, *args.chat))
    await writer.drain()

    want_uid = set(args.expect_uid)
    want_type = set(args.expect_type)
    want_delete = set(args.expect_delete)

    async def send() -> None:
        for _ in range(args.send):
            writer.write(sa(args.uid, args.callsign))
            if args.ping:
                writer.write(ping(args.uid))
            await writer.drain()
            await asyncio.sleep(0.2)

    async def receive() -> int:
        while want_uid or want_type or want_delete:
            data = await reader.readuntil(b"</event>")
            event = ET.fromstring(data.strip())
            link = event.find("detail/link")
            line = {"uid": event.get("uid"), "type": event.get("type"),
                    "link": link.get("uid") if link is not None else None}
            print(json.dumps(line), flush=True)
            if line["uid"] == args.uid:
                return 2
            want_uid.discard(line["uid"])
            want_type.discard(line["type"])
            if line["type"] == "t-x-d-d":
                want_delete.discard(line["link"])
        return 0

    sender = asyncio.create_task(send())
    try:
        code = await asyncio.wait_for(receive(), args.timeout)
    except asyncio.TimeoutError:
        print(json.dumps({"timeout": sorted(want_uid | want_type | want_delete)}), flush=True)
        code = 1
    if code == 0 and args.linger > 0:
        try:
            await asyncio.wait_for(_drain(reader, args.uid), args.linger)
        except asyncio.TimeoutError:
            pass
    sender.cancel()
    writer.close()
    return code


async def _drain(reader, own: str) -> None:
    while True:
        data = await reader.readuntil(b"</event>")
        event = ET.fromstring(data.strip())
        print(json.dumps({"uid": event.get("uid"), "type": event.get("type"), "link": None}),
              flush=True)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
