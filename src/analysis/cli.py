"""The ``econsec`` command line.

Sub-commands live with the layer they drive: ``build``, ``list`` and ``params`` in
:mod:`analysis.engine.cli`, ``data …`` in :mod:`analysis.data.cli`. Each module exposes
``register(subparsers)``; this file only wires them and maps errors to exit codes:

* 0 — everything asked for was done
* 1 — a report failed to build (others may have been built)
* 2 — usage or input error (bad parameter, malformed data file, unknown report): one line on
  stderr, no traceback, nothing written
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from analysis.errors import EconsecError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

#: Modules that add sub-commands (imported lazily so ``econsec --help`` stays fast).
COMMAND_MODULES = ("analysis.engine.cli", "analysis.data.cli")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's default exit code is 2 already; keep one line
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"econsec: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="econsec",
        description="Build and check the India–Japan critical-minerals reports.",
        epilog="Exit codes: 0 all done; 1 a report failed; 2 usage or input error.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # layer not present in this checkout
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or EXIT_OK)
    except EconsecError as exc:
        print(f"econsec: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("econsec: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
