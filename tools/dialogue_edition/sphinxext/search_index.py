"""A search index that an incremental build leaves exactly as a clean build would.

When a page is read again, Sphinx drops it from the search index but keeps every word the page
alone used, with an empty list of pages; a clean build has no such words. Those empty entries are
removed from ``searchindex.js`` once the site is written, so that incremental and clean builds of
the same sources give the same bytes (and the index does not grow with every edit).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

INDEX = re.compile(r"^(Search\.setIndex\()(.*)(\))\s*$", re.DOTALL)


def prune(index_js: str) -> str:
    """``searchindex.js`` without words that no page uses any more."""
    match = INDEX.match(index_js)
    if match is None:
        return index_js
    data = json.loads(match.group(2))
    for key in ("terms", "titleterms"):
        data[key] = {word: pages for word, pages in data.get(key, {}).items() if pages != []}
    return match.group(1) + json.dumps(data, separators=(",", ":"), sort_keys=True) + match.group(3)


def prune_index(app: Sphinx, exception: Exception | None) -> None:
    """Prune the finished site's search index."""
    path = Path(app.outdir) / "searchindex.js"
    if exception is None and app.builder.name == "html" and path.exists():
        path.write_text(prune(path.read_text(encoding="utf-8")), encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("build-finished", prune_index)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
