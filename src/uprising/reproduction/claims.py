"""The published claims of Epstein (2002) (epstein_spec.md §6.3–6.5) and how each is judged.

Every claim states the paper's words, the independent replication's numbers (ndouglas, 20 seeds,
unless noted) and a rule for our verdict fixed in advance: ``reproduced``, ``reproduced only
under variant X`` or ``not reproduced``. Thresholds are the spec's ranges, never fitted to our
output. Known failures of the replication literature are flagged ``known_fail``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from uprising.reproduction import checks_model1 as m1
from uprising.reproduction import checks_model2 as m2
from uprising.reproduction.runner import SuiteResults
from uprising.reproduction.verdicts import (
    NOT_ASSESSED,
    NOT_REPRODUCED,
    PAPER_ACTIVATION,
    PAPER_WAIT,
    REPRODUCED,
    Outcome,
    only_under,
    sweep_table,
    variant_table,
)

__all__ = [
    "CLAIMS",
    "NOT_ASSESSED",
    "NOT_REPRODUCED",
    "PAPER_ACTIVATION",
    "PAPER_WAIT",
    "REPRODUCED",
    "Claim",
    "Outcome",
    "evaluate_all",
    "only_under",
    "sweep_table",
    "variant_table",
]


@dataclass(frozen=True)
class Claim:
    """A published claim with its evaluation rule."""

    id: str
    figure: str
    title: str
    paper: str
    replication: str
    rule: str
    evaluate: Callable[[SuiteResults], Outcome]
    known_fail: bool = False


CLAIMS: tuple[Claim, ...] = (
    Claim("run1", "1–2", "Run 1: local outbursts with immobile agents",
          "Deceptive behaviour and local outbursts with v = 1.7, L = 0.89, no movement",
          "steady simmer of 33–62 actives (mean 48) over t = 100–700, no calm stretches",
          "mean actives over t = 100–700 within 33–62 and ≤ 10 % of seeds with < 10 actives",
          m1.run1),
    Claim("deception", "1–2", "Run 1: deceptive behaviour",
          "agents turn active when cops leave their vicinity and quiet when cops approach, "
          "with private grievance unchanged",
          "qualitative (NetLogo 'Things to notice'); not measured by ndouglas",
          "switches coincide with a cop leaving (→ active) or arriving (→ quiet) more often "
          "than the base rate (one-sided binomial tests, both p < 0.05)", m1.deception),
    Claim("run2-pe", "3–4", "Run 2: punctuated equilibrium",
          "Long quiescent periods broken by outbursts at Run 2's inputs",
          "floor: 101–122 outbursts per 3000 ticks, peak 290–368, 61–68 % of ticks < 10 "
          "actives; the literal ratio never erupts",
          "≥ 20 outbursts per 3000 ticks and ≥ 50 % of ticks with < 10 actives, per variant",
          m1.run2_pe),
    Claim("run2-literal", "—", "Run 2 with the paper's literal ratio stays calm",
          "(replication finding, not a paper claim)",
          "peaks 13–34, zero outbursts in 20 seeds × 3000 ticks",
          "no outburst and peak ≤ 35 in every seed", m1.run2_literal),
    Claim("waits", "5", "Waiting time between outbursts",
          "mean 60, s.d. 55", "floor ≈ 22 (KNOWN-FAIL)",
          "pooled mean within ±25 % and s.d. within ±35 % of 60 ± 55, per variant",
          m1.waits, known_fail=True),
    Claim("waits-log", "6", "Logged waiting-time frequencies",
          "truncated at 30 and logged: slope −0.07", "not measured",
          "maximum-likelihood exponential slope of the waits ≥ 30 within −0.09 … −0.05, "
          "per variant",
          m1.slope),
    Claim("activation", "7", "Total activation per outburst",
          "mean 708, s.d. 230", "floor ≈ 779",
          "pooled mean within ±25 % and s.d. within ±35 % of 708 ± 230, per variant",
          m1.activation),
    Claim("tension", "8", "Tension builds before outbursts",
          "tension rises before outbursts", "measured as Ḡ·B̄/R̄ (their reading)",
          "tension rises over the 10 ticks before most outburst starts (sign test, p < 0.05)",
          m1.tension),
    Claim("movement", "—", "Free assembly catalyses outbursts",
          "movement makes rebellion episodes more frequent (NetLogo's summary)",
          "qualitative", "more outbursts with movement in most paired seeds (sign test p < 0.05)",
          m1.movement),
    Claim("salami", "9", "Salami tactics: no spike",
          "L 0.9 → 0.2 in small increments: no spike of actives, smoothly rising jail",
          "passes 50 actives in 3/20 seeds; jail at t = 300 322–910 in 17/20 calm seeds",
          "≤ 25 % of seeds pass 50 actives after t = 77", m1.salami),
    Claim("jump", "10", "One jump: an explosion of actives",
          "L 0.9 → 0.7 at t = 77: an explosion of actives",
          "jump's peak above salami's in 17/20 paired seeds; jump passes 50 in 9/20",
          "jump's peak after t = 77 above salami's in most paired seeds (sign test p < 0.05) "
          "and an outburst (> 50 actives) after the jump in ≥ 25 % of seeds",
          m1.jump),
    Claim("jump-jail", "10", "One jump ends with a larger jail",
          "the jailed population exceeds the first run's", "holds in 7/20 (KNOWN-FAIL)",
          "jump's jail at t = 300 larger in most paired seeds (sign test p < 0.05)",
          m1.jump_jail, known_fail=True),
    Claim("run5", "11", "Cop reductions tip society into rebellion",
          "walking cops down 'tips' society into rebellion",
          "floor: every seed tips, peak 64–345 (mean 194) at t ≈ 177 with ≈ 88 cops left; "
          "literal never tips (peaks 14–33)",
          "every seed passes 50 actives (reproduced outright if the literal ratio tips too)",
          m1.run5),
    Claim("jail-terms", "—", "Longer jail terms lengthen waits (open conjecture)",
          "conjecture", "3.5 ticks at J_max = 10 → 40.4 at 60; ≈ 0.66–0.74 × J_max for "
          "J_max ≥ 15; at J_max = 5 no outburst ends",
          "mean wait rises with J_max (Spearman p < 0.05)", m1.jail_terms),
    Claim("run6", "12", "Run 6: peaceful coexistence",
          "L = 0.9, no cops: peaceful coexistence", "no killing in 20/20 (forced: G ≤ T)",
          "zero kills in every seed", m2.run6),
    Claim("run7", "13", "Run 7: genocide, random victor",
          "genocide always observed (n = 30); the victor is random",
          "genocide 20/20 at t = 30–190 (mean 94); Blue 12, Green 8",
          "one group extinct in every seed and a fair-coin victor (binomial p ≥ 0.05)",
          m2.run7),
    Claim("peacekeepers", "14", "Safe havens under peacekeeping",
          "safe havens typically emerge when peacekeepers arrive",
          "0.04 at t = 50: genocide 20/20 by t = 30–377 (KNOWN-FAIL)",
          "both groups alive at the end in most seeds", m2.coexist("peacekeepers"),
          known_fail=True),
    Claim("run8", "—", "Run 8: a stable, but nasty, regime",
          "cops 0.04 from the start: a stable, but nasty, regime",
          "one group gone in 20/20 by t = 75–882 (KNOWN-FAIL)",
          "both groups alive at the end in most seeds", m2.coexist("run8"), known_fail=True),
    Claim("copsweep", "15–17", "Time to genocide rises with cop density",
          "mean and s.d. of the time to genocide rise with initial cop density",
          "mean 94 at 0; 106–119 at 0.01–0.03; 156–196 at 0.04–0.07; 223–263 at 0.08–0.1",
          "Spearman ρ > 0 with p < 0.05 for mean and s.d., and band means rising",
          m2.sweep),
    Claim("tension-both", "5 & 7", "One variant for both waits and activation?",
          "waits 60 ± 55 and activation 708 ± 230 in the same runs",
          "floor matches activation, not waits (spec §0 finding 3: open question)",
          "a variant meeting both the waits and the activation rule",
          m1.both),
    Claim("granovetter", "—", "Granovetter (1978) threshold cascade (extension §6.6)",
          "thresholds 0..99: all riot; one change: 1 riots; critical σ ≈ 0.12",
          "recomputation puts the critical σ nearer 0.10",
          "test A exact and the infinite-population critical σ within 0.10–0.125",
          m2.granovetter),
)


def evaluate_all(res: SuiteResults) -> list[tuple[Claim, Outcome]]:
    """Returns every claim with its outcome (an evaluation error becomes 'not assessed')."""
    out = []
    for c in CLAIMS:
        try:
            outcome = c.evaluate(res)
        except Exception as exc:  # a missing experiment must not sink the whole report
            outcome = Outcome(NOT_ASSESSED, f"evaluation failed: {type(exc).__name__}: {exc}")
        out.append((c, outcome))
    return out
