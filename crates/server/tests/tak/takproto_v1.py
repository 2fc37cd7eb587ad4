"""TAK protocol version 1 over a raw socket with takproto: read the server's t-x-takp-v offer,
ask for version 1 (t-x-takp-q), read the t-x-takp-r answer, then decode v1 frames from the
server until a peer's SA (--expect-uid) arrives, answer it with an SA of its own as a v1 stream
frame, and wait for the peer to leave. Prints one JSON line per step; exits 0 on success, 1
otherwise."""

import argparse
import json
import socket
import sys
import time
import xml.etree.ElementTree as ET

import takproto
from takproto.constants import TAKProtoVer


def now(offset: float = 0.0) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(time.time() + offset))


def read_xml_event(sock: socket.socket, buf: bytearray) -> ET.Element:
    while b"</event>" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise EOFError("server closed before an xml event")
        buf.extend(chunk)
    end = buf.index(b"</event>") + len(b"</event>")
    data = bytes(buf[:end]).strip()
    del buf[:end]
    return ET.fromstring(data)


def read_varint(buf: bytearray, at: int):
    shift = value = 0
    while at < len(buf):
        b = buf[at]
        value |= (b & 0x7F) << shift
        at += 1
        if not b & 0x80:
            return value, at
        shift += 7
    return None


def read_frame(sock: socket.socket, buf: bytearray) -> bytes:
    while True:
        while buf[:1].isspace():
            del buf[:1]
        if buf[:1] == b"\xbf":
            header = read_varint(buf, 1)
            if header is not None and len(buf) >= header[1] + header[0]:
                end = header[1] + header[0]
                frame = bytes(buf[:end])
                del buf[:end]
                return frame
        elif buf:
            raise ValueError(f"expected a v1 frame, got {bytes(buf[:40])!r}")
        chunk = sock.recv(65536)
        if not chunk:
            raise EOFError("server closed before a v1 frame")
        buf.extend(chunk)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--uid", required=True)
    p.add_argument("--expect-uid", required=True)
    p.add_argument("--timeout", type=float, default=20.0)
    args = p.parse_args()

    sock = socket.create_connection(("127.0.0.1", args.port), timeout=args.timeout)
    buf = bytearray()
    offer = read_xml_event(sock, buf)
    support = offer.find("detail/TakControl/TakProtocolSupport")
    print(json.dumps({"offer": offer.get("type"), "version": support.get("version")}), flush=True)
    request = (f'<event version="2.0" uid="{args.uid}-req" type="t-x-takp-q" how="m-g" '
               f'time="{now()}" start="{now()}" stale="{now(60)}"><point lat="0" lon="0" '
               f'hae="0" ce="999999" le="999999"/><detail><TakControl>'
               f'<TakRequest version="1"/></TakControl></detail></event>')
    sock.sendall(request.encode())
    answer = read_xml_event(sock, buf)
    while answer.get("type") != "t-x-takp-r":  # peers' SAs may come first
        answer = read_xml_event(sock, buf)
    response = answer.find("detail/TakControl/TakResponse")
    print(json.dumps({"answer": answer.get("type"), "status": response.get("status")}), flush=True)
    if response.get("status") != "true":
        return 1

    sa = (f'<event version="2.0" uid="{args.uid}" type="a-f-G-U-C" how="m-g" time="{now()}" '
          f'start="{now()}" stale="{now(120)}"><point lat="32.8" lon="13.1" hae="12" ce="5" '
          f'le="9999999.0"/><detail><contact callsign="PROTO-1"/><track course="90" '
          f'speed="4.5"/></detail></event>')
    # The peer sends its SA until it hears ours, then leaves. So ours goes out only once the
    # peer's has come as a v1 frame: sent at once, it could satisfy the peer while this client
    # was still negotiating, and the peer's SAs before the switch came as XML and are skipped
    # above, which left nothing to read here (a race seen in CI).
    deadline = time.time() + args.timeout
    sent = False
    while time.time() < deadline:
        try:
            frame = read_frame(sock, buf)
        except TimeoutError:
            # After ours went out: the peer had what it wanted and nothing more came.
            return 0 if sent else 1
        message = takproto.parse_proto(bytearray(frame))
        cot = message.cotEvent
        print(json.dumps({"uid": cot.uid, "type": cot.type, "lat": cot.lat,
                          "callsign": cot.detail.contact.callsign}), flush=True)
        if cot.uid == args.uid:
            return 1
        if cot.uid == args.expect_uid and not sent:
            sock.sendall(bytes(takproto.xml2proto(sa, TAKProtoVer.STREAM)))
            sent = True
            # Long enough for the server to pass ours on before this client closes.
            sock.settimeout(3.0)
        elif sent and cot.type == "t-x-d-d":
            # The server's word that a client left: the peer, satisfied, is gone.
            return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
