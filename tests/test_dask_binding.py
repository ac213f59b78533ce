"""`--dask local` listens on 127.0.0.1 only, on no fixed port (never 8787) and serves no HTTP
endpoint unless asked; a missing scheduler file or an unreachable scheduler is a clean error
within the timeout."""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from uprising.experiments.cli import register
from uprising.experiments.executors import open_executor
from uprising.experiments.spec import ExperimentError


def _descendants(pid: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    out = {pid}
    grew = True
    while grew:
        grew = False
        for child, parent in parents.items():
            if parent in out and child not in out:
                out.add(child)
                grew = True
    return out


def _listeners(pids: set[int]) -> list[tuple[str, int]]:
    """Returns (address, port) of every TCP socket in LISTEN state held by ``pids``."""
    inodes = set()
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    out = []
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A = LISTEN
                hex_ip, hex_port = fields[1].split(":")
                if width == 8:
                    ip = ".".join(str(int(hex_ip[i:i + 2], 16)) for i in (6, 4, 2, 0))
                else:
                    ip = "ipv6:" + hex_ip
                out.append((ip, int(hex_port, 16)))
    return out


pytestmark = pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc")


def test_local_cluster_listens_on_loopback_only_and_never_8787(tmp_path):
    with open_executor(dask="local", workers=2) as ex:
        assert ex.client.submit(sum, [1, 2]).result() == 3
        # the same scheduler reached through a scheduler file
        scheduler_file = tmp_path / "scheduler.json"
        scheduler_file.write_text(json.dumps({"address": ex.client.scheduler.address}))
        with open_executor(dask=str(scheduler_file), timeout=5.0) as other:
            assert other.client.submit(sum, [3, 4]).result() == 7
        assert ex.dashboard_link is None
        listening = _listeners(_descendants(os.getpid()))
        # scheduler (in this process), 2 nannies, 2 workers: comm + HTTP ports
        assert len(listening) >= 5, listening
        assert all(ip == "127.0.0.1" for ip, _ in listening), listening
        assert all(port != 8787 for _, port in listening), listening
        # distributed always opens an HTTP server: here it serves nothing (no health/metrics)
        port = ex.client.cluster.scheduler.http_server.port
        for route in ("health", "metrics", "status", "info/main/workers.html"):
            with pytest.raises(urllib.error.HTTPError) as err:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/{route}", timeout=5)
            assert err.value.code == 404


@pytest.mark.slow
def test_dashboard_on_request_is_on_a_free_loopback_port():
    with open_executor(dask="local", workers=1, dashboard=True) as ex:
        link = ex.dashboard_link
        assert link.startswith("http://127.0.0.1:") and ":8787/" not in link
        with urllib.request.urlopen(link.replace("/status", "/health"), timeout=5) as page:
            assert page.status == 200
        listening = _listeners(_descendants(os.getpid()))
        assert all(ip == "127.0.0.1" and port != 8787 for ip, port in listening), listening


def test_missing_scheduler_file_gives_up_within_the_timeout(tmp_path):
    missing = tmp_path / "scheduler.json"
    started = time.monotonic()
    with pytest.raises(ExperimentError, match=f"{missing}: scheduler file not found"), \
            open_executor(dask=str(missing), timeout=1.0):
        pass
    assert time.monotonic() - started < 5
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{nope")
    with pytest.raises(ExperimentError, match="not a Dask scheduler file"), \
            open_executor(dask=str(garbage), timeout=1.0):
        pass


def test_cli_unreachable_scheduler_exits_2_within_the_timeout(tmp_path):
    app = typer.Typer()
    register(app)
    exp = tmp_path / "e.yaml"
    exp.write_text("name: e\nticks: 5\nenumerated: {population.legitimacy: [0.7]}\n")
    for target in (str(tmp_path / "nowhere.json"), "tcp://127.0.0.1:1"):
        started = time.monotonic()
        result = CliRunner().invoke(app, ["sweep", str(exp), "--out", str(tmp_path / "o"),
                                          "--dask", target, "--dask-timeout", "1", "-q"])
        assert result.exit_code == 2, result.output
        assert f"--dask {target}" in result.output and "Traceback" not in result.output
        assert time.monotonic() - started < 15
