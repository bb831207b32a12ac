"""The rollup as a person sees it: rendered by headless Chromium (Debian's `chromium`, which
.ci/run installs), measured in the page, not only read as an HTML string.

The report has no scripts; the test appends one probe script to a copy of it, which measures
the laid-out page after load and writes what it found into the DOM that `--dump-dom` prints.
The browser runs without network, sandbox, GPU, first-run or update traffic, in a fresh profile.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.load import connect
from pipeline.render import render_html
from pipeline.report import build_report
from tests.history_scenario import edit_for_night_2, night_1

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)
LAPTOP = "1366,768"
PROBE = """<script>
addEventListener('load', () => {
  const box = el => el.getBoundingClientRect();
  const out = {
    h2: [...document.querySelectorAll('h2')].map(h => h.innerText),
    pageWidth: document.documentElement.scrollWidth,
    screenWidth: innerWidth,
    svgs: [...document.querySelectorAll('svg')].map(s => [box(s).width, box(s).height]),
    bars: [...document.querySelectorAll('svg.chart rect.bar')].map(r => [box(r).top, box(r).width]),
    since: document.querySelector('section.since').innerText,
    resources: performance.getEntriesByType('resource').map(e => e.name),
    wider: [...document.querySelectorAll('body *')].filter(el => box(el).right > innerWidth + 1).length,
  };
  const pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""
PROBE_RE = re.compile(r"<pre id=\"probe\">(?P<json>[^<]*)</pre>")


def rendered(page: str, tmp_path: Path) -> dict:
    """What the probe measured in the page laid out at laptop size."""
    harness = tmp_path / "harness.html"
    harness.write_text(page.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    done = subprocess.run(
        [
            CHROMIUM,
            *FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--window-size={LAPTOP}",
            "--virtual-time-budget=5000",
            "--dump-dom",
            harness.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    found = PROBE_RE.search(done.stdout)
    assert found, f"chromium printed no probe (exit {done.returncode}): {done.stderr[-2000:]}"
    return json.loads(html.unescape(found["json"]))


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    scenario = night_1(tmp_path_factory.mktemp("browser"))
    scenario.night()
    edit_for_night_2(scenario.root)
    scenario.night()
    con = connect(scenario.db, read_only=True)
    try:
        return render_html(build_report(con))
    finally:
        con.close()


@pytest.fixture(scope="module")
def measured(page: str, tmp_path_factory: pytest.TempPathFactory) -> dict:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs Debian's chromium")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return rendered(page, tmp_path_factory.mktemp("chromium"))


def test_the_report_itself_has_no_scripts_and_fetches_nothing(page: str, measured: dict) -> None:
    assert "<script" not in page and "src=" not in page and "href=" not in page
    assert measured["resources"] == []


def test_since_the_previous_run_comes_first_and_lists_the_edits(measured: dict) -> None:
    assert measured["h2"][0] == "Since the previous run"
    since = measured["since"]
    for text in (
        "New risks (2)",
        "Chargeback spike after a sale",
        "Closed risks (1)",
        "Refund fraud through <script> & notes",  # escaped in the HTML, shown as written
        "Retired risks (2)",
        "Replica lag hides postings",
        "impact 3 → 4",
        "New rejections (1)",
        "lunch.txt",
    ):
        assert text in since
    assert "Status changes" not in since and "Owner changes" not in since and "Other edits" not in since


def test_charts_are_drawn_and_to_scale(measured: dict) -> None:
    assert len(measured["svgs"]) == 3 and all(w > 50 and h > 50 for w, h in measured["svgs"])
    rows: dict[float, float] = {}
    for top, width in measured["bars"]:
        rows[round(top)] = rows.get(round(top), 0) + width
    payments, billing = (rows[t] for t in sorted(rows))  # 3 live risks, then 1
    assert payments == pytest.approx(3 * billing, rel=0.02)


def test_fits_a_laptop_screen(measured: dict) -> None:
    assert measured["pageWidth"] <= measured["screenWidth"]
    assert measured["wider"] == 0
