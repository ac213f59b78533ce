"""End to end: `uprising dashboard` in a subprocess, driven in headless Chromium (Playwright).

Needs Debian's chromium at /usr/bin/chromium (``.ci/run`` installs it) and the dashboard and
test extras; never downloads a browser.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.timeout(300),
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"{CHROMIUM} not installed (apt-get install chromium; .ci/run does)"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (test extra) missing")
pytest.importorskip("starlette", reason="the dashboard extra is not installed")

COLOUR = {"quiet": "#56b4e9", "active": "#e69f00", "cop": "#000000"}
DOCS_IMG = Path(__file__).resolve().parents[1] / "docs" / "img"

CELLS_OF = """([id, hex]) => {
  const c = document.getElementById(id);
  const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  const r = parseInt(hex.slice(1, 3), 16), g = parseInt(hex.slice(3, 5), 16);
  const b = parseInt(hex.slice(5, 7), 16);
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i] === r && d[i + 1] === g && d[i + 2] === b) n++;
  const scale = c.width / window.dash.init.width;
  return n / (scale * scale);
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    log = tmp_path_factory.mktemp("dashboard") / "server.log"
    with open(log, "w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uprising", "dashboard", "epstein2002-run1", "--port", "0",
             "--seed", "1"],
            stdout=subprocess.PIPE, stderr=err, text=True, env={**os.environ,
                                                                "PYTHONUNBUFFERED": "1"},
        )
        try:
            line = proc.stdout.readline()
            match = re.search(r"http://127\.0\.0\.1:\d+/", line)
            assert match, f"no URL printed: {line!r}; log: {log.read_text()}"
            yield match.group(0)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    assert proc.returncode is not None


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    pg = browser.new_page(viewport={"width": 1400, "height": 1050})
    problems: list[str] = []
    pg.on("pageerror", lambda exc: problems.append(str(exc)))
    pg.goto(server)
    pg.wait_for_function("window.dash.init !== null && window.dash.frames > 0")
    yield pg
    pg.close()
    assert not problems, problems


def last(page, column: str, branch: int = 0) -> float:
    return page.evaluate(
        "([c, b]) => window.dash.rows[b].at(-1)[window.dash.init.columns.indexOf(c)]",
        [column, branch])


def tick(page, branch: int = 0) -> int:
    return int(last(page, "tick", branch))


def cells(page, canvas: str, kind: str) -> float:
    return page.evaluate(CELLS_OF, [canvas, COLOUR[kind]])


def cells_settle(page, canvas: str, kind: str, expected: float, timeout: float = 5.0) -> float:
    """Returns the canvas count of ``kind`` once it equals ``expected`` or ``timeout`` passed
    (the frame of a new view arrives after its rows)."""
    deadline = time.monotonic() + timeout
    while (got := cells(page, canvas, kind)) != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return got


def step(page, n: int = 1) -> None:
    for _ in range(n):
        before = tick(page)
        page.click("#step")
        page.wait_for_function(f"window.dash.rows[0].at(-1)[0] > {before}")


def sessions(page, server: str) -> int:
    return page.request.get(server + "status").json()["sessions"]


def wait_event(page, text: str) -> None:
    page.wait_for_function(
        "t => [...document.querySelectorAll('#events li')].some(li => li.textContent.includes(t))",
        arg=text)


