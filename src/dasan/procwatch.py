"""A worker process that ends with the process that started it.

A worker spoken to over pipes normally sees its parent go as end-of-file on its input. That
end-of-file never comes while another process holds a copy of the pipe's write end - a child
the parent fork()ed without exec (a library's helper, multiprocessing's fork start method, a
fork in C) - and a worker busy loading a model reads nothing at all. :func:`exit_with_parent`
watches the parent's pid instead, from a daemon thread: when the worker's parent is no longer
that pid (it died, and the worker was handed to init or a subreaper) the worker ends at once.
Used by the screening workers (`dasan.protection.screening_workers`) and the e5 encoding pool
(`dasan.knowledge.e5_onnx_pool`).
"""

from __future__ import annotations

import os
import threading
import time

PARENT_POLL = 0.5  # seconds between a worker's looks at its parent's pid


def exit_with_parent(parent: int, poll: float = PARENT_POLL) -> None:
    """End this process once `parent` is no longer its parent, from a daemon thread: the main
    thread may be loading models or waiting on an input that a fork()ed child keeps open."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll)
        os._exit(0)  # nothing to save; the interpreter's finalisation could wait on the loading

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()
