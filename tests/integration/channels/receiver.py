"""A real HTTP receiver for outbound sends that fails on purpose (run as a process by tests).

`python receiver.py FAILS [LATENCY_MS]` listens on a free 127.0.0.1 port (printed on stdout) and answers
503 to the first FAILS attempts of every idempotency key, then accepts. It keeps one record per
key (a repeat after acceptance returns the same id without a second record): GET /log lists
the accepted sends and /attempts counts every attempt. It plays an SMS gateway (POST /send, and
POST /send-many: a bulk request whose messages each carry their key as `ref` and get their
own result, the first FAILS attempts of each key refused with a retryable error, a number
starting 000 refused for good), LINE's push
API (POST /v2/bot/message/push) and a portal's reply URL (POST /reply).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FAILS = int(sys.argv[1]) if len(sys.argv) > 1 else 0
# Optional answer delay in ms (a provider across the network answers in tens of ms).
LATENCY = float(sys.argv[2]) / 1000 if len(sys.argv) > 2 else 0.0
_lock = threading.Lock()
attempts: dict[str, int] = {}
accepted: dict[str, dict[str, Any]] = {}
total_requests = 0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # one small response per request: no 40 ms Nagle stalls

    def log_message(self, *args: Any) -> None:
        pass

    def _answer(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        raw = json.dumps(data, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(raw)

    def do_GET(self) -> None:  # noqa: N802
        with _lock:
            if self.path == "/log":
                self._answer(200, list(accepted.values()))
            else:
                self._answer(200, {"attempts": attempts, "requests": total_requests})

    def _take(self, key: str, body: Any) -> dict[str, Any] | None:
        """Count one attempt of `key`; its record once accepted (None: refused this time)."""
        n = attempts[key] = attempts.get(key, 0) + 1
        if key in accepted:
            return accepted[key]
        if n <= FAILS:
            return None
        record = accepted[key] = {"id": f"gw-{len(accepted) + 1}", "key": key,
                                  "path": self.path, "body": body,
                                  "headers": {k.lower(): v for k, v in self.headers.items()}}
        return record

    def do_POST(self) -> None:  # noqa: N802
        global total_requests
        if LATENCY:
            time.sleep(LATENCY)
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        if self.path == "/send-many":
            results = []
            with _lock:
                total_requests += 1
                for message in body["messages"]:
                    if str(message.get("to", "")).startswith("000"):  # no such number
                        attempts[str(message["ref"])] = attempts.get(str(message["ref"]), 0) + 1
                        results.append({"ref": message["ref"], "error": "invalid number",
                                        "retryable": False})
                        continue
                    taken = self._take(str(message["ref"]), message)
                    results.append({"ref": message["ref"], "message_id": taken["id"]} if taken
                                   else {"ref": message["ref"], "error": "busy, try later",
                                         "retryable": True})
            self._answer(200, {"results": results})
            return
        key = (self.headers.get("Idempotency-Key") or self.headers.get("X-Line-Retry-Key")
               or "")
        with _lock:
            total_requests += 1
            record = self._take(key, body)
        if record is None:
            self._answer(503, {"error": "busy, try later"})
        else:
            self._answer(200, {"message_id": record["id"]}, {"X-Line-Request-Id": record["id"]})


class Server(ThreadingHTTPServer):
    # socketserver's default listen backlog is 5: a sender opening 16 connections at once has
    # SYNs dropped and waits out the kernel's 1 s retransmit. Real gateways accept more.
    request_queue_size = 128


if __name__ == "__main__":
    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()