def test_play_slider_intervention_and_fork_change_the_page(page, tmp_path):
    assert cells(page, "lattice-main", "active") == 0  # tick 0: everybody quiet
    quiet0 = cells(page, "lattice-main", "quiet")
    assert quiet0 == last(page, "quiet") == 1120
    page.screenshot(path=tmp_path / "dashboard-start.png", full_page=True)

    # Play, then pause: ticks advanced, the canvas shows the same actives as the counts.
    page.click("#play")
    page.wait_for_function("window.dash.rows[0].length > 40")
    page.click("#pause")
    page.wait_for_function("window.dash.playing === false")
    time.sleep(0.3)
    played = tick(page)
    assert played >= 40
    active = last(page, "active")
    assert active > 0
    assert cells(page, "lattice-main", "active") == active
    assert cells(page, "lattice-main", "quiet") == last(page, "quiet") != quiet0
    assert f"tick {played}" in page.text_content("#counts-main")

    # A slider: legitimacy down to 0.5 (logged, and the actives jump).
    page.eval_on_selector("#sliders input[data-path='population.legitimacy']",
                          "el => { el.value = 0.5; el.dispatchEvent(new Event('change')); }")
    wait_event(page, "path=population.legitimacy, value=0.5")
    step(page, 3)
    assert last(page, "legitimacy") == pytest.approx(0.5)
    assert last(page, "active") > 3 * max(active, 10)
    assert cells(page, "lattice-main", "active") == last(page, "active")

    # An intervention: crack down adds cops on the lattice (64 -> 96).
    assert cells(page, "lattice-main", "cop") == last(page, "cops") == 64
    page.click("button[data-action='crackdown']")
    wait_event(page, "user: crackdown")
    step(page)
    assert last(page, "cops") == 96
    assert cells(page, "lattice-main", "cop") == 96
    assert page.input_value("#sliders input[data-path='police.density']") == "0.06"

    # Fork: what if police density were 0.2 (320 cops) from here on.
    at_fork = tick(page)
    page.select_option("#fork-change", "path:police.density")
    page.fill("#fork-value", "0.2")
    page.click("#fork")
    page.wait_for_function("window.dash.forked && window.dash.rows[1].length > 0")
    wait_event(page, "[what if]")
    assert page.is_visible("#lattice-fork")
    step(page, 4)
    assert tick(page, 1) == tick(page) == at_fork + 4
    assert last(page, "cops", 1) == 320 and last(page, "cops", 0) == 96
    assert cells(page, "lattice-fork", "cop") == 320
    assert cells(page, "lattice-main", "cop") == 96
    assert last(page, "active", 1) < last(page, "active", 0)  # more police, fewer actives
    assert "cops 320" in page.text_content("#counts-fork")
    # Both branches share the history up to the fork (same state and seed).
    same = page.evaluate(f"""() => JSON.stringify(window.dash.rows[0].slice(0, {at_fork + 1}))
        === JSON.stringify(window.dash.rows[1].slice(0, {at_fork + 1}))""")
    assert same
    page.screenshot(path=tmp_path / "dashboard-fork.png", full_page=True)
    if os.environ.get("UPRISING_DOC_SCREENSHOTS"):
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=DOCS_IMG / "dashboard-fork.png", full_page=True)

    # Interventions can target the branch: concede on the what-if branch only.
    assert page.is_visible("#target")
    page.select_option("#target", "fork")
    page.click("button[data-action='concede']")
    wait_event(page, "[what if]: user: concede")
    step(page)
    assert last(page, "legitimacy", 1) == pytest.approx(0.55)
    assert last(page, "legitimacy", 0) == pytest.approx(0.5)
    page.screenshot(path=tmp_path / "dashboard-fork-concede.png", full_page=True)

    page.click("#unfork")
    page.wait_for_function("!window.dash.forked")
    assert not page.is_visible("#lattice-fork")


