"""The report as data in, HTML out: ``ReportData`` holds every input as plain data;
``build_html`` turns it into one self-contained page; ``write_report`` writes it atomically."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from uprising.atomic import write_text_atomic
from uprising.report import sections as s
from uprising.report.html import page
from uprising.report.series import bands, observed_days, regional_median


@dataclass
class ReportData:
    """Inputs of a report; anything left ``None`` becomes a placeholder section.

    Attributes:
        case: case name (the title).
        summary: what was run, shown as given (name → value).
        series: daily tables of the runs stacked with a ``run`` column (``report.series``).
        observed: observed values: measure, day (or date), value, low, high.
        evidence: the evidence table (``uprising.scenario.evidence.evidence_table``).
        calibration: the metadata of ``<case>.posterior.json`` (fit per target …).
        posterior: the posterior draws (one column per parameter).
        effects: a comparison's effects table (``uprising.counterfactual``).
        variants: the compared variants: name, description, overrides.
        prediction: the 2019 prediction (JSON) and ``prediction_source`` its path.
        ablations: a table of ablations, shown as given.
        acceptance: checks as {id, description, value, target, met}.
        problems: section anchor → why its input is missing (shown in the placeholder).
    """

    case: str
    summary: dict[str, Any] = field(default_factory=dict)
    series: pd.DataFrame | None = None
    observed: pd.DataFrame | None = None
    evidence: pd.DataFrame | None = None
    calibration: dict[str, Any] | None = None
    posterior: pd.DataFrame | None = None
    effects: pd.DataFrame | None = None
    variants: list[dict[str, Any]] = field(default_factory=list)
    prediction: dict[str, Any] | None = None
    prediction_source: str = ""
    ablations: pd.DataFrame | None = None
    acceptance: list[dict[str, Any]] | None = None
    problems: dict[str, str] = field(default_factory=dict)


def build_sections(data: ReportData) -> list[s.Section]:
    """Returns the report's sections, in page order, from its data."""
    why = data.problems.get
    has_series = data.series is not None and not data.series.empty
    observed, timeline_note = data.observed, ""
    if has_series and observed is not None:
        try:
            observed = observed_days(observed, data.series)
        except ValueError as exc:
            observed, timeline_note = None, str(exc)
        else:
            days = data.series["day"]
            inside = observed["day"].between(days.min(), days.max())
            if (~inside).any():
                timeline_note = (f"{int((~inside).sum())} observed values outside the simulated "
                                 "days are not shown.")
            observed = observed[inside]
    return [
        s.summary_section(data.summary),
        s.timeline_section(bands(data.series) if has_series else None, observed,
                           timeline_note),
        s.regional_section(regional_median(data.series) if has_series else None),
        s.evidence_section(data.evidence, why("evidence", "")),
        s.calibration_section(data.calibration, data.posterior, why("calibration", "")),
        s.counterfactual_section(data.effects, data.variants, why("counterfactuals", "")),
        s.prediction_section(data.prediction, data.prediction_source),
        s.ablations_section(data.ablations),
        s.acceptance_section(data.acceptance),
    ]


def build_html(data: ReportData) -> str:
    """Returns the report as one self-contained HTML document."""
    return page(f"uprising report: {data.case}", build_sections(data),
                "Simulated by uprising; every figure is embedded in this file.")


def write_report(path: str | Path, data: ReportData) -> Path:
    """Returns ``path`` after writing the report there atomically."""
    return write_text_atomic(path, build_html(data))
