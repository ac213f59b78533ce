"""Terminal output and error exits shared by the CLI and its plugin commands.

Invalid input of any kind prints one message to stderr and exits with code ``EXIT_USAGE`` (2),
no traceback. Kept below ``uprising.cli`` so plugins import it without importing the CLI that
loads them.
"""

from __future__ import annotations

import difflib
import math
import re
import statistics
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import typer
from pydantic import ValidationError
from rich import box
from rich.console import Console
from rich.table import Table

from uprising.results import RunResult, dated_events
from uprising.scenario import Scenario, load_scenario, preset_names
from uprising.scenario.errors import ScenarioError, ScenarioWarning, format_validation_error

EXIT_USAGE = 2

console = Console()
err_console = Console(stderr=True)


def print_error(message: str) -> None:
    """Prints ``error: message`` to stderr (no markup interpretation, no wrapping)."""
    err_console.print(
        f"error: {message}", style="bold red", markup=False, highlight=False, soft_wrap=True
    )


def fail(message: str) -> NoReturn:
    """Prints ``message`` to stderr and exits with code 2 (never returns)."""
    print_error(message)
    raise typer.Exit(code=EXIT_USAGE)


def error_message(exc: Exception) -> str:
    """Returns the user-facing message of an input error (a pydantic error, one line each)."""
    if isinstance(exc, ValidationError):
        return format_validation_error(exc, "input")
    return str(exc)


@contextmanager
def user_errors() -> Iterator[None]:
    """Returns a context in which ScenarioError / pydantic ValidationError exit with code 2."""
    try:
        yield
    except (ScenarioError, ValidationError) as exc:
        fail(error_message(exc))


@contextmanager
def scenario_warnings() -> Iterator[None]:
    """Returns a context in which each ScenarioWarning prints as one ``warning: ...`` line on
    stderr (once per message, no source line); other warnings keep Python's format."""
    with warnings.catch_warnings():
        warnings.simplefilter("default", ScenarioWarning)
        shown = warnings.showwarning

        def show(message: Warning | str, category: type[Warning], *args: Any,
                 **kwargs: Any) -> None:
            if issubclass(category, ScenarioWarning):
                err_console.print(f"warning: {message}", style="yellow", markup=False,
                                  highlight=False, soft_wrap=True)
            else:
                shown(message, category, *args, **kwargs)

        warnings.showwarning = show
        yield


def field_paths(model: type = Scenario, prefix: str = "") -> list[str]:
    """Returns the dotted paths of a pydantic model's fields, nested models included."""
    out = []
    for name, info in getattr(model, "model_fields", {}).items():
        path = f"{prefix}{name}"
        out.append(path)
        sub = info.annotation
        if isinstance(sub, type) and hasattr(sub, "model_fields"):
            out += field_paths(sub, path + ".")
    return out


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    """Returns " (did you mean a, b?)" for the close matches of ``word``, or ""."""
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)
    return f" (did you mean {', '.join(close)}?)" if close else ""


def with_suggestions(message: str, scenario: str) -> str:
    """Returns an input error message with "did you mean" hints for a mistyped preset name
    or field path."""
    if message.startswith("unknown scenario"):
        head, _, tail = message.partition(":")
        return f"{head}{did_you_mean(scenario, preset_names())}:{tail}"
    paths = field_paths()

    def hint(match: re.Match[str]) -> str:
        return match.group(0) + did_you_mean(match.group(1), paths)

    return re.sub(r"(?m)^\s*([\w.]+): unknown field(?: \(got [^\n]*\))?", hint, message)


def resolve(scenario: str, overrides: Sequence[str] | None = None) -> Scenario:
    """Returns the validated scenario, or exits with code 2 and the validation message
    (with "did you mean" hints for mistyped presets and fields)."""
    try:
        return load_scenario(scenario, list(overrides or []))
    except (ScenarioError, ValidationError) as exc:
        fail(with_suggestions(error_message(exc), scenario))