def test_malformed_input_shows_a_message_and_the_server_keeps_serving(page, browser, server):
    def send_raw(text: str, expected: str) -> None:
        n = page.evaluate("window.dash.errors.length")
        page.evaluate("t => window.dash.ws.send(t)", text)
        page.wait_for_function(f"window.dash.errors.length > {n}")
        assert expected in page.text_content("#error")
        assert page.is_visible("#error")

    send_raw(json.dumps({"type": "set", "path": "police.density", "value": 5}),
             "police.density")
    send_raw(json.dumps({"type": "set", "path": "population.legitimacy", "value": -1}),
             "population.legitimacy")
    send_raw(json.dumps({"type": "reset", "scenario": "atlantis-1917"}), "unknown scenario")
    send_raw(json.dumps({"type": "reset", "scenario": "epstein2002-run2",
                         "overrides": {"world.width": 100000, "world.height": 100000}}),
             "100000×100000")
    send_raw("{not json", "not JSON")
    send_raw(json.dumps({"type": "intervene", "action": "self_destruct"}),
             "unknown intervention")
    # The same huge world from the page's own inputs.
    page.fill("#width", "100000")
    page.fill("#height", "100000")
    n = page.evaluate("window.dash.errors.length")
    page.click("#reset")
    page.wait_for_function(f"window.dash.errors.length > {n}")
    assert "cells" in page.text_content("#error")
    # Still serving: this page steps on, and a new page gets its own fresh session.
    before = tick(page)
    step(page, 2)
    assert tick(page) == before + 2
    other = browser.new_page()
    other.goto(server)
    other.wait_for_function("window.dash.init !== null && window.dash.frames > 0")
    assert other.evaluate("window.dash.rows[0].at(-1)[0]") == 0
    assert sessions(page, server) == 2  # one model per connection...
    other.close()
    deadline = time.time() + 10
    while sessions(page, server) != 1 and time.time() < deadline:
        time.sleep(0.1)
    assert sessions(page, server) == 1  # ...dropped when the page goes


def test_frame_rate_at_200x200(page, tmp_path):
    page.select_option("#scenario", "epstein2002-run2")
    page.wait_for_function("window.dash.init.scenario === 'epstein2002-run2'")
    page.fill("#width", "200")
    page.fill("#height", "200")
    page.click("#reset")
    page.wait_for_function("window.dash.init.width === 200 && window.dash.init.height === 200")
    page.evaluate("window.dash.ws.send(JSON.stringify({type: 'speed', tps: 0}))")
    page.evaluate("window.dash.ws.send(JSON.stringify({type: 'every', n: 1}))")
    page.click("#play")
    page.wait_for_function("window.dash.framesMain > 5")
    time.sleep(1.0)  # warm-up
    f0, t0 = page.evaluate("[window.dash.framesMain, performance.now()]")
    time.sleep(4.0)
    f1, t1 = page.evaluate("[window.dash.framesMain, performance.now()]")
    page.click("#pause")
    fps = (f1 - f0) / ((t1 - t0) / 1000)
    load = os.getloadavg()
    print(f"\ndashboard 200x200, render every 1 tick: {fps:.1f} frames/s received in the "
          f"browser over {(t1 - t0) / 1000:.1f} s; load average {load[0]:.2f} {load[1]:.2f} "
          f"{load[2]:.2f} on {os.cpu_count()} CPUs")
    assert f1 > f0  # frames arrive; the rate itself is reported, not asserted
    assert cells(page, "lattice-main", "cop") == last(page, "cops") == 1600
    page.screenshot(path=tmp_path / "dashboard-200.png", full_page=True)
    if os.environ.get("UPRISING_DOC_SCREENSHOTS"):
        page.screenshot(path=DOCS_IMG / "dashboard-200x200.png", full_page=True)


def test_site_picker_for_several_sites(page):
    assert not page.is_visible("#site")
    page.select_option("#scenario", "mechanisms-tour-sites")
    page.wait_for_function("window.dash.init.scenario === 'mechanisms-tour-sites'")
    assert page.is_visible("#site")
    options = page.eval_on_selector_all("#site option", "os => os.map(o => o.textContent)")
    assert options[1:] == ["oil_town", "capital", "south"]
    step(page, 3)
    total_cops = last(page, "cops")  # all sites summed
    page.select_option("#site", "1")  # the capital: police density 0.05 on 30x30 = 45 cops
    page.wait_for_function(f"window.dash.rows[0].at(-1)[4] !== {total_cops}")
    assert last(page, "cops") == 45 < total_cops
    assert cells_settle(page, "lattice-main", "cop", 45) == 45
    assert len(page.evaluate("window.dash.rows[0]")) == tick(page) + 1  # the site's history
