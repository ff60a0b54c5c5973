"""The Sphinx extensions of the edition, one module per feature, each with ``setup(app)``."""
