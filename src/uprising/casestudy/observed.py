"""Observed data of the case studies: dated counts and events with their sources.

Each case is one CSV shipped in ``uprising/casestudy/data`` (sources in its README.md), with the
columns ``date,region,observable,value,low,high,kind,source,note``. Dates are local time
(Almaty); ``low``/``high`` span the figures the sources give; an ``event`` row has no value and
its note opens with the event's name (``curfew: 23:00-07:00 until 19 Jan``).
"""

from __future__ import annotations

import csv
import io
import math
import re
from importlib import resources
from pathlib import Path

import pandas as pd

DATA_PACKAGE = "uprising.casestudy"
#: Case name → shipped CSV.
CASES = {
    "kazakhstan-2022": "kazakhstan-2022-observed.csv",
    "kazakhstan-2019": "kazakhstan-2019-facts.csv",
}
COLUMNS = ("date", "region", "observable", "value", "low", "high", "kind", "source", "note")
OBSERVABLES = frozenset({
    "regions_with_protest", "participants", "cumulative_detentions", "cumulative_deaths",
    "cumulative_security_deaths", "cumulative_injuries", "buildings_damaged", "event",
})
KINDS = frozenset({"fact", "claim"})
#: Keys of ``uprising/scenario/data/kazakhstan_regions.csv``, plus ``national``.
REGIONS = frozenset({
    "national", "mangystau", "atyrau", "west_kazakhstan", "aktobe", "kostanay", "kyzylorda",
    "turkistan", "shymkent", "zhambyl", "almaty", "almaty_region", "east_kazakhstan",
    "pavlodar", "north_kazakhstan", "akmola", "astana", "karaganda",
})
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?$")
_EVENT = re.compile(r"^([a-z][a-z0-9_]*)(:|$)")


def _number(text: str, where: str, field: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{where}: {field}: not a number (got {text!r})") from None
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{where}: {field}: must be a finite number ≥ 0 (got {text!r})")
    return value


def _check_row(row: dict[str, str], where: str) -> dict[str, object]:
    if not _DATE.match(row["date"]):
        raise ValueError(f"{where}: date: must be YYYY-MM-DD or YYYY-MM-DDTHH:MM "
                         f"(got {row['date']!r})")
    try:
        date = pd.Timestamp(row["date"])
    except ValueError:
        raise ValueError(f"{where}: date: not a real date (got {row['date']!r})") from None
    for field, allowed in (("region", REGIONS), ("observable", OBSERVABLES), ("kind", KINDS)):
        if row[field] not in allowed:
            raise ValueError(f"{where}: {field}: must be one of {', '.join(sorted(allowed))} "
                             f"(got {row[field]!r})")
    if not row["source"].strip():
        raise ValueError(f"{where}: source: must not be empty")
    out: dict[str, object] = {**row, "date": date}
    if row["observable"] == "event":
        for field in ("value", "low", "high"):
            if row[field].strip():
                raise ValueError(f"{where}: {field}: must be empty on an event row")
            out[field] = float("nan")
        if not _EVENT.match(row["note"]):
            raise ValueError(f"{where}: note: an event's note must open with its name in "
                             f"snake_case, e.g. 'curfew: ...' (got {row['note'][:40]!r})")
        return out
    value, low, high = (_number(row[f], where, f) for f in ("value", "low", "high"))
    if not low <= value <= high:
        raise ValueError(f"{where}: low ≤ value ≤ high does not hold "
                         f"(low {low:g}, value {value:g}, high {high:g})")
    out.update(value=value, low=low, high=high)
    return out


def parse_observed(text: str, source: str) -> pd.DataFrame:
    """Returns the validated rows of an observed-data CSV text, sorted by date.

    Raises:
        ValueError: wrong columns, or a bad field; the message names ``source``, the row
            (line number in the file) and the field.
    """
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise ValueError(f"{source}: columns must be exactly {','.join(COLUMNS)} "
                         f"(got {','.join(reader.fieldnames or [])})")
    rows, seen = [], set()
    for row in reader:
        where = f"{source} row {reader.line_num}"
        if None in row or any(v is None for v in row.values()):
            raise ValueError(f"{where}: expected {len(COLUMNS)} fields")
        checked = _check_row(row, where)
        key = (checked["date"], row["region"], row["observable"])
        if row["observable"] != "event" and key in seen:
            raise ValueError(f"{where}: date: a second {row['observable']} row for "
                             f"{row['region']} on {row['date']}")
        seen.add(key)
        rows.append(checked)
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    return frame.sort_values("date", kind="stable").reset_index(drop=True)


def load_observed(case: str, path: str | Path | None = None) -> pd.DataFrame:
    """Returns the observed rows of a case (``kazakhstan-2022`` or ``kazakhstan-2019``).

    Args:
        case: the case name (a key of ``CASES``).
        path: read this CSV instead of the shipped one (for checking an edited copy).

    Raises:
        ValueError: unknown case or bad data (the message names the file, row and field).
    """
    if case not in CASES:
        raise ValueError(f"unknown case {case!r} (cases: {', '.join(sorted(CASES))})")
    if path is not None:
        return parse_observed(Path(path).read_text(encoding="utf-8"), str(path))
    res = resources.files(DATA_PACKAGE).joinpath("data", CASES[case])
    return parse_observed(res.read_text(encoding="utf-8"), CASES[case])


def observed_series(case: str, observable: str, region: str = "national") -> pd.Series:
    """Returns the values of one observable in one region, indexed by date (empty if none).

    Raises:
        ValueError: unknown case, observable or region, or ``event`` (use ``events``).
    """
    if observable not in OBSERVABLES - {"event"}:
        raise ValueError(f"observable: must be one of "
                         f"{', '.join(sorted(OBSERVABLES - {'event'}))} (got {observable!r})")
    if region not in REGIONS:
        raise ValueError(f"region: must be one of {', '.join(sorted(REGIONS))} (got {region!r})")
    data = load_observed(case)
    rows = data[(data["observable"] == observable) & (data["region"] == region)]
    series = pd.Series(rows["value"].to_numpy(dtype=float), index=pd.DatetimeIndex(rows["date"]),
                       name=observable)
    series.index.name = "date"
    return series


def events(case: str) -> pd.DataFrame:
    """Returns the event rows of a case, with an ``event`` column (the name that opens the
    note), sorted by date."""
    data = load_observed(case)
    rows = data[data["observable"] == "event"].drop(columns=["value", "low", "high"])
    rows = rows.reset_index(drop=True)
    rows.insert(1, "event", rows["note"].str.extract(_EVENT, expand=False)[0])
    return rows


def observed_value(case: str, observable: str, region: str = "national",
                   when: str | None = None) -> float | None:
    """Returns the recorded value of ``observable`` in ``region`` on ``when`` (ISO date), or
    None when the record has no such row (observables without a date: the last row's value)."""
    series = observed_series(case, observable, region)
    if series.empty:
        return None
    if when is None:
        return float(series.iloc[-1])
    hits = [v for d, v in series.items() if str(d)[:10] == when]
    return float(hits[-1]) if hits else None
