"""What a reader downloads for one page: its HTML and the CSS, JavaScript, images and fonts it loads.

One count for the benchmark (``nox -s bench``) and the tests' weight budget.
"""

from __future__ import annotations

import re
from pathlib import Path

ASSET = re.compile(r'(?:href|src)="([^"#?]+\.(?:css|js|png|svg|woff2?))')
CSS_URL = re.compile(r"url\(['\"]?([^'\")?#]+)")


def page_assets(page: Path) -> dict[Path, int]:
    """The site's own files the page loads (the stylesheets' fonts and images too), with their sizes."""
    html = page.read_text(encoding="utf-8")
    assets = {(page.parent / ref).resolve() for ref in ASSET.findall(html) if "://" not in ref}
    for css in [asset for asset in assets if asset.suffix == ".css"]:
        assets |= {
            (css.parent / ref).resolve()
            for ref in CSS_URL.findall(css.read_text(encoding="utf-8"))
            if "://" not in ref and not ref.startswith("data:")
        }
    return {asset: asset.stat().st_size for asset in assets if asset.is_file()}


def page_weight(page: Path) -> int:
    """Bytes of the page with everything it loads."""
    return len(page.read_bytes()) + sum(page_assets(page).values())
