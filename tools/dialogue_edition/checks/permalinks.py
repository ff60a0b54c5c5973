"""Permalinks: every page and every stable anchor of the site, kept in a committed baseline.

Stable anchors are those of the entries readers and other sites link to: people (``person-``),
organisations (``org-``), events (``event-``) and agreements (``agreement-``); and the paragraphs
of the reports (``p<N>``), which the cite panel gives as each paragraph's address. A permalink in the
baseline that the site no longer has is broken unless ``docs/redirects.yaml`` redirects it.

New permalinks are added to the baseline by ``nox -s baselines`` (``dialogue_edition.baselines``).
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import html as lxml_html

from ..redirects import Redirect

STABLE_ANCHOR = re.compile(r"^(person|org|event|agreement)-[a-z0-9-]+$")
PARAGRAPH_ANCHOR = re.compile(r"^p[0-9]+$")
"""A paragraph's anchor: a permalink on a report's pages (the cite panel gives it), not elsewhere."""
NOT_PERMALINKS = {"genindex.html", "search.html", "404.html"}


def site_permalinks(site: Path) -> list[str]:
    """Every page of the site and every stable anchor in it, as ``page.html#anchor``."""
    found = []
    for page in sorted(site.rglob("*.html")):
        name = page.relative_to(site).as_posix()
        if name in NOT_PERMALINKS:
            continue
        document = lxml_html.fromstring(page.read_bytes())
        if document.xpath("//meta[@http-equiv='refresh']"):
            continue
        found.append(name)
        paragraphs = name.startswith("reports/")
        found += [
            f"{name}#{anchor}"
            for anchor in document.xpath("//@id")
            if STABLE_ANCHOR.match(anchor) or (paragraphs and PARAGRAPH_ANCHOR.match(anchor))
        ]
    return found


def broken_permalinks(site: Path, baseline: list[str], redirects: list[Redirect]) -> list[str]:
    """Baseline permalinks the site lost without a redirect, or redirected to nowhere."""
    present = set(site_permalinks(site))
    moved = {item.old: item.new for item in redirects}
    problems = []
    for permalink in baseline:
        if permalink in present:
            continue
        if permalink not in moved:
            problems.append(f"{permalink} is gone: restore it or declare a redirect in docs/redirects.yaml")
        elif moved[permalink] not in present:
            problems.append(f"{permalink} redirects to {moved[permalink]}, which does not exist either")
    return problems
