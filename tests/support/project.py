"""Throw-away copies of the project, for end-to-end runs of the ``econsec`` command line and
for the engine's own tests.

A copy holds ``data/`` (byte for byte) and either the real notebooks it needs with a
``publications.toml`` made from the real one (the same ``[notebooks.<id>]`` schema, a chosen
smaller set of publications), or the engine's fixture notebooks and fixture matrix
(``tests/support/fixtures/engine``). ``ECONSEC_ROOT`` points the CLI at it, so the real
``reports/`` is never touched.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.engine.cache import Project

REPO = Path(__file__).resolve().parents[2]
ENGINE_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "engine"
ECONSEC = [sys.executable, "-m", "analysis.cli"]
TRACEBACK = "Traceback (most recent call last)"


def real_matrix() -> dict[str, Any]:
    return tomllib.loads((REPO / "publications.toml").read_text(encoding="utf-8"))


def available_notebooks() -> dict[str, dict[str, Any]]:
    """``[notebooks.<id>]`` tables of the real matrix whose notebook exists in this checkout."""
    return {nb_id: spec for nb_id, spec in real_matrix()["notebooks"].items() if (REPO / spec["path"]).is_file()}


def first_sets() -> list[tuple[str, dict[str, Any]]]:
    """One publication per available notebook: its first parameter set in the real matrix."""
    available = available_notebooks()
    chosen: dict[str, dict[str, Any]] = {}
    for publication in real_matrix().get("publications", []):
        nb_id = publication["notebook"]
        if nb_id in available and nb_id not in chosen and publication["parameters"]:
            chosen[nb_id] = publication["parameters"][0]
    return list(chosen.items())


def stem_of(nb_id: str, params: dict[str, Any]) -> str:
    """Output stem of a publication, as the build names it (``output`` with slugified values)."""
    from analysis.paths import slug

    spec = real_matrix()["notebooks"][nb_id]
    slugs = {k: "-".join(slug(x) for x in v) if isinstance(v, list) else slug(v) for k, v in params.items()}
    return spec["output"].format(**slugs)


# ----------------------------------------------------------------------------- TOML writing


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {value!r} as TOML")


def matrix_toml(notebooks: dict[str, dict[str, Any]], publications: list[tuple[str, list[dict[str, Any]]]]) -> str:
    lines: list[str] = ["# written by tests/support/project.py from the real publications.toml", ""]
    lines.append("[project]")
    lines.extend(f"{key} = {_toml_value(value)}" for key, value in real_matrix().get("project", {}).items())
    lines.append("")
    for nb_id, spec in notebooks.items():
        lines.append(f"[notebooks.{nb_id}]")
        for key, value in spec.items():
            if key != "parameters":
                lines.append(f"{key} = {_toml_value(value)}")
        lines.append("")
        for name, param in spec.get("parameters", {}).items():
            lines.append(f"[notebooks.{nb_id}.parameters.{name}]")
            lines.extend(f"{key} = {_toml_value(value)}" for key, value in param.items())
            lines.append("")
    for nb_id, sets in publications:
        lines += ["[[publications]]", f"notebook = {_toml_value(nb_id)}", "parameters = ["]
        lines += [f"    {_toml_value(s)}," for s in sets]
        lines += ["]", ""]
    return "\n".join(lines)


# ----------------------------------------------------------------------------- the copy


@dataclass
class TempProject(Project):
    """The engine's :class:`~analysis.engine.cache.Project` (where a build reads and writes) plus
    runs of the CLI against it and the edits a user could make."""

    @property
    def data(self) -> Path:
        return self.root / "data"

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(ECONSEC_ROOT=str(self.root), ECONSEC_COMMIT="e2e-test", PYTHONUNBUFFERED="1")
        env.pop("SOURCE_DATE_EPOCH", None)
        env.update(extra)
        return env

    def run(self, *args: str, timeout: float = 600, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        """``econsec ARGS`` against this copy, as a user would run it (separate process)."""
        return subprocess.run(
            [*ECONSEC, *args], cwd=self.root, env=env or self.env(), capture_output=True, text=True, timeout=timeout,
            stdin=subprocess.DEVNULL,
        )

    def build(self, *args: str, **kw: Any) -> subprocess.CompletedProcess:
        return self.run("build", "--no-progress", *args, **kw)

    def copy_to(self, target: Path) -> TempProject:
        shutil.copytree(self.root, target, symlinks=True, ignore=shutil.ignore_patterns("build.lock"))
        return TempProject(target)

    # ---- edits a user could make

    def resource(self, name: str) -> dict[str, Any]:
        package = json.loads((self.data / "datapackage.json").read_text(encoding="utf-8"))
        return next(r for r in package["resources"] if r["name"] == name)

    def resource_path(self, name: str) -> Path:
        return self.data / self.resource(name)["path"]

    def record_hash(self, name: str) -> None:
        """Record a changed file's sha256 (and size) in datapackage.json, as ``econsec data`` would."""
        path = self.data / "datapackage.json"
        package = json.loads(path.read_text(encoding="utf-8"))
        for entry in package["resources"]:
            if entry["name"] == name:
                raw = (self.data / entry["path"]).read_bytes()
                entry["hash"] = "sha256:" + hashlib.sha256(raw).hexdigest()
                if "bytes" in entry:
                    entry["bytes"] = len(raw)
        path.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    def write_matrix(self, publications: list[tuple[str, list[dict[str, Any]]]],
                     notebooks: dict[str, dict[str, Any]] | None = None) -> None:
        """Replace the copy's publications.toml: ``notebooks`` (default: the real matrix's tables for
        the notebooks named in ``publications``) and ``publications``."""
        if notebooks is None:
            real = real_matrix()["notebooks"]
            notebooks = {nb_id: real[nb_id] for nb_id in dict.fromkeys(nb for nb, _ in publications)}
        (self.root / "publications.toml").write_text(matrix_toml(notebooks, publications), encoding="utf-8")

    def edit_matrix(self, old: str, new: str) -> None:
        path = self.root / "publications.toml"
        text = path.read_text(encoding="utf-8")
        assert old in text, f"test setup: {old!r} not in the copied publications.toml"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    # ---- what is there

    def snapshot(self) -> dict[str, tuple[int, str]]:
        """Every report file (not the cache): name → (mtime_ns, sha256)."""
        files = {}
        for path in sorted(self.reports.rglob("*")):
            if path.is_file() and "_cache" not in path.relative_to(self.reports).parts:
                files[str(path.relative_to(self.reports))] = (path.stat().st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest())
        return files

    def temporaries(self) -> list[str]:
        return [str(p.relative_to(self.root)) for p in self.reports.rglob("*") if ".tmp" in p.name or p.name.endswith(".part")]


