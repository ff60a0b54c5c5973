"""Declared redirects (``docs/redirects.yaml``): old site addresses and where they live now.

The Sphinx extension ``sphinxext.redirects`` builds them; the permalink check accepts a missing
address only when it is redirected here.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from .data_files import line_in, load_model
from .errors import InputError

PAGE_SUFFIXES = (".md", ".rst")
GENERATED_PAGES = frozenset({"search.html", "genindex.html", "404.html", "py-modindex.html"})
"""Pages the build writes from no source page (Sphinx's search and index, the 404 page): a stub
written over one would take it from the site (the search page, say)."""
BUILD_FOLDERS = ("_", "pagefind/", "cite/", "data/")
"""Folders of the site that hold what the build writes beside the pages (static files, sources,
images, the search index, the Cite panel's data, the open data): no page of a reader's lives there."""
SITE_PATH = r"^[a-z0-9][a-z0-9/_.-]*\.html(#[A-Za-z0-9_.:-]+)?$"


def _normal(address: str) -> str:
    """An address of the site as written once: no ``.``, ``..`` or empty steps, nothing outside the site."""
    page = address.partition("#")[0]
    normal = posixpath.normpath(page)
    if normal != page or normal.startswith("../") or any(step in {".", ".."} for step in page.split("/")):
        raise ValueError("must be a page of the site written plainly (no '.', '..' or '//' steps)")
    return address


class Redirect(BaseModel):
    """One old address (``page.html`` or ``page.html#anchor``) and where it lives now."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)

    old: Annotated[str, Field(alias="from", pattern=SITE_PATH), AfterValidator(_normal)]
    new: Annotated[str, Field(alias="to", pattern=SITE_PATH), AfterValidator(_normal)]
    reason: str = Field(min_length=1)

    @property
    def old_page(self) -> str:
        """The old address without its anchor: the page a stub is written to, if it has no anchor."""
        return self.old.partition("#")[0]


class RedirectsFile(BaseModel):
    """The file: a list of redirects (empty while nothing has moved)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    redirects: list[Redirect] = Field(default_factory=list)


def load_redirects(path: Path) -> list[Redirect]:
    """The declared redirects, checked against the pages beside the file; a missing file declares none.

    A redirect never replaces a page that exists (its stub would overwrite it), and redirects
    form no cycle (a reader would be sent round for ever).
    """
    if not path.exists():
        return []
    redirects = list(load_model(path, RedirectsFile).redirects)  # a copy: the model is shared (load_model)
    docs = path.parent
    for index, item in enumerate(redirects):
        page = docs / item.old_page.removesuffix(".html")
        written = item.old_page in GENERATED_PAGES or item.old_page.startswith(BUILD_FOLDERS)
        if "#" not in item.old and (written or any(page.with_suffix(suffix).exists() for suffix in PAGE_SUFFIXES)):
            raise InputError(
                path,
                line_in(path, ("redirects", index, "from")),
                f"{item.old} is a page of the site: a redirect would replace it",
            )
    targets = {item.old: (index, item.new) for index, item in enumerate(redirects)}
    for start, (index, _) in targets.items():
        seen, address = [start], start
        while address in targets:
            address = targets[address][1]
            if address in seen:
                raise InputError(
                    path,
                    line_in(path, ("redirects", index, "from")),
                    "redirects go round in a cycle: " + " -> ".join([*seen[seen.index(address) :], address]),
                )
            seen.append(address)
    return redirects
