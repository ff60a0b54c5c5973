"""The publishing pipeline of the Russia–Republic of Korea Dialogue Forum reports.

The package is laid out by concept: ``source_report`` reads the archival reports, ``fidelity``
compares an edition with them, ``build`` turns ``docs/`` into the three editions, and
``sphinxext`` holds the Sphinx extensions the edition uses.
"""
