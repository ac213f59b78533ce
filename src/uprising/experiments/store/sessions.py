"""Session records of a result folder and the identity of the process that wrote them (to tell
a killed sweep from a live one)."""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path
from typing import Any

from uprising.atomic import write_atomic
from uprising.experiments.store.files import (
    writing,
)
from uprising.experiments.store.manifest import ManifestFolder


def _proc_start(pid: int) -> str | None:
    """Returns the start time of process ``pid`` (Linux /proc clock ticks), None if unknown."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()[19]


def process_identity() -> dict[str, Any]:
    """Returns this process's pid, host and start time (recorded in session records)."""
    pid = os.getpid()
    return {"pid": pid, "host": socket.gethostname(), "pid_start": _proc_start(pid)}


def _process_gone(session: dict[str, Any]) -> bool:
    """Returns whether the process that wrote a ``running`` session record is certainly gone
    (same host only: another host's processes cannot be checked)."""
    if session.get("host") != socket.gethostname() or not isinstance(session.get("pid"), int):
        return False
    pid = session["pid"]
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # exists, another user's
    recorded = session.get("pid_start")
    if recorded is None:
        return False
    current = _proc_start(pid)
    return current is not None and current != recorded  # the pid was reused


class SessionFolder(ManifestFolder):
    """A result folder with its session records (``sessions/<id>.json``, one per sweep
    invocation), and which of them were left ``running`` by a killed process."""

    def write_session(self, session: dict[str, Any]) -> None:
        """Writes one session record atomically (sessions/<id>.json)."""
        path = self.directory / "sessions" / f"{session['id']}.json"
        text = json.dumps(session, indent=2, sort_keys=True, default=str) + "\n"
        with writing(path):
            write_atomic(path, lambda p: p.write_text(text, encoding="utf-8"))

    def _session_files(self) -> list[tuple[Path, dict[str, Any] | None]]:
        folder = self.directory / "sessions"
        if not folder.is_dir():
            return []
        out: list[tuple[Path, dict[str, Any] | None]] = []
        for path in sorted(folder.glob("*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ValueError):
                data = None
            out.append((path, data if isinstance(data, dict) and "id" in data else None))
        return out

    def sessions(self) -> list[dict[str, Any]]:
        """Returns every readable session record, oldest first (see ``check`` for the others)."""
        out = [s for _, s in self._session_files() if s is not None]
        return sorted(out, key=lambda s: s.get("started") or 0)

    def killed_sessions(self) -> list[dict[str, Any]]:
        """Returns ``running`` session records whose process is gone (killed)."""
        return [s for s in self.sessions() if s.get("outcome") == "running" and _process_gone(s)]

    def mark_killed_sessions(self) -> list[str]:
        """Returns messages after marking ``running`` records of dead processes ``killed``."""
        notes = []
        for session in self.killed_sessions():
            session["outcome"] = "killed"
            session["marked_killed"] = time.time()
            self.write_session(session)
            notes.append(f"session {session['id']} (pid {session.get('pid')} on "
                         f"{session.get('host')}) was killed: marked killed")
        return notes
