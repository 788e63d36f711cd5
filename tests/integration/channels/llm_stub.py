"""A tiny OpenAI-compatible chat-completions server for the translation plumbing tests.

Run as a process (`python llm_stub.py`; the port is printed). It "translates" by a fixed table
for Korean targets and by tagging the text for other targets, so tests can tell what passed
through the translation port. Quality figures come from the benchmark, not from this stub.
"""

from __future__ import annotations

import json
import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TO_KOREAN = {"how do i get a climate card?": "기후동행카드 어떻게 사나요?",
             "how much does it cost to rent a ttareungi bike?": "따릉이 대여 요금은 얼마인가요?"}
TARGET = re.compile(r"to ([A-Z][a-z]+)")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length", "0"))
        req = json.loads(self.rfile.read(length))
        system, user = req["messages"][0]["content"], req["messages"][1]["content"]
        m = TARGET.search(system)
        target = m.group(1) if m else "?"
        if target == "Korean":
            out = TO_KOREAN.get(user.strip().lower(), user)
        else:
            out = f"[{target}] {user}"
        raw = json.dumps({"id": "stub", "object": "chat.completion", "model": req.get("model"),
                          "choices": [{"index": 0, "finish_reason": "stop",
                                       "message": {"role": "assistant", "content": out}}]},
                         ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()
