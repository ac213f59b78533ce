"""What the benchmark scripts record about the machine they ran on."""

from __future__ import annotations

from pathlib import Path


def cpu_model() -> str:
    """Returns the CPU's model name from /proc/cpuinfo ("unknown CPU" elsewhere)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"
