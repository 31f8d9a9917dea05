"""Service functions: the web's domain verbs over a database session (accounts, campaigns).

Each is keyword-only, raises the web's domain errors, and leaves the commit to the request layer,
which owns the transaction (one request, one transaction).
"""
