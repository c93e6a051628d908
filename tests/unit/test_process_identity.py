"""Claim owners: a dead sender on this machine is recognised, a living one and other hosts not."""

from __future__ import annotations

import subprocess
import sys

from deliberation.adapters.process_identity import current_owner, is_gone


def _owner_of_finished_process() -> str:
    script = "from deliberation.adapters.process_identity import current_owner as o; print(o())"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_a_finished_sender_of_this_machine_is_gone() -> None:
    assert is_gone(_owner_of_finished_process())


def test_this_process_is_not_gone() -> None:
    assert not is_gone(current_owner())


def test_an_owner_on_another_host_is_left_to_the_timeout() -> None:
    _host, boot, pid, started = current_owner().rsplit("/", 3)
    assert not is_gone(f"other-host/{boot}/{pid}/{started}")
    assert not is_gone("written by something else")


def test_a_claim_from_before_the_last_reboot_is_gone() -> None:
    host, _boot, pid, started = current_owner().rsplit("/", 3)
    assert is_gone(f"{host}/an-earlier-boot/{pid}/{started}")


def test_a_reused_pid_is_not_its_former_owner() -> None:
    host, boot, pid, _started = current_owner().rsplit("/", 3)
    assert is_gone(f"{host}/{boot}/{pid}/1")
