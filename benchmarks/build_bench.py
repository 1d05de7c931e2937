"""Build benchmark: ``econsec build`` against the naive and the strongest plain-library chains.

Runs, in one run, on the same notebooks and parameters (the reports of ``publications.toml``,
optionally one notebook's, optionally scaled up), in a throw-away copy of the project
(``ECONSEC_ROOT``):

1. **naive chain** — per report, sequentially: ``papermill NB OUT.ipynb -p …`` (CLI), then
   ``jupyter nbconvert --to html --no-input OUT.ipynb`` (CLI);
2. **strong chain** — what a competent user would write: papermill's Python API in a process
   pool of one worker per core, each worker reusing one nbconvert ``HTMLExporter``;
3. **econsec cold HTML** — ``econsec build --format html`` with an empty ``reports/`` (no cache
   of any kind: outputs, executed notebooks, parsed data frames, domain values, Vega bundle);
4. **econsec no-op** — the same command again (everything fresh);
5. **econsec one parameter** — one report's ``year`` changed in ``publications.toml`` (to a
   year of its domain no other report of that notebook uses), exactly one report rebuilt;
6. **econsec cold HTML+PDF** — ``econsec build --format html,pdf`` from an empty ``reports/``;
7. with ``--dask``: the same cold HTML+PDF build on a ``dask.distributed`` ``LocalCluster``
   (``econsec build --scheduler``), its outputs compared byte for byte with phase 6's.

``--scale`` adds a mineral profile for every mineral in the data and its two latest years
(≈ 128 profiles, output ``{mineral}-{year}``) to the rest of the matrix.

Every command runs as a subprocess, as a user would run it. Reported: median wall time over
``--repeats`` runs, ratios to both chains, and the peak memory of the whole econsec process
tree (main process, pool workers, kernels), sampled every 50 ms as the sum of PSS
(proportional set size: shared pages counted once) and, for reference, of RSS.

Usage::

    .venv/bin/python benchmarks/build_bench.py [--repeats 3] [--notebook mineral_profile] [--scale] [--dask]
        [--skip-naive] [--skip-strong] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def make_copy(root: Path, notebook: str | None, scale: bool = False) -> list[dict]:
    """A project copy under ``root``; returns the reports (stem, notebook path, params).

    The copy's ``publications.toml`` is written back canonically (one inline table per
    parameter set, keys in file order) so a phase can edit one set by exact text. ``notebook``
    keeps one notebook's publications; ``scale`` adds a profile for every mineral in the data,
    for its two latest production years (output ``{mineral}-{year}``).
    """
    import tomllib

    sys.path.insert(0, str(REPO / "src"))
    from analysis.engine.publications import load_matrix, make_report

    for name in ("notebooks", "data"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("history"))
    data = tomllib.loads((REPO / "publications.toml").read_text(encoding="utf-8"))
    publications = [(entry["notebook"], dict(p)) for entry in data.get("publications", []) for p in entry["parameters"]]
    if notebook:
        publications = [(nb, p) for nb, p in publications if nb == notebook]
    if scale:
        others = [(nb, p) for nb, p in publications if nb != "mineral_profile"]
        publications = others + [("mineral_profile", {"mineral": m, "year": y}) for m, years in profile_years() for y in years]
        data["notebooks"]["mineral_profile"]["output"] = "{mineral}-{year}"
    (root / "publications.toml").write_text(matrix_text(data, publications), encoding="utf-8")
    (root / "reports").mkdir()
    matrix = load_matrix(root)
    reports = []
    for nb_id, given, origin in matrix.sets:
        spec = matrix.notebooks[nb_id]
        params = {**{k: p.default for k, p in spec.parameters.items() if p.has_default}, **given}
        report = make_report(spec, params, origin)
        reports.append({"stem": report.stem, "notebook": str(spec.path), "params": params, "id": nb_id, "given": given})
    return reports


def profile_years() -> list[tuple[str, list[int]]]:
    """Every mineral a profile can be built for, with its two latest years of production data."""
    from analysis.data import load_usgs
    from analysis.reports.domains import minerals
    from analysis.vocabulary import PRODUCTION_MEASURES

    usgs = load_usgs()
    rows = usgs[usgs["measure"].isin(PRODUCTION_MEASURES) & usgs["value_t"].notna()]
    out = []
    for mineral in minerals():
        years = sorted({int(y) for y in rows.loc[rows["commodity"] == mineral, "year"]})[-2:]
        if years:
            out.append((mineral, years))
    return out


def toml_value(value) -> str:
    """A TOML value: tables inline, lists of anything (tables too, e.g. ``combinations``)."""
    if isinstance(value, dict):
        return inline_table(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def inline_table(params: dict) -> str:
    return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in params.items()) + " }"


def matrix_text(data: dict, publications: list[tuple[str, dict]]) -> str:
    """``publications.toml`` text: ``[project]``, the notebooks used, one inline table per set."""
    lines = ["[project]"] + [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in data.get("project", {}).items()]
    used = list(dict.fromkeys(nb for nb, _ in publications))
    for notebook in used:
        spec = data["notebooks"][notebook]
        lines.append(f"\n[notebooks.{notebook}]")
        lines += [f"{k} = {toml_value(v)}" for k, v in spec.items() if k != "parameters"]
        for name, param in spec.get("parameters", {}).items():
            lines.append(f"\n[notebooks.{notebook}.parameters.{name}]")
            lines += [f"{k} = {toml_value(v)}" for k, v in param.items()]
    for notebook in used:
        sets = ",\n".join("    " + inline_table(p) for nb, p in publications if nb == notebook)
        lines.append(f'\n[[publications]]\nnotebook = "{notebook}"\nparameters = [\n{sets},\n]')
    return "\n".join(lines) + "\n"


def one_parameter_flip(reports: list[dict]) -> dict | None:
    """An edit of ``publications.toml`` that changes one report's ``year`` and nothing else.

    The first report given an int ``year`` gets another year of its parameter's domain that no
    report of the same notebook and other parameters uses (so no output is duplicated).
    """
    sys.path.insert(0, str(REPO / "src"))
    from analysis.reports.domains import production_years

    years = production_years()
    for report in reports:
        given = report["given"]
        if not isinstance(given.get("year"), int):
            continue
        others = {k: v for k, v in given.items() if k != "year"}
        taken = {r["given"].get("year") for r in reports
                 if r["id"] == report["id"] and {k: v for k, v in r["given"].items() if k != "year"} == others}
        free = [y for y in sorted(years, reverse=True) if y not in taken]
        if free:
            return {"old": inline_table(given), "new": inline_table({**given, "year": free[0]})}
    return None


class PeakMemory:
    """Peak summed PSS/RSS of a process and all its descendants, sampled in a thread."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.root = psutil.Process(pid)
        self.interval = interval
        self.peak_pss = 0
        self.peak_rss = 0
        self.peak_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            pss = rss = 0
            for proc in procs:
                try:
                    info = proc.memory_full_info()
                    pss += getattr(info, "pss", info.rss)
                    rss += info.rss
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
            self.peak_pss = max(self.peak_pss, pss)
            self.peak_rss = max(self.peak_rss, rss)
            self.peak_processes = max(self.peak_processes, len(procs))
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def run(cmd: list[str], env: dict[str, str], *, measure_memory: bool = False, cwd: Path | None = None) -> tuple[float, PeakMemory | None, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    memory = PeakMemory(proc.pid) if measure_memory else None
    out, err = proc.communicate()
    elapsed = time.perf_counter() - start
    if memory:
        memory.stop()
    completed = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
    if proc.returncode != 0:
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err[-3000:]}")
    return elapsed, memory, completed


