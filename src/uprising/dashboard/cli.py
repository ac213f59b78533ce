"""Commands ``uprising dashboard | animate | snapshot`` (registered by ``uprising.cli``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", "-s", metavar="PATH=VALUE",
                 help="Override a scenario field, e.g. --set police.density=0.05 (repeatable)."),
]


def dashboard(
    scenario: Annotated[str, typer.Argument(help="Preset name or YAML to start with.")] = (
        "epstein2002-run1"),
    host: Annotated[str, typer.Option(help="Address to bind (loopback only by default).")] = (
        "127.0.0.1"),
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port; 0 picks a free one.")] = 0,
    seed: Annotated[int | None, typer.Option(min=0, help="Seed (default: scenario's).")] = None,
    allow_remote: Annotated[bool, typer.Option(
        "--allow-remote", help="Allow a non-loopback --host (anyone reaching it can run "
        "simulations on this machine).")] = False,
) -> None:
    """Start the local web dashboard: watch the lattice and the series, change parameters,
    intervene, fork a what-if branch. Prints the URL; Ctrl-C stops it."""
    from uprising.dashboard.server import is_loopback, serve
    from uprising.terminal import fail, resolve

    if not is_loopback(host) and not allow_remote:
        fail(f"--host {host} is not a loopback address: the dashboard would be reachable from "
             "other machines; add --allow-remote if that is what you want")
    resolve(scenario)
    try:
        serve(scenario, host=host, port=port, seed=seed, allow_remote=allow_remote)
    except ModuleNotFoundError as exc:
        fail(f"the dashboard needs {exc.name}: pip install 'uprising[dashboard]'")
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")


def animate_cmd(
    source: Annotated[str, typer.Argument(
        help="Preset name, YAML, or a results folder of `uprising run` (re-run from run.json).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output .gif or .mp4.")],
    set_: SetOption = None,
    ticks: Annotated[int | None, typer.Option(min=1, help="Ticks to animate.")] = None,
    every: Annotated[int, typer.Option(min=1, help="One frame every N ticks.")] = 1,
    fps: Annotated[float, typer.Option(min=0.1, max=120, help="Frames per second.")] = 10.0,
    seed: Annotated[int | None, typer.Option(min=0, help="Seed (default: scenario's).")] = None,
    site: Annotated[int, typer.Option(min=0, help="Site index (several sites).")] = 0,
    replicate: Annotated[int, typer.Option(min=0, help="Replicate of a results folder.")] = 0,
) -> None:
    """Render a run's lattice to an animated GIF or an MP4, with tick caption and legend."""
    from uprising.terminal import console, err_console, fail, user_errors
    from uprising.visual.animate import animate
    from uprising.visual.snapshot import is_results_folder

    if out.suffix.lower() not in (".gif", ".mp4"):
        fail(f"--out must end in .gif or .mp4, got {out.name}")
    folder = is_results_folder(source)
    if Path(source).is_dir() and not folder:
        fail(f"{source} is not a results folder (no run.json): a results folder stores the time "
             "series, not the lattice; animate re-runs its stored scenario and seed, so it needs "
             "run.json written by `uprising run`")
    if folder and (set_ or seed is not None):
        fail("--set and --seed do not apply to a results folder (it is re-run as stored)")
    if folder:
        err_console.print(f"{source} stores no lattice: re-running its scenario with the seed "
                          "in run.json", highlight=False)
    with user_errors():
        try:
            info = animate(source, out, ticks=ticks, every=every, fps=fps, seed=seed,
                           overrides=list(set_ or []), site=site, replicate=replicate)
        except (ValueError, IndexError) as exc:
            fail(str(exc))
        except ModuleNotFoundError as exc:
            fail(f"animate needs {exc.name}: pip install 'uprising[dashboard]'")
        except OSError as exc:
            fail(f"cannot write {out}: {exc.strerror or exc}")
    console.print(f"wrote {info['path']}: {info['frames']} frames, {info['size'][0]}×"
                  f"{info['size'][1]} px", highlight=False, markup=False, soft_wrap=True)
    if info.get("rerun_matches") is False:
        err_console.print("warning: the re-run's time series differs from the stored one "
                          "(another uprising version?)", highlight=False)


def snapshot_cmd(
    scenario: Annotated[str, typer.Argument(help="Preset name or YAML.")],
    ticks_: Annotated[str, typer.Option("--ticks", help="Comma-separated ticks, e.g. 0,50,100.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")],
    set_: SetOption = None,
    seed: Annotated[int | None, typer.Option(min=0, help="Seed (default: scenario's).")] = None,
    raw: Annotated[bool, typer.Option("--raw", help="One pixel per cell, no caption.")] = False,
) -> None:
    """Write the lattice at chosen ticks to PNG files (captioned, with legend)."""
    from uprising.terminal import console, fail, prepare_output, user_errors
    from uprising.visual.snapshot import snapshot

    try:
        ticks = [int(t) for t in ticks_.split(",") if t.strip()]
    except ValueError:
        fail(f"--ticks must be comma-separated whole numbers, got {ticks_!r}")
    if not ticks or min(ticks) < 0:
        fail("--ticks needs at least one tick ≥ 0")
    prepare_output(out)
    with user_errors():
        try:
            files = snapshot(scenario, ticks, out, seed=seed, overrides=list(set_ or []),
                             raw=raw)
        except ValueError as exc:
            fail(str(exc))
    for path in files:
        console.print(f"wrote {path}", highlight=False, markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Adds the commands to the ``uprising`` CLI."""
    app.command("dashboard")(dashboard)
    app.command("animate")(animate_cmd)
    app.command("snapshot")(snapshot_cmd)
