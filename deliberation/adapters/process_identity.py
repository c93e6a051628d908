"""Who holds an outbox claim: this process, and whether another holder is gone.

An owner is ``host/boot id/pid/start time``. A claim whose owner ran on this
machine, since this boot, and whose process no longer exists (or whose pid
now belongs to a process started later) belongs to a sender that died: it
may be taken over at once instead of after the claim timeout. A claim made
on this host before the last reboot is gone as well. Claims of other hosts
cannot be checked from here; they wait for the timeout as before.
"""

from __future__ import annotations

import os
import socket
from functools import cache
from pathlib import Path

BOOT_ID = Path("/proc/sys/kernel/random/boot_id")
#: a process that ended but was not yet waited for by its parent
ZOMBIE = "Z"


@cache
def current_owner() -> str:
    """This process as a claim owner (computed once; a process does not change)."""
    pid = os.getpid()
    return "/".join((_host(), _boot_id(), str(pid), _start_time(pid)))


def is_gone(owner: str) -> bool:
    """True if ``owner`` is a process of this machine that no longer runs."""
    try:
        host, boot_id, pid_text, started = owner.rsplit("/", 3)
        pid = int(pid_text)
    except ValueError:
        return False  # not written by us: leave it to the timeout
    if host != _host():
        return False
    if boot_id != _boot_id():
        return True  # claimed before this machine rebooted
    if not _alive(pid) or _state(pid) == ZOMBIE:
        return True
    return bool(started) and _start_time(pid) != started  # the pid was reused since


def _host() -> str:
    return socket.gethostname().replace("/", "_")


@cache
def _boot_id() -> str:
    try:
        return BOOT_ID.read_text(encoding="ascii").strip()
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def _start_time(pid: int) -> str:
    """The process's start in clock ticks since boot (Linux); empty elsewhere."""
    fields = _stat(pid)
    return fields[19] if len(fields) > 19 else ""


def _state(pid: int) -> str:
    fields = _stat(pid)
    return fields[0] if fields else ""


def _stat(pid: int) -> list[str]:
    """Fields 3 … of ``/proc/<pid>/stat`` (Linux); empty elsewhere."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    # the command name (field 2) is in parentheses and may contain spaces
    return stat.rpartition(")")[2].split()
