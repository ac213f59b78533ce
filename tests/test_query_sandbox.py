"""`uprising query` reads the store only: no other file, no writes, unless
--unsafe-full-access; every error is one clean line with exit 2."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from test_experiments_support import small_experiment
from uprising.experiments.cli import register
from uprising.experiments.runner import run_experiment


@pytest.fixture(scope="module")
def app():
    application = typer.Typer()
    register(application)
    return application


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    out = tmp_path_factory.mktemp("sandbox") / "store"
    run_experiment(small_experiment(ticks=10, measure_every=5, repetitions=1), out,
                   batch_size=3)
    return out


def _query(app, store, sql, *flags):
    return CliRunner().invoke(app, ["query", str(store), sql, *flags])


def _refused(result, needle="query refused"):
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and needle in lines[0], lines


def test_reading_the_store_works(app, store):
    result = _query(app, store, "select count(*) as n from runs", "--csv")
    assert result.exit_code == 0 and result.output.split() == ["n", "6"]
    result = _query(app, store, "select count(*) as n from timeseries join runs "
                    "using (run_id)", "--csv")
    assert result.exit_code == 0 and result.output.split() == ["n", "18"]
    # the parts themselves may be read by path
    part = next((store / "parts").glob("*.runs.parquet"))
    result = _query(app, store, f"select count(*) as n from read_parquet('{part}')", "--csv")
    assert result.exit_code == 0 and result.output.split() == ["n", "3"]


def test_copy_to_a_file_is_refused_and_allowed_with_the_flag(app, store, tmp_path):
    target = tmp_path / "x.csv"
    _refused(_query(app, store, f"COPY (SELECT 1) TO '{target}'"), "COPY statements")
    _refused(_query(app, store, f"SELECT 1; COPY (SELECT 1) TO '{target}'"), "2 statements")
    assert not target.exists()
    result = _query(app, store, f"COPY (SELECT 1 AS one) TO '{target}'",
                    "--unsafe-full-access")
    assert result.exit_code == 0, result.output
    assert target.read_text().split() == ["one", "1"]


def test_reading_other_files_is_refused_and_allowed_with_the_flag(app, store):
    _refused(_query(app, store, "select content from read_text('/etc/passwd')"),
             'Cannot access file "/etc/passwd"')
    _refused(_query(app, store, "select * from read_csv('/etc/hostname')"), "/etc/hostname")
    result = _query(app, store, "select count(*) > 0 as ok from read_text('/etc/passwd')",
                    "--csv", "--unsafe-full-access")
    assert result.exit_code == 0 and result.output.split() == ["ok", "True"]


def test_writes_to_the_store_attach_and_settings_are_refused(app, store, tmp_path):
    manifest = store / "manifest.json"
    before = manifest.read_bytes()
    _refused(_query(app, store, f"COPY (SELECT 1) TO '{manifest}'"))
    part = next((store / "parts").glob("*.runs.parquet"))
    _refused(_query(app, store, f"COPY (SELECT 1) TO '{part}' (FORMAT parquet)"))
    _refused(_query(app, store, f"ATTACH '{tmp_path / 'y.db'}' AS y"), "ATTACH")
    _refused(_query(app, store, "SET enable_external_access = true"), "SET")
    _refused(_query(app, store, "INSTALL httpfs"))
    assert manifest.read_bytes() == before
    assert not (tmp_path / "y.db").exists()


@pytest.mark.parametrize(
    ("sql", "needle"),
    [
        ("", "empty SQL"),
        ("   ;  ", "empty SQL"),
        ("/* just a comment */", "no SQL statement"),
        ("select nope from runs", "query failed"),
        ("select * from 'unterminated", "query failed"),
    ],
)
def test_query_errors_are_one_clean_line(app, store, sql, needle):
    _refused(_query(app, store, sql), needle)


def test_corrupt_store_is_one_clean_line(app, tmp_path, store):
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(store, broken)
    (broken / "manifest.json").write_text("{garbage")
    _refused(_query(app, broken, "select 1"), "damaged manifest")