def make_project(root: Path, publications: list[tuple[str, list[dict[str, Any]]]] | None = None, *,
                 extra_notebooks: dict[str, dict[str, Any]] | None = None, failing: bool = False) -> TempProject:
    """A copy of the project at ``root``: ``data/`` byte for byte, and

    * ``publications`` given: the real notebooks they name, a matrix with only ``publications``
      (``extra_notebooks`` adds ``[notebooks.<id>]`` tables, with their notebook files already
      written under ``root/notebooks`` by the caller, to the ones copied from the real matrix),
      and the checkout's cached Vega bundle;
    * ``publications`` left out: the engine's fixture project — the notebooks and
      ``publications.toml`` of ``tests/support/fixtures/engine`` (``failing=True`` appends its
      ``failing.toml``) and an empty ``reports/``.
    """
    (root / "notebooks").mkdir(parents=True, exist_ok=True)
    if publications is None:
        _fixture_notebooks(root, failing=failing)
    else:
        _real_notebooks(root, publications, extra_notebooks)
    shutil.copytree(REPO / "data", root / "data")
    (root / "reports").mkdir(exist_ok=True)
    bundle = sorted((REPO / "reports" / "_cache").glob("vega-bundle-*.js"))
    if bundle and publications is not None:  # saves vl-convert's 1.3 s; the file is keyed by vl-convert's version
        (root / "reports" / "_cache").mkdir(exist_ok=True)
        shutil.copy(bundle[-1], root / "reports" / "_cache" / bundle[-1].name)
    return TempProject(root)


def _fixture_notebooks(root: Path, *, failing: bool) -> None:
    for nb in (ENGINE_FIXTURES / "notebooks").glob("*.ipynb"):
        shutil.copy(nb, root / "notebooks" / nb.name)
    matrix = (ENGINE_FIXTURES / "publications.toml").read_text(encoding="utf-8")
    if failing:
        matrix += (ENGINE_FIXTURES / "failing.toml").read_text(encoding="utf-8")
    (root / "publications.toml").write_text(matrix, encoding="utf-8")


def _real_notebooks(root: Path, publications: list[tuple[str, list[dict[str, Any]]]],
                    extra_notebooks: dict[str, dict[str, Any]] | None) -> None:
    available = available_notebooks()
    wanted = {nb_id for nb_id, _ in publications} | set(extra_notebooks or {})
    missing = wanted - set(available) - set(extra_notebooks or {})
    assert not missing, f"test setup: notebooks {sorted(missing)} are not in this checkout"
    notebooks = {}
    for nb_id in available:
        if nb_id in wanted:
            spec = available[nb_id]
            shutil.copy(REPO / spec["path"], root / spec["path"])
            notebooks[nb_id] = spec
    notebooks.update(extra_notebooks or {})
    (root / "publications.toml").write_text(matrix_toml(notebooks, publications), encoding="utf-8")


# ----------------------------------------------------------------------------- output checks


def one_line_error(stderr: str) -> str:
    """The user-facing error line of a failed command, asserting there is exactly one and no traceback."""
    assert TRACEBACK not in stderr, f"traceback shown to the user:\n{stderr}"
    lines = [line for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if re.match(r"^(econsec: )?error: ", line)]
    assert len(errors) == 1, f"expected one error line, got:\n{stderr}"
    return errors[0]
