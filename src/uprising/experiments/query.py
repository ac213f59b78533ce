"""SQL over a store with DuckDB: views ``runs``, ``timeseries`` and ``failures``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from uprising.experiments.spec import ExperimentError
from uprising.experiments.store import FAILURES, RUNS, TS, Store

_EMPTY = {
    "runs": "SELECT NULL::BIGINT AS run_id WHERE false",
    "timeseries": "SELECT NULL::BIGINT AS run_id, NULL::BIGINT AS tick WHERE false",
    "failures": "SELECT NULL::BIGINT AS run_id, NULL::VARCHAR AS error WHERE false",
}


def _sql_list(paths: list[Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def connect(directory: str | Path) -> Any:
    """Returns an in-memory DuckDB connection with the store's tables as views.

    ``runs`` (one row per finished run), ``timeseries`` (when measured) and ``failures``.
    Parameter columns keep their dotted names: quote them, ``"population.legitimacy"``.
    """
    import duckdb

    store = Store(directory)
    store.manifest()
    con = duckdb.connect(":memory:")
    for view, kind in (("runs", RUNS), ("timeseries", TS), ("failures", FAILURES)):
        files = store.files(kind)
        source = (
            f"SELECT * FROM read_parquet({_sql_list(files)}, union_by_name = true)"
            if files
            else _EMPTY[view]
        )
        con.execute(f"CREATE VIEW {view} AS {source}")
    return con


def query(directory: str | Path, sql: str) -> pd.DataFrame:
    """Returns the result of ``sql`` run against the store's views as a DataFrame."""
    import duckdb

    con = connect(directory)
    try:
        return con.execute(sql).df()
    except duckdb.Error as exc:
        raise ExperimentError(f"query failed: {exc}") from None
    finally:
        con.close()
