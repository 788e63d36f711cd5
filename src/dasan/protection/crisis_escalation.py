"""Crisis escalation as a periodic job: re-alert what nobody took in time.

`dasan worker` (and the scheduler thread of `dasan demo`) runs `run_escalation` every few
seconds. It commits the escalations (`crisis_playbook.escalate_overdue`: audit rows and alert
counters), then publishes one `crisis_escalation` event per alert on the ``crisis`` channel;
the supervisors' sockets only relay those events. Running it in a worker rather than in each
supervisor's socket means an escalation happens once, whether no supervisor page is open or
ten are.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from dasan.chat.pubsub import publish_from_thread
from dasan.db.session import session_scope
from dasan.protection.crisis_playbook import escalate_overdue

Publisher = Callable[[list[tuple[str, dict[str, Any]]]], int]


def run_escalation(publish: Publisher | None = None, now: datetime | None = None) -> int:
    """Escalate overdue alerts (committed first), then publish their events; the number of
    escalations. `publish` defaults to the process's pub/sub (see `publish_from_thread`)."""
    with session_scope() as s:
        events = escalate_overdue(s, now)
    if events:
        (publish or publish_from_thread)(events)
    return len(events)
