"""Keeping the data current: import USGS editions, pull Comtrade and WGI, record provenance.

Every operation here changes ``data/`` through one :class:`~analysis.data.refresh.transaction.DataTransaction`:
new files and the new ``datapackage.json`` are staged and validated first, then moved into
place; a failure (bad file, API error, Ctrl-C) leaves ``data/`` exactly as it was. Before each
change the previous ``datapackage.json`` is kept under ``data/history/`` so ``econsec data
diff`` can say what changed.
"""

from importlib import metadata

from analysis.errors import EconsecError


class RefreshError(EconsecError):
    """A refresh step could not be done; nothing in ``data/`` was changed."""


def client_version(package: str) -> str:
    """Installed version of an API client package, recorded with every pull."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "(version unknown)"
