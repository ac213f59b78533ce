"""User reporters: Mesa's ``DataCollector`` idea without one Python object per agent.

``model.add_reporters(model_reporters={"name": fn}, every=N, agents_every=M)`` evaluates each
``fn(model)`` every N ticks (and at the tick it is added); the values become columns of
``get_model_vars_dataframe()`` (NaN at the ticks in between) and so of ``model.result()``.
``agents_every=M`` records the agents every M ticks in one tidy table,
``get_agent_records()``: tick, agent, kind, state, x, y, group.

The model runs in stretches that end on the reporters' ticks, so the kernels see the same
calls as ``step()`` would make at those ticks: results are the same bits with or without
reporters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

AGENT_COLUMNS = ["agent", "kind", "state", "x", "y", "group"]
Reporter = Callable[[Any], Any]


def _check_every(value: int | None, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive int (ticks); got {value!r}")
    return value


class Reporters:
    """Model-level reporters and agent records of one model.

    Args:
        model_reporters: column name → function of the model (any value; numbers make
            numeric columns).
        every: evaluate the model reporters every ``every`` ticks.
        agents_every: record the agents every ``agents_every`` ticks (None: never).
    """

    def __init__(self, model_reporters: Mapping[str, Reporter] | None = None, every: int = 1,
                 agents_every: int | None = None):
        reporters = dict(model_reporters or {})
        for name, fn in reporters.items():
            if not isinstance(name, str) or not name:
                raise ValueError(f"model_reporters: a column name must be a non-empty "
                                 f"string; got {name!r}")
            if not callable(fn):
                raise TypeError(f"model_reporters[{name!r}] must be a function of the model; "
                                f"got {fn!r}")
        self.model_reporters = reporters
        self.every = _check_every(every, "every") or 1
        self.agents_every = _check_every(agents_every, "agents_every")
        self.rows: list[dict[str, Any]] = []
        self.agent_frames: list[pd.DataFrame] = []

    def periods(self) -> list[int]:
        """Returns the periods (ticks) at which something is collected."""
        out = [self.every] if self.model_reporters else []
        return out + ([self.agents_every] if self.agents_every else [])

    def limit(self, nxt: int, chunk: int) -> int:
        """Returns ``chunk`` shortened so the stretch from tick ``nxt`` ends on the next tick
        at which something is collected."""
        for period in self.periods():
            chunk = min(chunk, period - (nxt - 1) % period)
        return max(chunk, 1)

    def collect(self, model: Any, force: bool = False) -> None:
        """Evaluates what is due at ``model.tick`` (everything when ``force``)."""
        tick = model.tick
        due = self.model_reporters and (force or tick % self.every == 0)
        if due and (not self.rows or self.rows[-1]["tick"] != tick):
            row = {"tick": tick}
            for name, fn in self.model_reporters.items():
                row[name] = fn(model)
            self.rows.append(row)
        due = self.agents_every and (force or tick % self.agents_every == 0)
        if due and (not self.agent_frames
                    or int(self.agent_frames[-1]["tick"].iat[0]) != tick):
            self.agent_frames.append(agent_snapshot(model))

    def join(self, ts: pd.DataFrame) -> pd.DataFrame:
        """Returns the time series ``ts`` with the model reporters' columns added by tick."""
        if not self.rows:
            return ts
        frame = pd.DataFrame(self.rows)
        clash = [c for c in frame.columns if c != "tick" and c in ts.columns]
        if clash:
            frame = frame.rename(columns={c: f"reporter_{c}" for c in clash})
        return ts.merge(frame, on="tick", how="left")

    def agent_records(self) -> pd.DataFrame:
        """Returns the agent records (tick, agent, kind, state, x, y, group)."""
        if not self.agent_frames:
            return pd.DataFrame(columns=["tick", *AGENT_COLUMNS])
        return pd.concat(self.agent_frames, ignore_index=True)


def agent_snapshot(model: Any) -> pd.DataFrame:
    """Returns the model's agents now as tick, agent, kind, state, x, y, group (off-duty cop
    slots left out; group empty for cops)."""
    df = model.get_agent_vars_dataframe()
    if "group" not in df.columns:
        df = df.assign(group="")
    df = df[AGENT_COLUMNS]
    df = df[~((df["kind"] == "cop") & (df["state"] == "off_duty"))].reset_index(drop=True)
    df.insert(0, "tick", model.tick)
    return df
