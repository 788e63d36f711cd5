"""A district's webhook receiver for the dispatch tests and bench, run as its own process.

It checks the HMAC signature, fails on purpose (500s, slow answers past the sender's timeout,
or a random share of requests), and keeps exactly one copy per Idempotency-Key, logging every
accepted request to a JSON-lines file: {"key": ..., "first": true|false}.

    python receiver.py --port P --log FILE --secret S [--fail-first N] [--fail-rate R]
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--secret", required=True)
    ap.add_argument("--fail-first", type=int, default=0,
                    help="per key, the first N attempts fail: odd ones 500, even ones slow")
    ap.add_argument("--slow-seconds", type=float, default=1.5)
    ap.add_argument("--fail-rate", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    lock = threading.Lock()
    attempts: dict[str, int] = {}
    seen: set[str] = set()
    rng = random.Random(args.seed)
    log = open(args.log, "a", encoding="utf-8")  # noqa: SIM115 - lives as long as the server

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a: object) -> None:  # quiet
            pass

        def _answer(self, status: int, body: bytes = b"{}") -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            key = self.headers.get("Idempotency-Key", "")
            stamp = self.headers.get("X-Dasan-Timestamp", "")
            expected = "sha256=" + hmac.new(args.secret.encode(), stamp.encode() + b"." + body,
                                            hashlib.sha256).hexdigest()
            if not key or not hmac.compare_digest(expected, self.headers.get(
                    "X-Dasan-Signature", "")):
                self._answer(401, b'{"error":"bad signature"}')
                return
            with lock:
                n = attempts[key] = attempts.get(key, 0) + 1
                fail_random = rng.random() < args.fail_rate
            if n <= args.fail_first:
                if n % 2 == 0:
                    time.sleep(args.slow_seconds)  # past the sender's timeout
                self._answer(500, b'{"error":"on purpose"}')
                return
            if fail_random:
                self._answer(503, b'{"error":"random"}')
                return
            json.loads(body)
            with lock:
                first = key not in seen
                seen.add(key)
                log.write(json.dumps({"key": key, "first": first}) + "\n")
                log.flush()
            self._answer(200 if first else 409)

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
