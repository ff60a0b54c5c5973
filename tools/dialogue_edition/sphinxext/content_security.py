"""A Content-Security-Policy on every page of the site: script only from the site's own files.

Even if a page's text slipped markup past the content policy (``safety``), a reader's browser
would refuse to run it: every page carries a ``<meta http-equiv="Content-Security-Policy">``
(GitHub Pages sets no headers, so the policy travels in the page) that allows

- script only from the site's own files, and the inline scripts the templates write as they are
  (the theme's, the edition's), each listed by its SHA-256: a script in a page that no template
  holds (markup a page's text slipped into it) does not run, whatever else let it in;
  ``'wasm-unsafe-eval'`` lets the search's WebAssembly (from the site's own files) compile;
- images, fonts, styles and requests only from the site itself (``data:`` for the theme's icons
  in its style sheet; ``'unsafe-inline'`` styles for the ``style`` attributes the theme writes,
  which run nothing and can reach no other site);
- no plug-ins, no frames, no ``<base>``, forms only to the site.

The policy is set on the finished pages, so that it covers every page whoever wrote it (the
theme, the 404 page, the redirect stubs).
"""

from __future__ import annotations

import base64
import hashlib
import re
import time
import weakref
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from .staged_site import site_files, write_new

POLICY = (
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'{hashes}",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "media-src 'self'",
    "manifest-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "frame-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
)

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)([^>]*)>(.*?)</script\s*>", re.DOTALL | re.IGNORECASE)
DATA_TYPE = re.compile(r"""\btype\s*=\s*["']?application/(?:ld\+)?json""", re.IGNORECASE)
"""Inline data a browser never runs (JSON-LD): no hash needed."""
EXISTING_POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">\n?')
CHARSET = re.compile(r"<meta charset=[\"']?utf-8[\"']?\s*/?>\n?", re.IGNORECASE)


def inline_scripts(text: str) -> list[str]:
    """The bodies of the inline scripts a browser would run in a page or a template."""
    return [body for attributes, body in INLINE_SCRIPT.findall(text) if not DATA_TYPE.search(attributes)]


def template_scripts(folders: list[str]) -> frozenset[str]:
    """The inline scripts the templates in ``folders`` write as they are (no template markup inside)."""
    return frozenset(
        body
        for folder in folders
        for template in sorted(Path(folder).rglob("*.html"))
        for body in inline_scripts(template.read_text(encoding="utf-8", errors="replace"))
        if "{{" not in body and "{%" not in body
    )


def policy_for(page: str, allowed: frozenset[str]) -> str:
    """The policy of one page: the fixed one, with the hash of each of its inline scripts a template wrote."""
    digests = sorted(
        {
            base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
            for body in inline_scripts(page)
            if body in allowed
        }
    )
    hashes = "".join(f" 'sha256-{digest}'" for digest in digests)
    return "; ".join(POLICY).format(hashes=hashes)


def with_policy(page: str, allowed: frozenset[str]) -> str:
    """The page with its policy as the first thing after its character set (before any script)."""
    page = EXISTING_POLICY.sub("", page)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy_for(page, allowed)}">\n'
    charset = CHARSET.search(page)
    if charset:
        return page[: charset.end()] + meta + page[charset.end() :]
    head = re.search(r"<head\b[^>]*>\n?", page, re.IGNORECASE)
    position = head.end() if head else 0
    return page[:position] + meta + page[position:]


_STARTED: weakref.WeakKeyDictionary[Sphinx, int] = weakref.WeakKeyDictionary()

MARGIN_NS = 2_000_000_000
"""Pages written up to this long before the build started are set again (file times can be coarse)."""


def note_start(app: Sphinx) -> None:
    """Remember when the build started: pages older than that were set by an earlier build."""
    _STARTED[app] = time.time_ns()


def add_policy(app: Sphinx, exception: Exception | None) -> None:
    """Set the policy on every page this build wrote.

    An incremental build starts from the last site (linked or copied, file times kept), whose
    pages all carry their policy already: only pages written since this build started are read and set.
    """
    if exception is not None or app.builder.format != "html" or app.builder.name.startswith("epub"):
        return
    since = _STARTED.get(app, 0) - MARGIN_NS
    allowed = template_scripts(list(getattr(app.builder.templates, "pathchain", [])))
    written = [
        Path(entry.path)
        for relative, entry in site_files(str(app.outdir))
        if relative.endswith(".html") and entry.stat().st_mtime_ns >= since
    ]  # listed first: pages are replaced below
    for page in written:
        text = page.read_text(encoding="utf-8")
        secured = with_policy(text, allowed)
        if secured != text:
            write_new(page, secured)


def setup(app: Sphinx) -> dict[str, Any]:
    # After every other step that writes pages (the redirect stubs, the link rewriting).
    app.connect("builder-inited", note_start)
    app.connect("build-finished", add_policy, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
