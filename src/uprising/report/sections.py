"""Sections of the report, each a function from plain data (DataFrames, dicts, lists) to
``(anchor, title, body HTML)``; a missing input gives a placeholder saying what is missing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from uprising.counterfactual.figure import forest_plot, outcome_label
from uprising.report.figures import posterior_figure, regional_figure, timeline_figure
from uprising.report.html import definitions, esc, note, paragraph, png, table

Section = tuple[str, str, str]
#: (anchor, heading) of every section, in page order.
TITLES = {
    "summary": "Summary",
    "timeline": "Timeline: simulated and observed",
    "regional": "Regional spread by day",
    "evidence": "Evidence",
    "calibration": "Calibration: posterior and fit per target",
    "counterfactuals": "Counterfactual effects",
    "prediction": "The 2019 prediction",
    "ablations": "Ablations",
    "acceptance": "Acceptance checks",
}
MAX_ROWS = 500  # longest table shown; the rest is counted
#: Parts of the calibration record shown first: fit per target, then the parameters.
CALIBRATION_FIRST = ("case", "fit", "parameters", "coverage", "observed")


def _section(anchor: str, body: str) -> Section:
    return anchor, TITLES[anchor], body


def _rows(frame: pd.DataFrame) -> str:
    extra = len(frame) - MAX_ROWS
    shown = table(frame.head(MAX_ROWS))
    return shown + (note(f"… and {extra} more rows") if extra > 0 else "")


def mapping_html(data: Mapping[str, Any]) -> str:
    """Returns a mapping as HTML: scalars as a definition list, a list of mappings or a
    mapping of mappings as a table (with a sub-heading), other nested values as text."""
    scalars, blocks = [], []
    for key, value in data.items():
        if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            blocks.append(f"<h3>{esc(key)}</h3>" + _rows(pd.DataFrame(value)))
        elif (isinstance(value, Mapping) and value
              and all(isinstance(v, Mapping) for v in value.values())):
            frame = pd.DataFrame.from_dict(dict(value), orient="index")
            frame.insert(0, "name", [str(k) for k in value])
            blocks.append(f"<h3>{esc(key)}</h3>" + _rows(frame.reset_index(drop=True)))
        elif isinstance(value, Mapping):
            blocks.append(f"<h3>{esc(key)}</h3>" + mapping_html(value))
        else:
            scalars.append((str(key), value))
    return (definitions(scalars) if scalars else "") + "".join(blocks)


def summary_section(summary: Mapping[str, Any]) -> Section:
    """Returns the summary: what was run (case, runs, seeds, time) as a definition list."""
    return _section("summary", definitions((str(k), v) for k, v in summary.items()))


def timeline_section(bands: pd.DataFrame | None, observed: pd.DataFrame | None = None,
                     problem: str = "") -> Section:
    """Returns the timeline figure (median, 50 % and 90 % bands; observed points with their
    range) from the output of ``series.bands`` and an observed table."""
    if bands is None or bands.empty:
        return _section("timeline", note("no simulated series"))
    body = png(timeline_figure(bands, observed), "simulated and observed daily values")
    if observed is None or observed.empty:
        body += note(f"no observed values: simulated bands only. {problem}".strip())
    else:
        body += paragraph(f"{len(observed)} observed values (points; bars: low–high range).")
        body += note(problem) if problem else ""
    return _section("timeline", body)


def regional_section(median: pd.DataFrame | None) -> Section:
    """Returns the heat map of participants, region × day (median over runs)."""
    if median is None or median.empty:
        return _section("regional", note("no regional rows in the simulated series"))
    return _section("regional", png(regional_figure(median), "participants by region and day")
                    + paragraph("Median over runs of the daily participants in each region."))


def evidence_section(evidence: pd.DataFrame | None, problem: str = "") -> Section:
    """Returns the evidence table, or a placeholder naming the ``problem``."""
    if evidence is None:
        return _section("evidence", note(problem or "no evidence table"))
    return _section("evidence", _rows(evidence))


def calibration_section(metadata: Mapping[str, Any] | None,
                        posterior: pd.DataFrame | None, problem: str = "") -> Section:
    """Returns the calibration metadata (``<case>.posterior.json``: fit per target and the
    rest) and the posterior's marginals."""
    if metadata is None and posterior is None:
        return _section("calibration", note(problem or "no calibration"))
    first = {k: metadata[k] for k in CALIBRATION_FIRST if metadata and k in metadata}
    ordered = {**first, **{k: v for k, v in (metadata or {}).items() if k not in first}}
    body = mapping_html(ordered) if metadata else note("no calibration metadata")
    if posterior is not None and not posterior.empty:
        body += (f"<h3>posterior ({len(posterior)} draws)</h3>"
                 + png(posterior_figure(posterior), "posterior marginals")
                 + table(posterior.describe().T.reset_index(names="parameter")))
    return _section("calibration", body)


def counterfactual_section(effects: pd.DataFrame | None,
                           variants: Sequence[Mapping[str, Any]] = (),
                           problem: str = "") -> Section:
    """Returns the forest plot and the table of a comparison's effects table, with the
    variants' descriptions and overrides."""
    if effects is None or effects.empty:
        return _section("counterfactuals", note(problem or "no comparison"))
    shown = effects.assign(outcome=effects["outcome"].map(outcome_label))
    body = png(forest_plot(effects), "effects of the variants") + _rows(shown)
    if variants:
        body += "<h3>variants</h3>" + table(pd.DataFrame(
            [{"name": v.get("name"), "description": v.get("description", ""),
              "overrides": v.get("overrides", {})} for v in variants]))
    return _section("counterfactuals", body)


def prediction_section(prediction: Mapping[str, Any] | None, source: str = "") -> Section:
    """Returns the 2019 prediction (the JSON written by the validation script)."""
    if prediction is None:
        return _section("prediction", note(f"no prediction file {source}".strip()))
    head = paragraph(f"From {source}.") if source else ""
    return _section("prediction", head + mapping_html(prediction))


def ablations_section(ablations: pd.DataFrame | None) -> Section:
    """Returns the ablations table as given."""
    if ablations is None:
        return _section("ablations", note("no ablations given"))
    return _section("ablations", _rows(ablations))


def verdict(check: Mapping[str, Any], met: str = "met", unmet: str = "not met") -> str:
    """Returns ``met`` or ``unmet``, with ", borderline" when the check's 95 % interval crosses
    its target (``settled`` False; None or absent: no interval applies)."""
    text = met if bool(check.get("met")) else unmet
    return text + (", borderline" if check.get("settled") is False else "")


def checks_summary(checks: Sequence[Mapping[str, Any]]) -> str:
    """Returns "k of n checks met" and how many verdicts are borderline."""
    met = int(sum(bool(c.get("met")) for c in checks))
    loose = sum(c.get("settled") is False for c in checks)
    text = f"{met} of {len(checks)} checks met"
    if loose:
        text += (f"; {loose} borderline (the 95 % interval of the measured median or share "
                 "crosses the target's edge, so more runs could change the verdict)")
    return text


def acceptance_section(checks: Sequence[Mapping[str, Any]] | None) -> Section:
    """Returns the acceptance checks ({id, description, value, target, met, settled}) with a
    count."""
    if not checks:
        return _section("acceptance", note("no acceptance checks given"))
    frame = pd.DataFrame([{k: c.get(k) for k in ("id", "description", "value", "target")}
                          for c in checks])
    frame["met"] = [verdict(c) for c in checks]
    body = paragraph(f"{checks_summary(checks)}.") + table(
        frame, {"met": lambda v: "met" if v.startswith("met") else "unmet"})
    return _section("acceptance", body)
