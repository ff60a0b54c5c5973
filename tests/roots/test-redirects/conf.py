# The anchor redirects' script, built as a plain sphinx-build builds it (no edition-build scratch folder).
from pathlib import Path

extensions = ["dialogue_edition.sphinxext.redirects"]
edition_redirects_file = str(Path(__file__).parent / "redirects.yaml")
