"""Command ``uprising map RESULTS`` (registered by ``uprising.cli`` through PLUGIN_MODULES)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def map_cmd(
    results: Annotated[Path, typer.Argument(help="Results folder of `uprising run` of a "
                                            "national scenario (e.g. kazakhstan-demo).")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output folder (default: "
                                             "the results folder).")] = None,
    days: Annotated[int | None, typer.Option(min=1, help="Only the first N days.")] = None,
    fps: Annotated[float, typer.Option(min=0.1, max=30, help="GIF frames per second.")] = 2.0,
) -> None:
    """Draw the regions at their coordinates, one panel per day (bubbles: participants;
    colour: violence): map.png (small multiples), map.gif, and daily.csv (the daily table)."""
    from uprising.geo.map import draw_maps
    from uprising.terminal import console, fail, user_errors

    with user_errors():
        try:
            written = draw_maps(results, out, days=days, fps=fps)
        except ValueError as exc:
            fail(str(exc))
    console.print("wrote:")
    for path in written:
        console.print(f"  {path}")


def register(app: typer.Typer) -> None:
    """Adds the command to the ``uprising`` CLI."""
    app.command("map")(map_cmd)