def prepare_output(directory: Path) -> Path:
    """Returns ``directory`` once it exists and accepts files; otherwise exits with code 2."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".uprising-write-test-"):
            pass
    except OSError as exc:
        fail(f"cannot write to output folder {directory}: {exc.strerror or exc}")
    return directory


# -- the run summary -------------------------------------------------------------------------
# Model I summary statistics (key, label); other keys follow under their own names, and a
# site's statistics (``<site>.<key>``) under "<site>: <label>".
SUMMARY_ROWS = (
    ("mean_active", "mean active (citizens)"),
    ("peak_active", "peak active (citizens)"),
    ("mean_jailed", "mean jailed (citizens)"),
    ("share_ticks_under_10", "share of ticks with < 10 active"),
    ("n_outbursts", "outbursts"),
    ("mean_outburst_duration", "mean outburst length (ticks)"),
    ("mean_wait", "mean wait between outbursts (ticks)"),
    ("total_arrests", "arrests"),
)
LABELS = dict(SUMMARY_ROWS)
MAX_REPLICATE_COLUMNS = 6
RUN_KEYS = frozenset({"seed", "replicate", "spawn_key"})


def fmt(value: Any, key: str = "") -> str:
    """Returns a summary value as text: shares as percentages, counts as integers, other
    numbers with one decimal, missing values as "–"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if key.rsplit(".", 1)[-1].startswith("share_"):
        return f"{value:.0%}"
    if isinstance(value, int) or (key.rsplit(".", 1)[-1].startswith(("n_", "total_", "peak_"))
                                  and float(value).is_integer()):
        return str(int(value))
    return f"{value:.1f}"


def label(key: str) -> str:
    """Returns the row label of a summary key (``site.key`` → "site: label")."""
    site, _, stat = key.rpartition(".")
    text = LABELS.get(stat, stat.replace("_", " "))
    return f"{site}: {text}" if site else text


def _stats(values: list[Any], key: str) -> list[str]:
    nums = [float(v) for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    nums = [v for v in nums if not math.isnan(v)]
    if not nums:
        return ["–"] * 3
    sd = statistics.stdev(nums) if len(nums) > 1 else math.nan
    return [fmt(sd, key), fmt(min(nums), key), fmt(max(nums), key)]


def _order(keys: set[str]) -> list[str]:
    """Returns the summary keys in display order: Model I's, others, then site by site."""
    own = [k for k, _ in SUMMARY_ROWS if k in keys]
    rest = sorted(k for k in keys - RUN_KEYS - set(own) if "." not in k)
    sites: dict[str, list[str]] = {}
    for k in sorted(k for k in keys - RUN_KEYS if "." in k):
        sites.setdefault(k.rpartition(".")[0], []).append(k)
    for site, site_keys in sites.items():
        rank = {f"{site}.{k}": i for i, (k, _) in enumerate(SUMMARY_ROWS)}
        rest += sorted(site_keys, key=lambda k: (rank.get(k, len(rank)), k))
    return own + rest


def run_header(run: dict[str, Any]) -> str:
    """Returns a replicate's column header: its index (0-based), seed and spawn key."""
    rep = run.get("replicate", 0)
    return f"replicate {rep}\nseed {run.get('seed')}, key ({rep},)"


def summary_table(result: RunResult, title: str) -> Table:
    """Returns a Rich table with one row per statistic: per-replicate values and their mean.

    With more than ``MAX_REPLICATE_COLUMNS`` runs it shows mean, sd, min and max instead (every
    run's values are in summary.parquet). Replicates are numbered from 0, as in the results'
    ``replicate`` column; replicate r's streams come from ``SeedSequence(seed, spawn_key=(r,))``.
    """
    runs = result.runs or [
        {"seed": result.metadata.get("seed"), "replicate": result.metadata.get("replicate", 0),
         **result.summary}
    ]
    keys = _order({k for run in runs for k in run})
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("statistic")
    several, wide = len(runs) > 1, len(runs) <= MAX_REPLICATE_COLUMNS
    if wide:
        for run in runs:
            table.add_column(run_header(run), justify="right")
    if several:
        table.add_column("mean", justify="right", style="bold")
    if several and not wide:
        for name in ("sd", "min", "max"):
            table.add_column(name, justify="right")
    for key in keys:
        cells = [fmt(run.get(key), key) for run in runs] if wide else []
        if several:
            cells.append(fmt(result.summary.get(key), key))
        if several and not wide:
            cells += _stats([run.get(key) for run in runs], key)
        table.add_row(label(key), *cells)
    return table


def print_events(result: RunResult, limit: int = 20) -> None:
    """Prints the run's dated events (timeline and actors' decisions), if any."""
    events = dated_events(result.metadata)
    if not events:
        return
    console.print("dated events (replicate 0):" if result.runs else "dated events:",
                  highlight=False)
    for tick, text in events[:limit]:
        console.print(f"  tick {tick:>6}  {text}", highlight=False, markup=False)
    if len(events) > limit:
        console.print(f"  … and {len(events) - limit} more in run.json", highlight=False)
