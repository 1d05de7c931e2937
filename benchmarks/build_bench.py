"""Build benchmark: the naive papermill → nbconvert chain against ``econsec build``.

Runs, in one run, on the same notebooks and parameters (the reports of ``publications.toml``,
optionally filtered), in a throw-away copy of the project (``ECONSEC_ROOT``):

1. **naive chain** — per report, sequentially: ``papermill NB OUT.ipynb -p …`` (CLI), then
   ``jupyter nbconvert --to html --no-input OUT.ipynb`` (CLI);
2. **econsec cold HTML** — ``econsec build --format html`` with an empty ``reports/`` (no cache
   of any kind: outputs, executed notebooks, domain values, Vega bundle are all wiped);
3. **econsec no-op** — the same command again (everything fresh);
4. **econsec one parameter** — one publication's ``year`` changed in ``publications.toml``
   (alternating, so each repeat rebuilds exactly one report);
5. **econsec cold HTML+PDF** — ``econsec build --format html,pdf`` from an empty ``reports/``.

Every command runs as a subprocess, as a user would run it. Reported: median wall time over
``--repeats`` runs, ratios to the naive chain, and the peak memory of the whole econsec
process tree (main process, pool workers, kernels), sampled every 50 ms as the sum of PSS
(proportional set size: shared pages counted once) and, for reference, of RSS.

Usage::

    .venv/bin/python benchmarks/build_bench.py [--repeats 3] [--notebook mineral_profile] [--json out.json]
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


def make_copy(root: Path, notebook: str | None) -> list[dict]:
    """A project copy under ``root``; returns the reports (stem, notebook path, params)."""
    sys.path.insert(0, str(REPO / "src"))
    from analysis.engine.publications import load_matrix, make_report

    for name in ("notebooks", "data"):
        shutil.copytree(REPO / name, root / name)
    text = (REPO / "publications.toml").read_text(encoding="utf-8")
    # keep only the benchmarked notebook in the copy's matrix
    (root / "publications.toml").write_text(_only(text, notebook) if notebook else text, encoding="utf-8")
    (root / "reports").mkdir()
    matrix = load_matrix(root)
    reports = []
    for nb_id, given, origin in matrix.sets:
        if notebook and nb_id != notebook:
            continue
        spec = matrix.notebooks[nb_id]
        params = {**{k: p.default for k, p in spec.parameters.items() if p.has_default}, **given}
        report = make_report(spec, params, origin)
        reports.append({"stem": report.stem, "notebook": str(spec.path), "params": params, "id": nb_id})
    return reports


def _only(text: str, notebook: str) -> str:
    """``publications.toml`` text keeping the given notebook's tables and publications."""
    import tomllib

    data = tomllib.loads(text)
    lines = []
    spec = data["notebooks"][notebook]
    lines.append(f"[notebooks.{notebook}]")
    for key in ("path", "title", "output", "group"):
        if key in spec:
            lines.append(f"{key} = {json.dumps(spec[key], ensure_ascii=False)}")
    for name, param in spec.get("parameters", {}).items():
        lines.append(f"\n[notebooks.{notebook}.parameters.{name}]")
        for key, value in param.items():
            lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
    for entry in data.get("publications", []):
        if entry["notebook"] != notebook:
            continue
        sets = ",\n".join("    { " + ", ".join(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in p.items()) + " }"
                          for p in entry["parameters"])
        lines.append(f'\n[[publications]]\nnotebook = "{notebook}"\nparameters = [\n{sets},\n]')
    return "\n".join(lines) + "\n"


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


def econsec(args: list[str], env: dict[str, str], *, memory: bool = False):
    return run([str(BIN / "econsec"), "build", "--no-progress", *args], env, measure_memory=memory)


def flip_year(root: Path, stem_param: dict) -> None:
    path = root / "publications.toml"
    text = path.read_text(encoding="utf-8")
    old, new = stem_param["old"], stem_param["new"]
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    stem_param["old"], stem_param["new"] = new, old


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--notebook", default=None, help="benchmark only this notebook's publications")
    parser.add_argument("--skip-naive", action="store_true", help="econsec phases only")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="econsec-bench-"))
    root = workdir / "project"
    root.mkdir()
    reports = make_copy(root, args.notebook)
    env = {**os.environ, "ECONSEC_ROOT": str(root), "ECONSEC_COMMIT": "benchmark", "PYTHONWARNINGS": "ignore"}
    env.pop("SOURCE_DATE_EPOCH", None)
    naive_env = {k: v for k, v in env.items() if k != "ECONSEC_BUILD"}
    n = len(reports)
    print(f"{n} reports ({', '.join(r['stem'] for r in reports)}) on {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; {args.repeats} repeats; work dir {workdir}", flush=True)

    # One publication whose year can change (int parameter named "year").
    target = next((r for r in reports if r["params"].get("year") == 2024), None)
    flip = None
    if target:
        mineral = target["params"].get("mineral")
        flip = {"old": f'{{ mineral = "{mineral}", year = 2024 }}', "new": f'{{ mineral = "{mineral}", year = 2023 }}'}

    times: dict[str, list[float]] = {k: [] for k in ("naive", "cold_html", "noop", "one_param", "cold_html_pdf")}
    peaks: dict[str, dict[str, float]] = {}
    for repeat in range(1, args.repeats + 1):
        try:
            one_repeat(repeat, reports, root, workdir, env, naive_env, args, flip, times, peaks, n)
        except SystemExit as exc:  # a command failed: report what was measured so far
            print(f"[{repeat}] stopped: {exc}", flush=True)
            break
    summarise(times, peaks, root, n, args)
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