def wipe(reports: Path) -> None:
    shutil.rmtree(reports)
    reports.mkdir()


def naive_chain(reports: list[dict], root: Path, env: dict[str, str]) -> float:
    out = root / "naive"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    start = time.perf_counter()
    for report in reports:
        executed = out / f"{report['stem']}.ipynb"
        cmd = [str(BIN / "papermill"), report["notebook"], str(executed), "--log-level", "ERROR", "--no-progress-bar",
               "--cwd", str(Path(report["notebook"]).parent)]
        for key, value in report["params"].items():
            cmd += ["-p", key, str(value)]
        run(cmd, env)
        run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", "--log-level", "ERROR", str(executed)], env)
    return time.perf_counter() - start


_EXPORTER = None


def _strong_worker_init(env: dict[str, str]) -> None:
    """Pool worker start: the kernels' environment and one HTMLExporter reused for every report."""
    global _EXPORTER
    os.environ.clear()
    os.environ.update(env)
    from nbconvert import HTMLExporter

    _EXPORTER = HTMLExporter(exclude_input=True)


def _strong_one(notebook: str, executed: str, params: dict) -> None:
    import papermill

    papermill.execute_notebook(notebook, executed, parameters=params, progress_bar=False, log_output=False,
                               cwd=str(Path(notebook).parent))
    body, _ = _EXPORTER.from_filename(executed)
    Path(executed).with_suffix(".html").write_text(body, encoding="utf-8")


