"""Social previews (Open Graph tags) through sphinxext-opengraph, without its matplotlib notice.

sphinxext-opengraph 0.13 prints "matplotlib is not installed, social cards will not be generated"
whenever it is imported without matplotlib, whatever the configuration says, and no setting
stops it. The edition makes no social cards (``ogp_social_cards = {"enable": False}`` in
``conf.py``: text previews only), so the notice would be the one line a clean build prints. This
extension imports sphinxext-opengraph with that line held back (anything else it prints still
shows), then sets it up as usual; ``conf.py`` lists this extension in its place.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import sys
from typing import Any

from sphinx.application import Sphinx

EXTENSION = "sphinxext.opengraph"
NOTICE = "matplotlib is not installed, social cards will not be generated"


def import_quietly() -> None:
    """Import sphinxext-opengraph, printing whatever it prints but the matplotlib notice."""
    if EXTENSION in sys.modules:
        return
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        importlib.import_module(EXTENSION)
    sys.stdout.write("".join(line for line in printed.getvalue().splitlines(True) if line.strip() != NOTICE))


def setup(app: Sphinx) -> dict[str, Any]:
    import_quietly()
    app.setup_extension(EXTENSION)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
