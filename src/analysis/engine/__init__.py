"""The report engine behind ``econsec build``: parameters → execution → HTML/PDF → cache.

Modules, in the order a build uses them (each depends only on those above it):

* :mod:`.publications`  ``publications.toml``: notebooks, their typed parameter schema, the matrix
* :mod:`.params`        typed parsing of ``-p key=value`` and validation against schema and domains
* :mod:`.domains`       allowed parameter values: the module ``[project] domains`` names, cached on disk
* :mod:`.fingerprint`   content digests: sources, package versions, data files, the build date
* :mod:`.cache`         per-report cache entries and the fresh / stale / failed decision
* :mod:`.execute`       kernels started ahead of time, notebooks run with nbclient
* :mod:`.vega`          Vega-Lite outputs: specs, CSV, data tables
* :mod:`.html`, :mod:`.pdf`   conversion with nbconvert templates (and WeasyPrint for PDF)
* :mod:`.worker`        one job (execute + convert) as a pure function, for any pool
* :mod:`.plan`          the validated selection, formats, data check, kernel settings, page metadata
* :mod:`.lock`          one build per project at a time
* :mod:`.pool`          the local process pool (a pre-started kernel per worker)
* :mod:`.progress`      the terminal progress display
* :mod:`.runner`        the build: plan → pool → atomic writes → summary
* :mod:`.distributed`   the same jobs on a ``dask.distributed`` cluster
* :mod:`.index`         ``reports/index.html``
* :mod:`.cli`           ``econsec build | list | params``

Importing this package is cheap: heavy libraries (nbconvert, WeasyPrint, pandas) are imported
only by the modules that need them, so that ``econsec list`` and a no-op build stay fast.
"""
