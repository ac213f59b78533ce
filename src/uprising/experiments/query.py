"""SQL over a store with DuckDB: views ``runs``, ``timeseries`` and ``failures``.

By default the connection is a sandbox: the views are created over the store's verified part
files, then DuckDB's file-system access is switched off except for exactly those files
(``allowed_paths`` + ``enable_external_access = false``), extension auto-loading is off and the
configuration is locked; only one ``SELECT`` (or ``EXPLAIN``) statement is accepted. So a query
can neither read other files (``read_text('/etc/passwd')``) nor write any (``COPY … TO``,
``ATTACH``), not even the store's own. ``full_access=True`` (CLI ``--unsafe-full-access``)
gives the plain DuckDB connection.
"""

from __future__ import annotations

from collections.abc import Callable
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
ALLOWED_STATEMENTS = ("SELECT", "EXPLAIN")


def _sql_list(paths: list[Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split("\n")[0].split()) or type(exc).__name__
    return text


def connect(
    directory: str | Path,
    *,
    full_access: bool = False,
    warn: Callable[[str], None] | None = None,
) -> Any:
    """Returns an in-memory DuckDB connection with the store's tables as views.

    ``runs`` (one row per finished run), ``timeseries`` (when measured) and ``failures``, over
    the store's verified parts (damaged, missing or duplicate parts are left out and reported
    to ``warn``). Parameter columns keep their dotted names: quote them,
    ``"population.legitimacy"``. Unless ``full_access``, the connection can read only those
    files and write none.
    """
    import duckdb

    store = Store(directory)
    store.manifest()
    check = store.check()
    for problem in check.problems:
        if warn is not None:
            warn(f"left out: {problem}")
    files = {kind: store.files(kind, check) for kind in (RUNS, TS, FAILURES)}
    config = {} if full_access else {"autoinstall_known_extensions": False,
                                     "autoload_known_extensions": False}
    con = duckdb.connect(":memory:", config=config)
    try:
        if not full_access:
            every = [str(p.resolve()) for paths in files.values() for p in paths]
            con.execute(f"SET allowed_paths = {_sql_list(every)}" if every else
                        "SET allowed_paths = []")
            con.execute("SET enable_external_access = false")
        for view, kind in (("runs", RUNS), ("timeseries", TS), ("failures", FAILURES)):
            paths = [p.resolve() for p in files[kind]]
            source = (
                f"SELECT * FROM read_parquet({_sql_list(paths)}, union_by_name = true)"
                if paths
                else _EMPTY[view]
            )
            con.execute(f"CREATE VIEW {view} AS {source}")
        if not full_access:
            con.execute("SET lock_configuration = true")
    except duckdb.Error as exc:
        con.close()
        raise ExperimentError(f"{store.directory}: cannot open the store for SQL: "
                              f"{_one_line(exc)}") from None
    return con


def query(
    directory: str | Path,
    sql: str,
    *,
    full_access: bool = False,
    warn: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Returns the result of ``sql`` run against the store's views as a DataFrame.

    Raises ExperimentError (one line) for an empty or invalid statement, a statement other
    than SELECT/EXPLAIN or access to a file outside the store (unless ``full_access``), and
    any DuckDB error (e.g. a part damaged after it was verified).
    """
    import duckdb

    if not sql or not sql.strip().strip(";").strip():
        raise ExperimentError("query failed: empty SQL")
    con = connect(directory, full_access=full_access, warn=warn)
    try:
        statements = con.extract_statements(sql)
        if not statements:
            raise ExperimentError("query failed: no SQL statement (only comments?)")
        if not full_access:
            if len(statements) > 1:
                raise ExperimentError(f"query refused: {len(statements)} statements; give one "
                                      "SELECT (or use --unsafe-full-access)")
            kind = str(statements[0].type).rsplit(".", 1)[-1]
            if kind not in ALLOWED_STATEMENTS:
                raise ExperimentError(
                    f"query refused: {kind} statements are not allowed — the store is read "
                    "with SELECT only (use --unsafe-full-access to lift the sandbox)")
        result = con.execute(sql)
        if result is None or result.description is None:
            return pd.DataFrame()
        return result.df()
    except duckdb.PermissionException as exc:
        raise ExperimentError(
            f"query refused: {_one_line(exc)} — only the store's own parts can be read "
            "(use --unsafe-full-access to lift the sandbox)") from None
    except duckdb.Error as exc:
        raise ExperimentError(f"query failed: {_one_line(exc)}") from None
    finally:
        con.close()
