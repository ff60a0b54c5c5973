"""A gallery of the editions as a reader sees them, for a reviewer to look at instead of guess.

Every page of the HTML site on a phone (390 px) and a desktop (1280 px), in light and dark mode,
taken whole by Debian's Chromium (driven by Playwright, never a browser it downloads itself);
every page of every PDF by ``pdftoppm``. The PNGs and an ``index.html`` that shows them all go
to ``build/screenshots/`` (``nox -s screenshots``, after ``nox -s editions``).
"""

from __future__ import annotations

import argparse
import html
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .checks.links import site_prefix
from .checks.reader import SCHEMES, VIEWPORTS
from .checks.validators import CHROMIUM, CHROMIUM_FLAGS, PROJECT_ROOT, served

#: Low resolution: enough to see a layout fault, small enough to page through.
PDF_RESOLUTION = 60


@dataclass(frozen=True)
class Shot:
    """One picture of the gallery: which edition, which page, in which setting."""

    group: str
    caption: str
    path: Path


def html_pages(site: Path) -> list[str]:
    """Every page of the site, as paths relative to it."""
    return [page.relative_to(site).as_posix() for page in sorted(site.rglob("*.html"))]


def html_shots(site: Path, target: Path) -> list[Shot]:
    """A whole-page picture of every page, per viewport and colour scheme."""
    from playwright.sync_api import sync_playwright

    shots = []
    pages = html_pages(site)
    prefix = site_prefix(PROJECT_ROOT)
    with served(site, prefix) as origin, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        for device, viewport in VIEWPORTS.items():
            for scheme in SCHEMES:
                context = browser.new_context(
                    viewport=viewport, color_scheme=scheme, is_mobile=device == "phone", has_touch=device == "phone"
                )
                page = context.new_page()
                for name in pages:
                    page.goto(origin + name, wait_until="load")
                    path = target / "html" / device / scheme / name.replace("/", "__").replace(".html", ".png")
                    path.parent.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(path), full_page=True)
                    shots.append(Shot(f"HTML, {device}, {scheme}", name, path))
                context.close()
        browser.close()
    return shots


def pdf_shots(pdfs: list[Path], target: Path) -> list[Shot]:
    """Every page of every PDF."""
    shots = []
    for pdf in pdfs:
        folder = target / "pdf" / pdf.stem
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", str(PDF_RESOLUTION), str(pdf), str(folder / "page")], check=True)
        shots += [
            Shot(f"PDF: {pdf.name}", f"page {path.stem.split('-')[-1].lstrip('0')}", path)
            for path in sorted(folder.glob("*.png"))
        ]
    return shots


def write_index(target: Path, shots: list[Shot]) -> Path:
    """``index.html``: every picture, grouped by edition and setting, each linked to itself at full size."""
    sections: dict[str, list[Shot]] = {}
    for shot in shots:
        sections.setdefault(shot.group, []).append(shot)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8"><title>Screenshots of the editions</title>',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<style>body{font-family:sans-serif;margin:1rem}figure{display:inline-block;vertical-align:top;"
        "margin:0 1rem 1rem 0;max-width:16rem}img{max-width:100%;max-height:24rem;border:1px solid #888}"
        "figcaption{font-size:small;overflow-wrap:anywhere}</style></head><body>",
        "<h1>Screenshots of the editions</h1>",
        "<ul>" + "".join(f'<li><a href="#g{n}">{html.escape(g)}</a></li>' for n, g in enumerate(sections)) + "</ul>",
    ]
    for number, (group, items) in enumerate(sections.items()):
        parts.append(f'<section id="g{number}"><h2>{html.escape(group)}</h2>')
        for shot in items:
            source = html.escape(shot.path.relative_to(target).as_posix())
            caption = html.escape(shot.caption)
            parts.append(
                f'<figure><a href="{source}"><img src="{source}" alt="{caption}" loading="lazy"></a>'
                f"<figcaption>{caption}</figcaption></figure>"
            )
        parts.append("</section>")
    parts.append("</body></html>")
    index = target / "index.html"
    index.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return index


def main(argv: list[str] | None = None) -> int:
    """Write the gallery; one line and a non-zero exit when an edition or a tool is missing."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=PROJECT_ROOT / "build", help="where the editions are")
    arguments = parser.parse_args(argv)
    build: Path = arguments.build
    site, target = build / "html", build / "screenshots"
    if not (site / "index.html").is_file():
        print(f"screenshots: {site} has no site: build the editions first (nox -s editions)", file=sys.stderr)
        return 1
    for tool in (CHROMIUM, Path(shutil.which("pdftoppm") or "/usr/bin/pdftoppm")):
        if not tool.exists():
            print(f"screenshots: {tool} is missing: run ./bootstrap, which installs it", file=sys.stderr)
            return 1
    shutil.rmtree(target, ignore_errors=True)
    shots = html_shots(site, target) + pdf_shots(sorted(build.glob("*.pdf")), target)
    index = write_index(target, shots)
    print(f"screenshots: {len(shots)} pictures, see {index}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