def one_repeat(repeat, reports, root, workdir, env, naive_env, args, flip, times, peaks, n) -> None:
    if not args.skip_naive:
        times["naive"].append(naive_chain(reports, workdir, naive_env))
        print(f"[{repeat}] naive chain            {times['naive'][-1]:7.2f} s", flush=True)
    wipe(root / "reports")
    elapsed, memory, _ = econsec(["--format", "html"], env, memory=True)
    times["cold_html"].append(elapsed)
    peaks.setdefault("cold_html", {"pss": 0, "rss": 0, "processes": 0})
    peaks["cold_html"] = {"pss": max(peaks["cold_html"]["pss"], memory.peak_pss), "rss": max(peaks["cold_html"]["rss"], memory.peak_rss),
                          "processes": max(peaks["cold_html"]["processes"], memory.peak_processes)}
    print(f"[{repeat}] econsec cold HTML      {elapsed:7.2f} s  peak PSS {memory.peak_pss / 2**20:6.0f} MiB", flush=True)
    elapsed, _, done = econsec(["--format", "html"], env)
    assert f"{n} fresh" in done.stdout, done.stdout
    times["noop"].append(elapsed)
    print(f"[{repeat}] econsec no-op          {elapsed:7.2f} s", flush=True)
    if flip:
        flip_year(root, flip)
        elapsed, _, done = econsec(["--format", "html"], env)
        assert "1 built" in done.stdout and f"{n - 1} fresh" in done.stdout, done.stdout
        times["one_param"].append(elapsed)
        print(f"[{repeat}] econsec one parameter  {elapsed:7.2f} s", flush=True)
    wipe(root / "reports")
    elapsed, memory, _ = econsec(["--format", "html,pdf"], env, memory=True)
    times["cold_html_pdf"].append(elapsed)
    peaks.setdefault("cold_html_pdf", {"pss": 0, "rss": 0, "processes": 0})
    peaks["cold_html_pdf"] = {"pss": max(peaks["cold_html_pdf"]["pss"], memory.peak_pss), "rss": max(peaks["cold_html_pdf"]["rss"], memory.peak_rss),
                              "processes": max(peaks["cold_html_pdf"]["processes"], memory.peak_processes)}
    print(f"[{repeat}] econsec cold HTML+PDF  {elapsed:7.2f} s  peak PSS {memory.peak_pss / 2**20:6.0f} MiB", flush=True)


def summarise(times, peaks, root, n, args) -> None:
    med = {k: statistics.median(v) for k, v in times.items() if v}
    entries = sorted((root / "reports/_cache/entries").glob("*.json")) if (root / "reports/_cache/entries").exists() else []
    phase = {}
    for entry in entries:
        for key, value in json.loads(entry.read_text()).get("timings", {}).items():
            phase.setdefault(key, []).append(value)
    print("\nmedians")
    print(f"| phase | median (s) | per report (s) | vs naive |\n|---|---|---|---|")
    labels = {"naive": "naive chain (papermill CLI + nbconvert CLI, sequential)", "cold_html": "econsec build, cold, HTML",
              "noop": "econsec build, no-op", "one_param": "econsec build, one parameter changed",
              "cold_html_pdf": "econsec build, cold, HTML + PDF"}
    for key, label in labels.items():
        if key not in med:
            continue
        ratio = f"{med['naive'] / med[key]:.1f}× faster" if "naive" in med and key != "naive" else ""
        per = f"{med[key] / n:.2f}" if key in ("naive", "cold_html", "cold_html_pdf") else ""
        print(f"| {label} | {med[key]:.2f} | {per} | {ratio} |")
    for key, peak in peaks.items():
        print(f"peak memory, {labels[key]}: PSS {peak['pss'] / 2**20:.0f} MiB (RSS sum {peak['rss'] / 2**20:.0f} MiB, "
              f"{peak['processes']} processes)")
    print("per-report phases of the last cold HTML+PDF build (median s): "
          + ", ".join(f"{k} {statistics.median(v):.2f}" for k, v in sorted(phase.items())))
    if args.json:
        args.json.write_text(json.dumps({"reports": n, "cores": os.cpu_count(), "times": times, "medians": med,
                                         "peaks": peaks, "phases": {k: statistics.median(v) for k, v in phase.items()}}, indent=1))


if __name__ == "__main__":
    sys.exit(main())
