"""Declared redirects, so that a permalink never breaks silently.

``docs/redirects.yaml`` lists ``from``/``to`` pairs of site paths. A page that moved gets a small
HTML page at its old address that sends the reader on (``<meta http-equiv="refresh">`` and a
plain link); an anchor that moved within or across pages is sent on by ``redirects.js``. The
permalink test compares the built site with a committed baseline and accepts a missing address
only when it is redirected here.
"""

from __future__ import annotations

import html
import json
import posixpath
import shutil
import tempfile
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from ..errors import InputError
from ..redirects import Redirect, load_redirects
from .staged_site import write_new

logger = logging.getLogger(__name__)

SCRIPT = "redirects.js"


def stub_page(old: str, new: str) -> str:
    """The small page left at a moved page's old address."""
    target = html.escape(posixpath.relpath(new, posixpath.dirname(old) or "."), quote=True)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<title>Moved</title><link rel="canonical" href="{target}">'
        f'<meta http-equiv="refresh" content="0; url={target}"></head>'
        f'<body><p>This page has moved to <a href="{target}">{target}</a>.</p></body></html>\n'
    )


def anchor_script(redirects: list[Redirect]) -> str:
    """A script that sends a moved anchor (``page.html#old``) to its new address.

    It runs once the page is parsed (moving to an anchor before its element exists would not
    scroll there), again whenever the address's anchor changes, and takes a folder's address
    (``reports/x/``) for its ``index.html``, as the web server does.
    """
    table = {item.old: item.new for item in redirects if "#" in item.old}
    return (
        "// Generated from docs/redirects.yaml: anchors that moved.\n"
        f'"use strict";\n(() => {{\n  const moved = {json.dumps(table, sort_keys=True)};\n'
        '  const page = (url) => (url.pathname.endsWith("/") ? `${url.pathname}index.html` : url.pathname);\n'
        "  const follow = () => {\n"
        '    const root = document.documentElement.dataset.content_root || "";\n'
        "    const here = new URL(document.location.href);\n"
        "    for (const [old, now] of Object.entries(moved)) {\n"
        "      const url = new URL(old, new URL(root, here));\n"
        "      if (page(url) === page(here) && url.hash === here.hash) {\n"
        "        document.location.replace(new URL(now, new URL(root, here)).href);\n"
        "        return;\n"
        "      }\n"
        "    }\n"
        "  };\n"
        '  if (document.readyState === "loading") {\n'
        '    document.addEventListener("DOMContentLoaded", follow);\n'
        "  } else {\n"
        "    follow();\n"
        "  }\n"
        '  window.addEventListener("hashchange", follow);\n'
        "})();\n"
    )


def _redirects(app: Sphinx) -> list[Redirect]:
    """The declared redirects; a bad file is a warning at its line (an error under -W)."""
    path = Path(app.config.edition_redirects_file)
    try:
        return load_redirects(path)
    except InputError as error:
        logger.warning(error.message, location=f"{error.path}:{error.line or 0}")
        return []


def prepare_script(app: Sphinx, config: Config) -> None:
    """Write the anchor script where Sphinx copies static files from, before pages are written.

    Every page, in clean and incremental builds alike, then links it with its checksum.
    """
    # Outside the output folder (Sphinx refuses static paths inside it): the build's own staging
    # folder (edition-build passes it), else a new private temporary folder; never a folder whose
    # name others could guess and fill beforehand.
    if config.edition_scratch_dir:
        folder = Path(config.edition_scratch_dir) / "redirects"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    else:
        folder = Path(tempfile.mkdtemp(prefix="edition-redirects-"))
        # Gone when the build ends, however it ends: Sphinx has copied its static files by then.
        # (Every build without edition-build's folder, a book's among them, left one behind.)
        app.connect("build-finished", lambda _app, _exception: shutil.rmtree(folder, ignore_errors=True))
    (folder / SCRIPT).write_text(anchor_script(_redirects(app)), encoding="utf-8")
    config.html_static_path = [*config.html_static_path, str(folder)]


def write_stub_pages(app: Sphinx, exception: Exception | None) -> None:
    """Leave a small page at each moved page's old address in the finished HTML site."""
    if exception is not None or app.builder.name != "html":
        return
    outdir = Path(app.outdir).resolve()
    for item in _redirects(app):
        if "#" not in item.old:
            target = (outdir / item.old).resolve()
            if outdir not in target.parents:  # load_redirects refuses such addresses; never write outside
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            write_new(target, stub_page(item.old, item.new))


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("edition_redirects_file", "", "html", types=[str])
    app.add_config_value("edition_scratch_dir", "", "", types=[str])
    app.add_js_file(SCRIPT)
    app.connect("config-inited", prepare_script)
    app.connect("build-finished", write_stub_pages)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