def strong_chain(reports: list[dict], root: Path, env: dict[str, str]) -> float:
    """The strongest plain-library chain: papermill's Python API in a process pool (one worker
    per core), each worker reusing one nbconvert ``HTMLExporter``. Timed from the pool's start
    (interpreter and imports of the workers included) to the last HTML written."""
    import concurrent.futures
    import multiprocessing

    out = root / "strong"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    start = time.perf_counter()
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(os.cpu_count(), mp_context=context, initializer=_strong_worker_init,
                                                initargs=(env,)) as pool:
        futures = [pool.submit(_strong_one, r["notebook"], str(out / f"{r['stem']}.ipynb"), r["params"]) for r in reports]
        for future in concurrent.futures.as_completed(futures):
            future.result()
    return time.perf_counter() - start


def econsec(args: list[str], env: dict[str, str], *, memory: bool = False):
    return run([str(BIN / "econsec"), "build", "--no-progress", *args], env, measure_memory=memory)


def flip_year(root: Path, stem_param: dict) -> None:
    path = root / "publications.toml"
    text = path.read_text(encoding="utf-8")
    old, new = stem_param["old"], stem_param["new"]
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    stem_param["old"], stem_param["new"] = new, old


PHASES = {
    "naive": "naive chain (papermill CLI + nbconvert CLI, sequential)",
    "strong": "strong chain (papermill API, process pool of one worker per core, one HTMLExporter per worker)",
    "cold_html": "econsec build, cold, HTML",
    "noop": "econsec build, no-op",
    "one_param": "econsec build, one parameter changed",
    "cold_html_pdf": "econsec build, cold, HTML + PDF",
    "dask": "econsec build --scheduler (dask LocalCluster), cold, HTML + PDF",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--notebook", default=None, help="benchmark only this notebook's publications")
    parser.add_argument("--scale", action="store_true",
                        help="add a profile for every mineral in the data × its two latest years (≈ 140 reports)")
    parser.add_argument("--skip-naive", action="store_true", help="leave out the naive CLI chain")
    parser.add_argument("--skip-strong", action="store_true", help="leave out the strong plain-library chain")
    parser.add_argument("--dask", action="store_true",
                        help="also build on a dask.distributed LocalCluster and compare its outputs byte for byte")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="econsec-bench-"))
    root = workdir / "project"
    root.mkdir()
    reports = make_copy(root, args.notebook, scale=args.scale)
    # pinned build date: a repeat's outputs are comparable byte for byte (the dask phase checks it)
    env = {**os.environ, "ECONSEC_ROOT": str(root), "ECONSEC_COMMIT": "benchmark", "PYTHONWARNINGS": "ignore",
           "SOURCE_DATE_EPOCH": "1700000000"}
    chain_env = {k: v for k, v in env.items() if k not in ("ECONSEC_BUILD", "SOURCE_DATE_EPOCH")}
    n = len(reports)
    print(f"{n} reports ({', '.join(r['stem'] for r in reports[:20])}{' …' if n > 20 else ''}) on {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; {args.repeats} repeats; work dir {workdir}", flush=True)
    flip = one_parameter_flip(reports)
    if flip is None:
        print("no report has a year that can change: the one-parameter phase is skipped", flush=True)

    times: dict[str, list[float]] = {k: [] for k in PHASES}
    peaks: dict[str, dict[str, float]] = {}
    for repeat in range(1, args.repeats + 1):
        try:
            one_repeat(repeat, reports, root, workdir, env, chain_env, args, flip, times, peaks, n)
        except SystemExit as exc:  # a command failed: report what was measured so far
            print(f"[{repeat}] stopped: {exc}", flush=True)
            break
    summarise(times, peaks, root, n, args)
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _record_peak(peaks: dict, key: str, memory: PeakMemory) -> None:
    old = peaks.get(key, {"pss": 0, "rss": 0, "processes": 0})
    peaks[key] = {"pss": max(old["pss"], memory.peak_pss), "rss": max(old["rss"], memory.peak_rss),
                  "processes": max(old["processes"], memory.peak_processes)}


