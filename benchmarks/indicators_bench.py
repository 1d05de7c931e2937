"""Benchmark of the trade-indicator layer on BACI-sized tables (SYNTHETIC data).

Times :func:`analysis.indicators.exports.export_concentration_table` (exporter shares, HHI
and top-3 of every product × year, read from importers' partner rows as BACI is built) and
:func:`analysis.indicators.dependence.supplier_share_table` (China's share of every importer ×
product × year) on tables of 1 M and 20 M rows, and prints rows per second, peak memory and
the 20 M / 1 M time ratio (≈ 20 means time grows linearly).

The tables are **synthetic**, generated here with a fixed seed, and never written to disk:
random importer × exporter × HS-6 × year rows in the tidy Comtrade layout (flow ``import``,
reporter = importer, partner = exporter), with key columns as pandas categoricals — BACI ships
integer codes, so this is the representation a BACI loader would produce. Values are
log-normal US dollars and kilograms with no meaning.

Each size runs in a fresh Python process so its peak memory is its own. Peak memory is the
process's peak resident set size (``ru_maxrss``, table included); "during" is the highest RSS
sampled every 5 ms while the indicator runs, and "extra" that minus the RSS before the call.

Usage::

    .venv/bin/python benchmarks/indicators_bench.py            # 1 M and 20 M rows
    .venv/bin/python benchmarks/indicators_bench.py --rows 1000000 5000000
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from analysis.indicators.dependence import supplier_share_table  # noqa: E402
from analysis.indicators.exports import export_concentration_table  # noqa: E402

N_COUNTRIES = 220  # economies (BACI: ~220)
N_PRODUCTS = 5_000  # HS-6 codes (BACI HS17: ~5 400)
YEARS = (2022, 2023)
SEED = 20_260_101


def synthetic_trade(rows: int, seed: int = SEED) -> pd.DataFrame:
    """SYNTHETIC bilateral trade table of ``rows`` rows (see module doc). Not real data."""
    rng = np.random.default_rng(seed)
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    codes = ["CHN"] + [c for c in ("".join(t) for t in itertools.product(letters, repeat=3)) if c != "CHN"][: N_COUNTRIES - 1]
    products = [f"{100000 + 37 * i:06d}" for i in range(N_PRODUCTS)]
    countries = pd.CategoricalDtype(codes)
    # exporters skewed towards a few large suppliers, as in real trade (code 0 = CHN)
    weights = 1.0 / np.arange(1, N_COUNTRIES + 1) ** 1.1
    exporter = rng.choice(N_COUNTRIES, size=rows, p=weights / weights.sum()).astype(np.int16)
    importer = rng.integers(0, N_COUNTRIES, size=rows, dtype=np.int16)
    return pd.DataFrame(
        {
            "year": rng.choice(np.array(YEARS, dtype=np.int16), size=rows),
            "reporter_iso3": pd.Categorical.from_codes(importer, dtype=countries),
            "partner_iso3": pd.Categorical.from_codes(exporter, dtype=countries),
            "flow": pd.Categorical.from_codes(np.zeros(rows, dtype=np.int8), categories=["import", "export"]),
            "hs_code": pd.Categorical.from_codes(rng.integers(0, N_PRODUCTS, size=rows, dtype=np.int16), categories=products),
            "value_usd": rng.lognormal(11.0, 2.5, size=rows),
            "net_weight_kg": rng.lognormal(9.0, 2.5, size=rows),
        }
    )


def _rss_bytes() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * resource.getpagesize()


class PeakSampler:
    """Highest RSS seen while the block runs (sampled every 5 ms in a thread)."""

    def __enter__(self) -> "PeakSampler":
        self.before = _rss_bytes()
        self.peak = self.before
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss_bytes())
            time.sleep(0.005)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_bytes())


def worker(rows: int, repeats: int) -> dict:
    """Generate one table and time both indicators on it (run in its own process)."""
    started = time.perf_counter()
    trade = synthetic_trade(rows)
    generated = time.perf_counter() - started
    table_mib = trade.memory_usage(deep=True).sum() / 2**20
    jobs = {
        "export_concentration_table": lambda: export_concentration_table(trade, source="mirror", by=("hs_code", "year")),
        "supplier_share_table (CHN)": lambda: supplier_share_table(trade, "CHN", by=("reporter_iso3", "hs_code", "year")),
    }
    results = {}
    for name, job in jobs.items():
        times, during, extra, groups = [], 0, 0, 0
        for _ in range(repeats):
            with PeakSampler() as sampler:
                start = time.perf_counter()
                out = job()
                times.append(time.perf_counter() - start)
            during = max(during, sampler.peak)
            extra = max(extra, sampler.peak - sampler.before)
            groups = len(out)
            del out
        results[name] = {"seconds": min(times), "groups": groups, "during_mib": during / 2**20, "extra_mib": extra / 2**20}
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    return {"rows": rows, "generate_seconds": generated, "table_mib": table_mib, "peak_mib": peak_mib, "jobs": results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 20_000_000])
    parser.add_argument("--repeats", type=int, default=2, help="timed runs per indicator (best is reported)")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.repeats)))
        return

    print("Indicator benchmark on SYNTHETIC BACI-sized trade tables (generated in this script, fixed seed).")
    print(f"{N_COUNTRIES} economies, {N_PRODUCTS} HS-6 products, years {YEARS}; pandas {pd.__version__}, numpy {np.__version__}\n")
    runs = []
    for rows in args.rows:
        done = subprocess.run([sys.executable, __file__, "--worker", str(rows), "--repeats", str(args.repeats)],
                              capture_output=True, text=True, check=True)  # fmt: skip
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    header = f"{'rows':>12} {'indicator':<28} {'groups':>10} {'seconds':>8} {'rows/s':>12} {'RSS during MiB':>15} {'extra MiB':>10}"
    print(header)
    print("-" * len(header))
    for run in runs:
        for name, job in run["jobs"].items():
            rate = run["rows"] / job["seconds"]
            print(f"{run['rows']:>12,} {name:<28} {job['groups']:>10,} {job['seconds']:>8.2f} {rate:>12,.0f} "
                  f"{job['during_mib']:>15,.0f} {job['extra_mib']:>10,.0f}")  # fmt: skip
    print()
    for run in runs:
        print(f"{run['rows']:>12,} rows: table {run['table_mib']:,.0f} MiB in memory, generated in {run['generate_seconds']:.1f} s; "
              f"process peak RSS {run['peak_mib']:,.0f} MiB ({run['peak_mib'] / 1024:.2f} GiB)")  # fmt: skip
    if len(runs) >= 2:
        small, large = runs[0], runs[-1]
        factor = large["rows"] / small["rows"]
        print()
        for name in small["jobs"]:
            ratio = large["jobs"][name]["seconds"] / small["jobs"][name]["seconds"]
            print(f"time ratio {large['rows'] // 10**6}M/{small['rows'] // 10**6}M for {name}: {ratio:.1f} (rows ×{factor:.0f}; linear ≈ {factor:.0f})")
        limit = 4 * 1024
        verdict = "under" if large["peak_mib"] < limit else "OVER"
        print(f"peak memory at {large['rows']:,} rows: {large['peak_mib'] / 1024:.2f} GiB — {verdict} the 4 GiB limit")


if __name__ == "__main__":
    main()
