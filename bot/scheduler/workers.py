"""Who claims work: a worker's name (host, pid and a random part), and whether its process is gone.

The dispatcher's outbox claims and the planner's secretariat claims carry these names, so a
process restarted on the same machine frees what a killed one left claimed at once, not after
its lease.
"""

from __future__ import annotations

import os
import socket
import uuid


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def orphaned(worker: str, host: str | None = None) -> bool:
    """A worker named by `worker_name` on this host whose process is gone. This process's own
    workers never are (another dispatcher may run in it), nor names of another shape or host."""
    name, _, rest = worker.partition(":")
    pid, _, _ = rest.partition(":")
    if name != (host or socket.gethostname()) or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # e.g. PermissionError: a process of another user has that pid
        return False
    return False
