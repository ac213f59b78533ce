"""What the page's charts and event log are fed: time-series rows of a site or the total, the
scenario's dated events, and one line of text per logged event."""

from __future__ import annotations

from typing import Any

import numpy as np

from uprising.visual.lattice import site_models, site_names

SERIES = ("tick", "quiet", "active", "jailed", "cops", "violent", "defected", "legitimacy")


def series_row(model: Any, site: int | None) -> list[float]:
    """Returns the latest time-series row (SERIES columns present) of a site or the total."""
    models = site_models(model)
    chosen = models if site is None else [models[site]]
    rows = [m.last_row() if hasattr(m, "last_row")
            else m.get_model_vars_dataframe().iloc[-1].to_dict() for m in chosen]
    cols = series_columns(model)
    out = []
    for c in cols:
        values = [float(r.get(c, 0.0)) for r in rows]
        out.append(values[0] if c == "tick" else
                   float(np.mean(values)) if c == "legitimacy" else float(sum(values)))
    return out


def series_columns(model: Any) -> list[str]:
    """Returns the SERIES columns the model records."""
    m = site_models(model)[0]
    have = m.last_row() if hasattr(m, "last_row") else m.get_model_vars_dataframe().iloc[-1]
    return [c for c in SERIES if c in have]


def history(model: Any, site: int | None) -> list[list[float]]:
    """Returns every time-series row so far of a site (or the total)."""
    df = model.get_model_vars_dataframe()
    if "site" in df.columns:
        df = df[df["site"] == ("total" if site is None else site_names(model)[site])]
    cols = series_columns(model)
    return df[cols].to_numpy(dtype=float).tolist()


def scheduled_events(scenario: Any) -> list[dict[str, Any]]:
    """Returns the scenario's dated events (timeline, scripted government, elite split)."""
    out = []
    for ev in scenario.timeline:
        if ev.kind == "concession":
            out.append({"tick": ev.at, "text": f"concession (+{ev.legitimacy_gain:g} L)"})
        elif ev.kind == "ramp":
            out.append({"tick": ev.start, "text": f"ramp {ev.path} → {ev.end_value:g} "
                        f"by {ev.end}"})
        elif ev.kind == "scale":
            out.append({"tick": ev.at, "text": f"{ev.path} × {ev.factor:g}"})
        else:
            out.append({"tick": ev.at, "text": f"{ev.path} = {ev.value:g}"})
    gov = getattr(scenario, "government", None)
    if gov is not None and gov.mode == "script":
        out += [{"tick": e.at, "text": f"government: {e.action}"} for e in gov.script]
    elite = getattr(scenario, "elite", None)
    if elite is not None and elite.enabled and getattr(elite, "split_at", None):
        out.append({"tick": elite.split_at, "text": "elite split"})
    return sorted(out, key=lambda e: e["tick"])


def event_text(ev: dict[str, Any]) -> str:
    skip = {"tick", "actor", "action", "site"}
    detail = ", ".join(f"{k}={short(v)}" for k, v in ev.items() if k not in skip)
    where = f"[{ev['site']}] " if "site" in ev else ""
    return f"{where}{ev.get('actor', '?')}: {ev.get('action', '?')}" + (
        f" ({detail})" if detail else "")


def short(v: Any) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)
