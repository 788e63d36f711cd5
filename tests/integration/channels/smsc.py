"""A small SMSC (SMPP 3.4 server, on smpp34) run as a process by the SMPP tests.

`python smsc.py LOGFILE` listens on a free 127.0.0.1 port (printed on stdout). The first
submit_sm of each bound session is refused with ESME_RTHROTTLED (so retries are proven); the
rest are accepted, decoded by data_coding and logged as JSON lines, and answered with a
delivery receipt. Right after a bind the SMSC delivers one citizen message (MO) in KS C 5601.
"""

from __future__ import annotations

import asyncio
import json
import socket
import sys

import smpp34

THROTTLED = 0x58
TLV_MESSAGE_PAYLOAD = 0x0424


def decode(dc: int, octets: bytes) -> str:
    if dc == 0x08:
        return octets.decode("utf-16-be")
    if dc == 0x0E:
        return octets.decode("cp949")
    return octets.decode("ascii")


async def main(log_path: str) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    server = smpp34.Server("127.0.0.1", port, system_id="smsc")
    await server.start()
    print(port, flush=True)
    esmes: dict[str, smpp34.Esme] = {}
    refused: set[str] = set()
    n = 0
    while True:
        ev = await server.next()
        if isinstance(ev, smpp34.Esme):
            esmes[ev.session_id] = ev
            await ev.deliver_sm("120", "기후동행카드 어디서 사요?".encode("cp949"),
                                source_addr="01077778888", data_coding=0x0E)
        elif isinstance(ev, smpp34.SubmitSmEvent):
            if ev.session_id not in refused:
                refused.add(ev.session_id)
                ev.reject(THROTTLED)
                continue
            n += 1
            mid = f"smsc-{n}"
            octets = ev.short_message
            for tlv in ev.tlvs:
                if tlv.tag == TLV_MESSAGE_PAYLOAD:
                    octets = tlv.value
            with open(log_path, "a", encoding="utf-8") as f:
                f.write(json.dumps({"id": mid, "to": ev.destination_addr, "dc": ev.data_coding,
                                    "payload_tlv": not ev.short_message,
                                    "text": decode(ev.data_coding, octets)},
                                   ensure_ascii=False) + "\n")
            ev.accept(mid)
            esme = esmes.get(ev.session_id)
            if esme is not None:
                receipt = f"id:{mid} sub:001 dlvrd:001 submit date:2612020000 done " \
                          f"date:2612020000 stat:DELIVRD err:000 text:"
                await esme.deliver_sm("120", receipt.encode("ascii"),
                                      source_addr=ev.destination_addr, esm_class=0x04)
        elif isinstance(ev, smpp34.Unbound):
            esmes.pop(ev.session_id, None)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
