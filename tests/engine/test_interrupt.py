"""Ctrl-C during a build: earlier reports stay, nothing partial, no kernel left running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from tests.support.project import make_project
from tests.support.engine import temporaries

pytestmark = pytest.mark.slow


def deliverable_sigint() -> None:
    """In the child: SIGINT at its default, as in a terminal. A test run started in the
    background of a non-interactive shell inherits SIGINT *ignored*, which Python (rightly)
    keeps — Ctrl-C could then not be simulated at all."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def kernels_of(project) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        try:
            if "ipykernel_launcher" in " ".join(proc.info["cmdline"] or []) and proc.environ().get("ECONSEC_ROOT") == str(project.root):
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def test_interrupt_keeps_finished_reports_and_cleans_up(tmp_path):
    project = make_project(tmp_path / "proj")
    matrix = project.root / "publications.toml"
    more = ", ".join(f'{{ mineral = "{m}", year = 2024 }}' for m in ("Nickel", "Graphite", "Manganese", "Copper", "Zinc"))
    matrix.write_text(matrix.read_text().replace('{ mineral = "Cobalt", year = 2024 },', '{ mineral = "Cobalt", year = 2024 }, ' + more + ","))
    env = {**os.environ, "ECONSEC_ROOT": str(project.root), "ECONSEC_COMMIT": "test-commit"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "analysis.cli", "build", "--format", "html", "--jobs", "1", "--no-progress"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        preexec_fn=deliverable_sigint,
    )
    deadline = time.monotonic() + 120
    while not list(project.reports.glob("*.html")) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert list(project.reports.glob("*.html")), "no report was finished in time"
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does to the foreground process group
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err
    finished = sorted(p.stem for p in project.reports.glob("*.html") if p.name != "index.html")
    assert 1 <= len(finished) < 8
    for stem in finished:
        assert (project.reports / f"{stem}.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    # A report's cache entry is written after its outputs, on purpose: Ctrl-C between the two
    # leaves a complete HTML that the next build considers stale, never a fresh-looking partial
    # report. So every finished report but the one being committed has its entry.
    recorded = [stem for stem in finished if (project.reports / "_cache/entries" / f"{stem}.json").exists()]
    assert len(recorded) >= len(finished) - 1
    assert not temporaries(project)
    time.sleep(1.0)
    assert kernels_of(project) == []

    # The next build starts where this one stopped.
    rerun = subprocess.run([sys.executable, "-m", "analysis.cli", "build", "--format", "html", "--no-progress"],
                           env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    # the summary names only non-zero counts ("8 reports: 2 fresh, 6 built"); when Ctrl-C landed
    # before the first cache entry was written, nothing is fresh and "fresh" is not printed
    summary = rerun.stdout.strip().splitlines()[-1]
    if recorded:
        assert f"{len(recorded)} fresh" in summary
    else:
        assert "fresh" not in summary