def outputs(reports_dir: Path) -> dict[str, str]:
    """sha256 of every published file (the cache and failure folders left out)."""
    import hashlib

    return {str(p.relative_to(reports_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(reports_dir.rglob("*")) if p.is_file() and p.relative_to(reports_dir).parts[0] not in ("_cache", "_failed")}


def one_repeat(repeat, reports, root, workdir, env, chain_env, args, flip, times, peaks, n) -> None:
    if not args.skip_naive:
        times["naive"].append(naive_chain(reports, workdir, chain_env))
        print(f"[{repeat}] naive chain            {times['naive'][-1]:7.2f} s", flush=True)
    if not args.skip_strong:
        times["strong"].append(strong_chain(reports, workdir, chain_env))
        print(f"[{repeat}] strong chain           {times['strong'][-1]:7.2f} s", flush=True)
    wipe(root / "reports")
    elapsed, memory, _ = econsec(["--format", "html"], env, memory=True)
    times["cold_html"].append(elapsed)
    _record_peak(peaks, "cold_html", memory)
    print(f"[{repeat}] econsec cold HTML      {elapsed:7.2f} s  peak PSS {memory.peak_pss / 2**20:6.0f} MiB", flush=True)
    elapsed, _, done = econsec(["--format", "html"], env)
    assert f"{n} fresh" in done.stdout, done.stdout
    times["noop"].append(elapsed)
    print(f"[{repeat}] econsec no-op          {elapsed:7.2f} s", flush=True)
    if flip:
        flip_year(root, flip)
        elapsed, _, done = econsec(["--format", "html"], env)
        assert "1 built" in done.stdout and (n == 1 or f"{n - 1} fresh" in done.stdout), done.stdout
        times["one_param"].append(elapsed)
        print(f"[{repeat}] econsec one parameter  {elapsed:7.2f} s", flush=True)
        flip_year(root, flip)  # back, so every phase builds the same matrix
    wipe(root / "reports")
    elapsed, memory, _ = econsec(["--format", "html,pdf"], env, memory=True)
    times["cold_html_pdf"].append(elapsed)
    _record_peak(peaks, "cold_html_pdf", memory)
    print(f"[{repeat}] econsec cold HTML+PDF  {elapsed:7.2f} s  peak PSS {memory.peak_pss / 2**20:6.0f} MiB", flush=True)
    if args.dask:
        local = outputs(root / "reports")
        elapsed, memory = dask_build(root, env)
        times["dask"].append(elapsed)
        _record_peak(peaks, "dask", memory)
        remote = outputs(root / "reports")
        same = local == remote
        differing = sorted(k for k in set(local) | set(remote) if local.get(k) != remote.get(k))
        print(f"[{repeat}] econsec on dask        {elapsed:7.2f} s  outputs byte for byte {'identical' if same else 'DIFFERENT'}"
              f" ({len(local)} files){'; differ: ' + ', '.join(differing[:10]) if differing else ''}", flush=True)
        if not same:
            raise SystemExit("dask outputs differ from the local build")


def dask_build(root: Path, env: dict[str, str]) -> tuple[float, PeakMemory]:
    """Cold HTML + PDF on a ``LocalCluster`` (one single-threaded worker process per core),
    started before the clock runs; memory sampled over the client and the cluster's processes."""
    from distributed import LocalCluster

    wipe(root / "reports")
    saved = dict(os.environ)
    os.environ.update(env)  # workers inherit the build environment, as on a real cluster
    try:
        with LocalCluster(n_workers=os.cpu_count(), threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster:
            memory = PeakMemory(os.getpid())
            start = time.perf_counter()
            run([str(BIN / "econsec"), "build", "--no-progress", "--format", "html,pdf",
                 "--scheduler", cluster.scheduler_address], env)
            elapsed = time.perf_counter() - start
            memory.stop()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return elapsed, memory


def summarise(times, peaks, root, n, args) -> None:
    med = {k: statistics.median(v) for k, v in times.items() if v}
    entries = sorted((root / "reports/_cache/entries").glob("*.json")) if (root / "reports/_cache/entries").exists() else []
    phase = {}
    for entry in entries:
        for key, value in json.loads(entry.read_text()).get("timings", {}).items():
            phase.setdefault(key, []).append(value)
    print(f"\nmedians ({n} reports)")
    print("| phase | median (s) | per report (s) | vs naive | vs strong |\n|---|---|---|---|---|")
    for key, label in PHASES.items():
        if key not in med:
            continue
        vs = []
        for base in ("naive", "strong"):
            vs.append(f"{med[base] / med[key]:.1f}× faster" if base in med and key not in ("naive", "strong") else "")
        per = f"{med[key] / n:.2f}" if key in ("naive", "strong", "cold_html", "cold_html_pdf", "dask") else ""
        print(f"| {label} | {med[key]:.2f} | {per} | {vs[0]} | {vs[1]} |")
    for key, peak in peaks.items():
        print(f"peak memory, {PHASES[key]}: PSS {peak['pss'] / 2**20:.0f} MiB (RSS sum {peak['rss'] / 2**20:.0f} MiB, "
              f"{peak['processes']} processes)")
    if phase:
        print("per-report phases of the last econsec build (median s): "
              + ", ".join(f"{k} {statistics.median(v):.2f}" for k, v in sorted(phase.items())))
    if args.json:
        args.json.write_text(json.dumps({"reports": n, "cores": os.cpu_count(), "times": times, "medians": med,
                                         "peaks": peaks, "phases": {k: statistics.median(v) for k, v in phase.items()}}, indent=1))


if __name__ == "__main__":
    sys.exit(main())
