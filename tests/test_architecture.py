"""The package's shape: no source module over 400 lines.

The layers are checked by ``lint-imports`` (the contract in pyproject.toml, run by .ci/run) and
import circles by tests/test_import_graph.py.
"""

from __future__ import annotations

from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "uprising"
MAX_LINES = 400


def test_no_module_over_400_lines() -> None:
    long = {str(p.relative_to(SRC)): n for p in SRC.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}
