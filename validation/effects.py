"""Paired-seed effects of the issue-15 mechanisms under the four arrest-ratio rules.

Each effect: the same 50 seeds with the control and the treated settings, on the Run 2 world
(40×40, v = 7, cops 0.04, J = 30), 200 ticks; outcome averaged over ticks 101–200; reported
as the mean paired difference with its 95 % t interval. Regimes and settings are fixed here,
before any run; every rule is reported. Writes validation/results/effects.md. Run:
``PYTHONPATH=src python validation/effects.py``.
"""

from __future__ import annotations

from pathlib import Path

from uprising import Model
from uprising.atomic import write_text_atomic
from uprising.testing.paired import paired_effect, run_metric

RULES = ("literal", "floor", "round_half_even", "round_half_up")
SEEDS = range(50)
BASE = ["ticks=200"]
DEFECT = ["population.legitimacy=0.75", "defection.enabled=true", "defection.reversible=true"]
VIOLENCE = ["violence.enabled=true", "violence.crowd_threshold=20"]


def defected_share(m: Model) -> float:
    """Returns the mean share of cop slots that have defected, ticks 101–200."""
    slots = len(m.state.kind) - m.state.n_citizens
    return float(m.get_model_vars_dataframe()["defected"].iloc[101:].mean()) / slots


def mean_active(m: Model) -> float:
    """Returns mean actives, ticks 101–200."""
    return float(m.get_model_vars_dataframe()["active"].iloc[101:].mean())


def deaths(m: Model) -> float:
    """Returns protesters and bystanders killed, ticks 1–200."""
    ts = m.get_model_vars_dataframe()
    return float(ts["killed"].sum() + ts["bystanders_killed"].sum())


LETHAL_FIRE = ("violence.casualty_rates={restrained: {protester: 0.002, police: 0.02}, "
               "normal: {protester: 0.01, police: 0.01}, lethal: {protester: 0.1, police: "
               "0.005, fire: 0.05, lethality: 0.5, bystander: 0.2}}")

#: name, where, control overrides, treated overrides, metric, what it measures
EFFECTS = [
    ("sanction σ 0 → 0.2", "L = 0.75, defection reversible", DEFECT,
     [*DEFECT, "defection.sanction=0.2"], defected_share, "defected share of cop slots"),
    ("peer weight β 0 → 0.3", "L = 0.75, defection reversible", DEFECT,
     [*DEFECT, "defection.peer_weight=0.3"], defected_share, "defected share of cop slots"),
    ("force normal → lethal, deterrence φ = 10", "Run 2 (L = 0.82), violence on",
     [*VIOLENCE, "violence.deterrence=10"],
     [*VIOLENCE, "violence.deterrence=10", "violence.force_level=lethal"], mean_active,
     "mean actives"),
    ("force normal → lethal, no deterrence (φ = 0)", "Run 2 (L = 0.82), violence on",
     VIOLENCE, [*VIOLENCE, "violence.force_level=lethal"], mean_active, "mean actives"),
    ("fire on crowds 0 → 0.05 (lethal)", "L = 0.75, violence on",
     ["population.legitimacy=0.75", *VIOLENCE, "violence.force_level=lethal",
      LETHAL_FIRE.replace("fire: 0.05", "fire: 0.0")],
     ["population.legitimacy=0.75", *VIOLENCE, "violence.force_level=lethal", LETHAL_FIRE],
     deaths, "deaths (protesters + bystanders, t 1–200)"),
]


def main() -> None:
    lines = ["# Mechanism effects: paired difference (treated − control), 95 % t CI, 50 seeds",
             "", "Design: validation/effects.py (docstring). Run 2 world, 200 ticks.", "",
             "| effect | regime | outcome | rule | effect [95 % CI] (control → treated) |",
             "|---|---|---|---|---|"]
    for name, where, control, treated, metric, what in EFFECTS:
        for rule in RULES:
            arm = [*BASE, f"rules.arrest_ratio={rule}"]
            c = run_metric("epstein2002-run2", [*arm, *control], SEEDS, metric)
            t = run_metric("epstein2002-run2", [*arm, *treated], SEEDS, metric)
            lines.append(f"| {name} | {where} | {what} | {rule} | {paired_effect(c, t)} |")
            print(lines[-1], flush=True)
    out = Path(__file__).resolve().parent / "results" / "effects.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(out, "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
