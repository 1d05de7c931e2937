"""The bad-input battery: what a user sees when they get something wrong, end to end.

Each case runs the ``econsec`` command in its own process against a copy of the project (real
notebooks, real data, real ``publications.toml`` schema) that already holds two built reports,
lithium and cobalt (HTML, PDF, executed notebook, index). It asserts the documented exit code
(0 done, 1 a report failed, 2 usage or input error), one clear line naming what is wrong, no
traceback, no temporary file left behind, and that the reports built before are untouched.
(:mod:`tests.engine` checks the engine itself on fixture notebooks; this is the user's view.)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import nbformat
import pytest

from tests.support.e2e import HOSTILE_IMG, HOSTILE_SCRIPT
from tests.support.project import ECONSEC, REPO, TRACEBACK, TempProject, make_project, one_line_error, real_matrix

pytestmark = pytest.mark.slow

USGS = "usgs-mcs-2025-world"
BUILT = ("lithium", "cobalt")
REPORT_FILES = [f"{stem}.{ext}" for stem in BUILT for ext in ("html", "pdf", "ipynb")]


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> TempProject:
    project = make_project(tmp_path_factory.mktemp("baseline") / "proj",
                           [("mineral_profile", [{"mineral": "Lithium", "year": 2024}, {"mineral": "Cobalt", "year": 2024}])])
    result = project.build("--format", "html,pdf")
    assert result.returncode == 0, result.stderr
    assert set(REPORT_FILES) | {"index.html"} <= set(project.snapshot())
    return project


@pytest.fixture
def copy(baseline, tmp_path) -> TempProject:
    return baseline.copy_to(tmp_path / "proj")


def assert_refused(project: TempProject, result: subprocess.CompletedProcess, before: dict, *fragments: str) -> str:
    """Exit 2, one error line holding every fragment, no traceback, nothing written."""
    assert result.returncode == 2, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    line = one_line_error(result.stderr)
    for fragment in fragments:
        assert fragment in line, f"{fragment!r} not in {line!r}"
    assert project.snapshot() == before, "a report file changed"
    assert project.temporaries() == []
    return line


def record(project: TempProject, resource: str) -> None:
    project.record_hash(resource)


def replace_in(path: Path, old: str, new: str, *, encoding: str = "utf-8") -> None:
    text = path.read_text(encoding=encoding)
    assert old in text, f"test setup: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding=encoding)


# ----------------------------------------------------------------------------- parameters


@pytest.mark.parametrize(
    "args,fragments",
    [
        pytest.param(["build", "mineral_profile", "-p", "mineral=Litium"],
                     ["unknown mineral 'Litium' — did you mean 'Lithium'?", "econsec params mineral_profile"], id="unknown-mineral"),
        pytest.param(["build", "lithium", "-p", "mineral=rare earth"],
                     ["unknown mineral 'rare earth' — did you mean 'Rare earths'?"], id="misspelled-mineral"),
        pytest.param(["build", "lithum"], ["unknown report or notebook 'lithum' — did you mean 'lithium'?"], id="misspelled-report"),
        pytest.param(["build", "-p", "yeer=2024"], ["unknown parameter 'yeer' — did you mean 'year'?"], id="misspelled-parameter"),
        pytest.param(["build", "lithium", "-p", "year=2031"], ["unknown year 2031 — did you mean 2024?"], id="year-without-data"),
        pytest.param(["build", "lithium", "-p", "year=20x4"], ["parameter 'year' expects an integer, got '20x4'"], id="year=20x4"),
        pytest.param(["build", "-p", "mineral"], ["expected key=value"], id="parameter-without-value"),
        pytest.param(["build", "--format", "htm"], ["unknown format 'htm' — did you mean 'html'?"], id="misspelled-format"),
        pytest.param(["params", "minerl_profile"], ["unknown notebook 'minerl_profile' — did you mean 'mineral_profile'?"], id="params-misspelled-notebook"),
    ],
)
def test_bad_parameter_values(copy, args, fragments):
    before = copy.snapshot()
    assert_refused(copy, copy.run(*args), before, *fragments)


def scenario_notebook(project: TempProject) -> None:
    """The disruption-scenario notebook and its schema from the real matrix, beside the two profiles.

    Where this checkout does not hold the notebook yet, a stand-in with the same parameters cell
    (never executed: a wrong type stops the build first) lets the real schema be tested.
    """
    spec = real_matrix()["notebooks"]["disruption_scenario"]
    source = REPO / spec["path"]
    target = project.root / spec["path"]
    if source.is_file():
        shutil.copy(source, target)
    else:
        cell = nbformat.v4.new_code_cell(
            'mineral = "Rare earths"\nstage = "refining"\nyear = 2023\nsupplier = "China"\ncut = 0.5\nexpansion = 0.2\n'
        )
        cell.metadata["tags"] = ["parameters"]
        nbformat.write(nbformat.v4.new_notebook(cells=[cell]), target)
    project.write_matrix([
        ("mineral_profile", [{"mineral": "Lithium", "year": 2024}, {"mineral": "Cobalt", "year": 2024}]),
        ("disruption_scenario", [{"mineral": "Rare earths", "stage": "refining", "year": 2023, "supplier": "China", "cut": 0.5,
                                  "expansion": 0.2}]),
    ])


@pytest.mark.parametrize(
    "value,fragment",
    [
        ("cut=abc", "parameter 'cut' expects a number, got 'abc'"),
        ("cut=1.5", "cut 1.5 is out of range — valid: [0, 1]"),
        ("supplier=Chna", "unknown supplier 'Chna' — did you mean 'China'?"),
        ("year=2024", "no data for year 2024 with mineral 'Rare earths', stage 'refining' — did you mean 2023? valid: 2023"),
    ],
)
def test_bad_scenario_parameters(copy, value, fragment):
    scenario_notebook(copy)
    before = copy.snapshot()
    assert_refused(copy, copy.build("disruption_scenario", "-p", value), before, fragment)


def test_matrix_entry_naming_a_missing_notebook(copy):
    before = copy.snapshot()
    copy.edit_matrix('path = "notebooks/mineral_profile.ipynb"', 'path = "notebooks/mineral_profil.ipynb"')
    assert_refused(copy, copy.build(), before, "publications.toml", "notebooks/mineral_profil.ipynb does not exist")


# ----------------------------------------------------------------------------- data files


def test_data_file_missing(copy):
    before = copy.snapshot()
    copy.resource_path(USGS).unlink()
    assert_refused(copy, copy.build(), before, "MCS2025_World_Data.csv", f"'{USGS}' is missing")


def test_data_file_changed_without_its_hash(copy):
    before = copy.snapshot()
    replace_in(copy.resource_path(USGS), "metric tons,8630,18000", "metric tons,8630,19000", encoding="utf-8-sig")
    assert_refused(copy, copy.build(), before, "MCS2025_World_Data.csv", "sha256 differs from datapackage.json",
                   "record the new edition with `econsec data`")


def test_recorded_hash_changed(copy):
    """datapackage.json edited by hand: the file no longer matches what it records."""
    before = copy.snapshot()
    package = copy.data / "datapackage.json"
    entry = copy.resource(USGS)
    replace_in(package, entry["hash"], "sha256:" + "0" * 64)
    assert_refused(copy, copy.build(), before, "MCS2025_World_Data.csv", "sha256 differs from datapackage.json (000000000000…)")


def test_data_file_truncated(copy):
    before = copy.snapshot()
    path = copy.resource_path(USGS)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert_refused(copy, copy.build(), before, "MCS2025_World_Data.csv", "sha256 differs")


@pytest.fixture
def truncated_and_recorded(copy):
    """A truncated file whose hash was recorded anyway (a bad download imported as a new edition):
    the last line stops mid-row, after the commodity name."""
    path = copy.resource_path(USGS)
    text = path.read_text(encoding="utf-8-sig")
    lines = text.splitlines(keepends=True)
    cut = len(lines) // 2
    kept = "".join(lines[:cut]) + lines[cut][: lines[cut].index(",", len("MCS2025,")) ]
    path.write_text(kept, encoding="utf-8-sig")
    record(copy, USGS)
    before = copy.snapshot()
    return copy, before, copy.build(), cut + 1  # the last line's number in the file


def test_truncated_file_with_recorded_hash_is_refused(truncated_and_recorded):
    project, before, result, _ = truncated_and_recorded
    assert_refused(project, result, before, "MCS2025_World_Data.csv")


def test_truncated_file_message_names_the_incomplete_last_line(truncated_and_recorded):
    project, before, result, last_line = truncated_and_recorded
    line = assert_refused(project, result, before, "MCS2025_World_Data.csv")
    assert f"row {last_line}" in line
    assert any(word in line for word in ("incomplete", "truncated", "missing", "expected 13"))
    assert "NAME_OVERRIDES" not in line


def test_text_value_in_a_numeric_column(copy):
    replace_in(copy.resource_path(USGS), "metric tons,8630,18000", "metric tons,about 8630,18000", encoding="utf-8-sig")
    record(copy, USGS)
    before = copy.snapshot()
    line = assert_refused(copy, copy.build(), before, "MCS2025_World_Data.csv", "row 629", "column 'PROD_2023'",
                          "expected a number", "(found 'about 8630')")
    assert line.startswith("econsec: error: ")


@pytest.fixture
def unknown_country(copy):
    """'Australia' misspelled on line 4 of the USGS file, hash recorded."""
    path = copy.resource_path(USGS)
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    assert lines[3].startswith("MCS2025,Abrasives,Australia,"), "test setup: line 4 changed"
    lines[3] = lines[3].replace("Australia", "Austrolia", 1)
    path.write_text("".join(lines), encoding="utf-8-sig")
    record(copy, USGS)
    before = copy.snapshot()
    return copy, before, copy.build()


def test_unknown_country_name(unknown_country):
    project, before, result = unknown_country
    assert_refused(project, result, before, "MCS2025_World_Data.csv", "column 'COUNTRY'", "'Austrolia'",
                   "NAME_OVERRIDES in analysis/data/countries.py")


def test_unknown_country_row_is_the_file_line(unknown_country):
    project, before, result = unknown_country
    line = assert_refused(project, result, before)
    assert "row 4," in line and "(row 4)" in line, line


@pytest.fixture(scope="module")
def unknown_country_in_kernel(baseline, tmp_path_factory):
    """A data file only a notebook reads (frameworks.csv, partnership report) with an unknown country."""
    project = baseline.copy_to(tmp_path_factory.mktemp("frameworks") / "proj")
    shutil.copy(REPO / "notebooks" / "partnership.ipynb", project.root / "notebooks" / "partnership.ipynb")
    project.write_matrix([
        ("mineral_profile", [{"mineral": "Lithium", "year": 2024}, {"mineral": "Cobalt", "year": 2024}]),
        ("partnership", [{"as_of": "2025-12-31"}]),
    ])
    path = project.data / "raw" / "partnership" / "frameworks.csv"
    replace_in(path, ",Japan,", ",Japn,")
    name = next(r["name"] for r in json.loads((project.data / "datapackage.json").read_text())["resources"]
                if r["path"].endswith("frameworks.csv"))
    record(project, name)
    before = project.snapshot()
    return project, before, project.build("partnership", "--format", "html,pdf")


def test_unknown_country_in_a_file_only_a_notebook_reads(unknown_country_in_kernel):
    project, before, result = unknown_country_in_kernel
    assert TRACEBACK not in result.stderr
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1, result.stderr
    assert "frameworks.csv, row 7, column 'country'" in errors[0] and "'Japn'" in errors[0]
    assert not (project.reports / "partnership.html").exists()
    assert {k: v for k, v in project.snapshot().items() if k in REPORT_FILES} == {k: before[k] for k in REPORT_FILES}


def test_unknown_country_in_a_notebook_read_file_exits_2(unknown_country_in_kernel):
    project, before, result = unknown_country_in_kernel
    assert result.returncode == 2, result.stderr
    assert project.snapshot() == before


# ----------------------------------------------------------------------------- the notebook and the build


def add_cell(project: TempProject, source: str, *, after_parameters: int = 1) -> None:
    path = project.root / "notebooks" / "mineral_profile.ipynb"
    nb = nbformat.read(path, as_version=4)
    index = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(index + after_parameters + 1, nbformat.v4.new_code_cell(source))
    nbformat.write(nb, path)


def test_a_notebook_cell_that_raises(copy):
    add_cell(copy, 'if mineral == "Lithium":\n    raise ValueError("deliberate failure for " + mineral)')
    before = copy.snapshot()
    result = copy.build("lithium", "--format", "html,pdf")
    assert result.returncode == 1, result.stderr
    assert TRACEBACK not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith("error: report lithium failed: notebooks/mineral_profile.ipynb, cell ")
    assert errors[0].endswith("ValueError: deliberate failure for Lithium — executed notebook kept at reports/_failed/lithium.ipynb")
    after = copy.snapshot()
    assert {k: after[k] for k in REPORT_FILES} == {k: before[k] for k in REPORT_FILES}, "the last good report changed"
    kept = nbformat.read(copy.reports / "_failed" / "lithium.ipynb", as_version=4)
    assert any(o.get("ename") == "ValueError" for c in kept.cells for o in c.get("outputs", []))
    assert "last build failed" in (copy.reports / "index.html").read_text(encoding="utf-8")
    assert copy.temporaries() == []


def processes_of(project: TempProject) -> list[str]:
    """Processes (build, workers, kernels) started for this project copy and still alive."""
    marker = f"ECONSEC_ROOT={project.root}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "environ").read_bytes().split(b"\0"):
                    found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
            except OSError:
                continue
    return found


def test_build_interrupted_with_sigint(copy):
    """Ctrl-C while the second report's kernel runs: the first is complete, the second as before."""
    add_cell(copy, 'import time\nif mineral == "Cobalt":\n    time.sleep(300)')
    before = copy.snapshot()
    proc = subprocess.Popen([*ECONSEC, "build", "--no-progress", "--force", "--jobs", "1", "lithium", "cobalt"],
                            cwd=copy.root, env=copy.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL, start_new_session=True,
                            # SIGINT deliverable as in a terminal, even when this run inherited it ignored
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 240
        while copy.snapshot().get("lithium.pdf") == before["lithium.pdf"] and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
        assert proc.poll() is None, f"the build ended before the interrupt:\n{proc.communicate()}"
        time.sleep(1.5)  # cobalt's kernel is now sleeping inside the notebook
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground process group
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, err
    assert TRACEBACK not in err
    assert [line for line in err.splitlines() if line.strip()] == ["econsec: interrupted"]
    after = copy.snapshot()
    for name in ("cobalt.html", "cobalt.pdf", "cobalt.ipynb", "index.html"):
        assert after[name] == before[name], f"{name} changed by an interrupted build"
    for name in ("lithium.html", "lithium.pdf", "lithium.ipynb"):
        assert after[name] != before[name], f"{name} was not rebuilt before the interrupt"
    assert (copy.reports / "lithium.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert (copy.reports / "lithium.pdf").read_bytes().rstrip().endswith(b"%%EOF")
    assert copy.temporaries() == []
    deadline = time.monotonic() + 10
    while processes_of(copy) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_of(copy) == [], "processes left running after Ctrl-C"
    listing = copy.run("list", "--json")
    assert listing.returncode == 0, listing.stderr
    assert {row["report"]: row["status"] != "failed" for row in json.loads(listing.stdout)} == {"lithium": True, "cobalt": True}


NET_GUARD = '''\
"""Loaded by every Python process of the build (PYTHONPATH): refuse and log any connection or
name lookup that is not to this machine."""
import errno, os, socket

_LOG = os.environ["ECONSEC_TEST_NETLOG"]
_LOCAL = ("127.", "::1", "localhost", "0.0.0.0")


def _local(host):
    return host is None or (isinstance(host, str) and (host == "" or host.startswith(_LOCAL)))


def _log(what):
    with open(_LOG, "a", encoding="utf-8") as fh:
        fh.write(f"{os.getpid()} {what}\\n")


_connect, _connect_ex, _getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo


def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _local(address[0]):
        _log(f"connect {address!r}")
        raise OSError(errno.ENETUNREACH, "Network is unreachable")
    return _connect(self, address)


def connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _local(address[0]):
        _log(f"connect_ex {address!r}")
        return errno.ENETUNREACH
    return _connect_ex(self, address)


def getaddrinfo(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if not _local(name):
        _log(f"getaddrinfo {name!r}")
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = connect, connect_ex, getaddrinfo
'''


def offline_prefix() -> list[str]:
    """Run in a network namespace of its own (loopback only) where the system allows it."""
    unshare, ip = shutil.which("unshare"), shutil.which("ip") or shutil.which("ip", path="/usr/sbin:/sbin")
    if not (unshare and ip):
        return []
    for flags in (["-rn"], ["-n"]):
        probe = subprocess.run([unshare, *flags, ip, "link", "set", "lo", "up"], capture_output=True, timeout=30)
        if probe.returncode == 0:
            return [unshare, *flags, "sh", "-c", f'{ip} link set lo up && exec "$@"', "sh"]
    return []


def test_build_with_the_network_unavailable(copy, tmp_path):
    guard = tmp_path / "netguard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(NET_GUARD, encoding="utf-8")
    log = tmp_path / "net.log"
    env = copy.env(PYTHONPATH=os.pathsep.join(filter(None, [str(guard), os.environ.get("PYTHONPATH")])),
                   ECONSEC_TEST_NETLOG=str(log))
    prefix = offline_prefix()
    # The guard is live in a process started this way (so an empty log means something).
    probe = subprocess.run([*prefix, *ECONSEC[:1], "-c", "import socket\ntry: socket.getaddrinfo('pypi.org', 443)\nexcept OSError: pass"],
                           env=env, capture_output=True, text=True, timeout=60)
    assert probe.returncode == 0, probe.stderr
    assert "getaddrinfo 'pypi.org'" in log.read_text(encoding="utf-8")
    log.unlink()
    before = copy.snapshot()
    result = subprocess.run([*prefix, *ECONSEC, "build", "--no-progress", "--force", "lithium"], cwd=copy.root, env=env,
                            capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, f"offline build failed (namespace: {bool(prefix)}):\n{result.stdout}\n{result.stderr}"
    assert "1 built" in result.stdout
    assert not log.exists(), f"the build tried to reach the network:\n{log.read_text()}"
    after = copy.snapshot()
    assert after["lithium.html"] != before["lithium.html"]  # really rebuilt
    assert {k: after[k] for k in ("cobalt.html", "cobalt.pdf")} == {k: before[k] for k in ("cobalt.html", "cobalt.pdf")}


# ----------------------------------------------------------------------------- hostile text


def test_event_text_with_markup_is_escaped_in_html_and_literal_in_pdf(hostile_project):
    page = (hostile_project.reports / "partnership.html").read_text(encoding="utf-8")
    assert "Hostile summit" in page
    # Outside the JSON chart specs (where '<' is inert and '</' is escaped), no live markup.
    prose = re.sub(r'<script[^>]*type="application/json"[^>]*>.*?</script>', "", page, flags=re.S)
    assert HOSTILE_SCRIPT not in page
    assert "<img src=x" not in prose
    assert not re.search(r"<[a-zA-Z][^<>]*\sonerror\s*=", prose), "an element with an onerror attribute"
    assert not re.search(r"<script>\s*window\.__pwned", prose)
    assert "Hostile summit &lt;script&gt;window.__pwned" in prose
    assert "&gt;&lt;img src=x onerror=" in prose


def test_event_text_with_markup_is_literal_in_the_pdf(hostile_project, poppler):
    from tests.support.pdfcheck import pdf_facts

    text = "".join(pdf_facts(hostile_project.reports / "partnership.pdf").text.split())
    for wanted in (f"Hostile summit {HOSTILE_SCRIPT}", f"Hostile source {HOSTILE_IMG}"):
        assert "".join(wanted.split()) in text  # pdftotext may wrap a line anywhere
