"""econsec analysis package: data loading → indicators → charts → report building.

The package is layered one way (see ``notebooks/`` and ``README.md``):

* :mod:`analysis.data`        read and validate one published source each, harmonise countries and HS codes
* :mod:`analysis.indicators`  pure functions over tidy DataFrames (no I/O, no plotting)
* :mod:`analysis.charts`      the house Altair theme and chart builders
* :mod:`analysis.text`        number formatting for narrative text
* :mod:`analysis.engine`      parameters, execution, conversion to HTML/PDF, the ``econsec`` CLI
"""

__version__ = "0.1.0"
