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

The policy is set on each page as Sphinx renders it, so that the page is written once, whole
(the search index reads it as it is written: ``sphinxext.search_ahead``); once the pages are
written, every other page this build wrote (the redirect stubs, whatever another writer made)
gets it too, so that it covers every page whoever wrote it.
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
from sphinx.builders.html import StandaloneHTMLBuilder

from .staged_site import page_in_site, site_files, write_new

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
_RENDERED: set[str] = set()
"""The pages this process rendered with their policy in this build (their paths in the site, ``/``-separated)."""

MARGIN_NS = 2_000_000_000
"""Pages written up to this long before the build started are set again (file times can be coarse)."""


def note_start(app: Sphinx) -> None:
    """Remember when the build started: pages older than that were set by an earlier build."""
    _STARTED[app] = time.time_ns()
    _RENDERED.clear()


def _writes_web_pages(app: Sphinx) -> bool:
    """Whether the builder writes pages a browser opens: any HTML builder but the EPUB's.

    Broader than ``staged_site.site_builder`` (``edition-build``'s site alone): a ``dirhtml`` or
    ``singlehtml`` build of the project carries the policy too.
    """
    return bool(app.builder.format == "html" and not app.builder.name.startswith("epub"))


def secure_rendered_pages(app: Sphinx) -> None:
    """Have every HTML page carry its policy as Sphinx renders it (before it is written).

    Sphinx renders a page's template into text and writes that text: the builder's template
    renderer is wrapped. Other templates it renders (a static file's ``*_t``) are left as they are.
    """
    builder = app.builder
    if not _writes_web_pages(app) or not isinstance(builder, StandaloneHTMLBuilder):
        return
    templates = builder.templates
    allowed = template_scripts(list(getattr(templates, "pathchain", [])))
    render = templates.render

    def render_secured(template: str, context: dict[str, Any]) -> str:
        page = str(render(template, context))
        if not template.endswith(".html"):
            return page
        _RENDERED.add(page_in_site(builder, str(context.get("pagename", ""))))
        # Line ends as a page read back and set at the end always had them (Python's universal
        # newlines): a carriage return from the data ends a line, as before.
        return with_policy(page.replace("\r\n", "\n").replace("\r", "\n"), allowed)

    setattr(templates, "render", render_secured)  # noqa: B010


HEAD_BYTES = 4096
"""How much of a page's start holds its policy (right after its character set, at its top)."""


def _begins_secured(path: str) -> bool:
    """Whether the page at ``path`` starts with a policy, as rendering sets it.

    Another writer may have replaced a rendered page since (none of the edition's does): its
    page is set again.
    """
    with Path(path).open("rb") as page:
        return EXISTING_POLICY.search(page.read(HEAD_BYTES).decode("utf-8", "replace")) is not None


def add_policy(app: Sphinx, exception: Exception | None) -> None:
    """Set the policy on every page this build wrote and did not render here (:func:`secure_rendered_pages`).

    An incremental build starts from the last site (linked or copied, file times kept), whose
    pages all carry their policy already: only pages written since this build started are read
    and set. A page another process rendered (Sphinx's parallel writers) is read and found set.
    """
    if exception is not None or not _writes_web_pages(app):
        return
    since = _STARTED.get(app, 0) - MARGIN_NS
    allowed = template_scripts(list(getattr(app.builder.templates, "pathchain", [])))
    written = [
        Path(entry.path)
        for relative, entry in site_files(str(app.outdir))
        if relative.endswith(".html")
        and entry.stat().st_mtime_ns >= since
        and not (relative in _RENDERED and _begins_secured(entry.path))
    ]  # listed first: pages are replaced below
    for page in written:
        text = page.read_text(encoding="utf-8")
        secured = with_policy(text, allowed)
        if secured != text:
            write_new(page, secured)


def setup(app: Sphinx) -> dict[str, Any]:
    # After every other step that writes pages (the redirect stubs, the link rewriting).
    app.connect("builder-inited", note_start)
    app.connect("builder-inited", secure_rendered_pages)
    app.connect("build-finished", add_policy, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
