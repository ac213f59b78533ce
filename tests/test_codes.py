"""The integer codes of ``uprising.engine.codes``: one spelling per rule, no clashing indices."""

from __future__ import annotations

import typing

import pytest

from uprising.engine import codes
from uprising.scenario.schema import Jail, Rules


def _literal(model: type, field: str) -> tuple[str, ...]:
    return typing.get_args(model.model_fields[field].annotation)


@pytest.mark.parametrize(
    ("names", "model", "field", "prefix"),
    [
        (codes.ARREST_RULES, Rules, "arrest_ratio", "ARREST_"),
        (codes.JAILED_MODES, Rules, "jailed", "JAILED_"),
        (codes.RELEASE_MODES, Rules, "release", "RELEASE_"),
        (codes.TERM_RANGES, Jail, "term_range", "TERM_"),
    ],
)
def test_rule_names_match_the_schema_and_the_named_constants(names, model, field, prefix):
    """The scenario schema allows exactly the names the kernels know, and each name's named
    constant (e.g. ARREST_FLOOR) is its index in the names tuple."""
    assert _literal(model, field) == names
    for i, name in enumerate(names):
        assert getattr(codes, prefix + name.upper()) == i


def test_switch_indices_are_distinct_and_model2_appends_after_model1():
    model1 = {n: v for n, v in vars(codes).items() if n.startswith("SW_") and "_IG_" not in n}
    model2 = {n: v for n, v in vars(codes).items() if n.startswith("SW_IG_")}
    assert sorted(model1.values()) == list(range(codes.N_SWITCHES))
    assert sorted(model2.values()) == list(range(codes.N_SWITCHES, codes.N_IG_SWITCHES))


def test_mechanism_indices_and_cell_codes_are_distinct():
    mech = sorted(v for n, v in vars(codes).items() if n.startswith("M_"))
    assert mech == list(range(codes.N_MECH))
    cells = [codes.EMPTY, codes.QUIET, codes.ACTIVE, codes.JAILED, codes.COP, codes.TARGET]
    assert len(set(cells)) == len(cells)
