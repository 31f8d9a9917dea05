"""asyncmaturity: measure asynchronous-communication maturity from the exports a team already has.

The library core (sources, evidence store, metrics, report) imports neither the CLI nor a web
framework; :mod:`asyncmaturity.cli` is a thin adapter over it.
"""

__version__ = "0.1.0"
