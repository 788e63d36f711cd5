"""How `dasan serve` runs uvicorn; the benchmarks start their servers with the same options."""

from __future__ import annotations

import sys
from typing import Any

UVICORN_OPTIONS: dict[str, Any] = {
    "server_header": False,  # no `server: uvicorn` banner
    # Chat frames are small JSON (well under 1 KB). Compressing every frame for every socket
    # cost the chat's one process more CPU than it saved bytes.
    "ws_per_message_deflate": False,
    # Frames a socket may have waiting before the server stops reading it (the default 32 is
    # reached by a desktop during a burst of pushes).
    "ws_max_queue": 1024,
    # Connections the kernel holds for accept: a reconnect storm of thousands of sockets
    # waits there instead of being refused.
    "backlog": 4096,
    # A protocol ping to every socket each 60 s (uvicorn's default is 20 s): with 2,000 chat
    # sockets the 20 s pings were 100 pings a second, as many as the chat's own messages at
    # 1,000 chats, and their bursts were the delivery tail. Desktops send their own presence
    # heartbeat (the presence model), so a dead agent socket is found by that, not the ping;
    # a dead citizen socket is closed within two minutes.
    "ws_ping_interval": 60.0,
    "ws_ping_timeout": 60.0,
}

# `dasan serve`: after SIGTERM, how long requests and sockets still open may take to finish
# before they are cancelled (uvicorn waits for ever by default). systemd and Kubernetes kill
# the process after their own timeout (90 s and 30 s by default): well within both.
GRACEFUL_SHUTDOWN_SECONDS = 5


def uvicorn_flags() -> list[str]:
    """`UVICORN_OPTIONS` as `uvicorn` command-line flags."""
    flags: list[str] = []
    for key, value in UVICORN_OPTIONS.items():
        name = "--" + key.replace("_", "-")
        if key == "server_header":
            flags.append(name if value else "--no-server-header")
        else:
            flags += [name, str(value).lower() if isinstance(value, bool) else str(value)]
    return flags


def server_command(port: int, *, workers: int = 1, log_level: str = "warning",
                   graceful_seconds: float = 2.0) -> list[str]:
    """The command line of a `dasan` web server on 127.0.0.1:`port` with `dasan serve`'s
    options (the benchmarks' and live-server tests' servers)."""
    return [sys.executable, "-m", "uvicorn", "dasan.web.app:create_app", "--factory",
            "--host", "127.0.0.1", "--port", str(port), "--log-level", log_level,
            "--workers", str(workers), *uvicorn_flags(),
            "--timeout-graceful-shutdown", f"{graceful_seconds:g}"]
