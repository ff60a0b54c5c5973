"""Internal links of the three editions: every local target and every ``#fragment`` must exist."""

from __future__ import annotations

import posixpath
import tomllib
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import html as lxml_html
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

LINK_ATTRIBUTES = {"a": "href", "link": "href", "img": "src", "script": "src", "source": "src", "area": "href"}


def _ids(document: lxml_html.HtmlElement) -> set[str]:
    return {element.get("id") for element in document.iter() if isinstance(element.tag, str) and element.get("id")} | {
        element.get("name") for element in document.iter("a") if element.get("name")
    }


def _links(document: lxml_html.HtmlElement) -> Iterable[str]:
    for tag, attribute in LINK_ATTRIBUTES.items():
        for element in document.iter(tag):
            value = element.get(attribute)
            if value is not None:
                yield value


def site_prefix(project_root: Path) -> str:
    """The path at which the site is published (``/reports-edition/``), from pyproject.toml.

    Pages such as the 404 page link from the server's root, through this prefix.
    """
    homepage = tomllib.loads((project_root / "pyproject.toml").read_text())["project"]["urls"]["Homepage"]
    return urlsplit(homepage).path or "/"


def link_target(page: str, link_path: str, prefix: str = "/") -> str | None:
    """The site file a link's path points at (None: outside the site's folder)."""
    if not link_path:
        return page
    if link_path.startswith("/"):
        if not link_path.startswith(prefix):
            return None
        return posixpath.normpath(unquote(link_path.removeprefix(prefix)) or "index.html")
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(link_path)))


def check_pages(pages: dict[str, bytes], exists: Callable[[str], bool], prefix: str = "/") -> list[str]:
    """Problems with the local links of ``pages`` (path to bytes) within one site or book.

    A link from the server's root (``/prefix/page.html``) is resolved through ``prefix``.
    """
    parsed = {path: lxml_html.fromstring(content) for path, content in pages.items()}
    id_cache = {path: _ids(document) for path, document in parsed.items()}
    problems = []
    for path, document in parsed.items():
        for link in _links(document):
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "data:")):
                continue
            target = link_target(path, parts.path, prefix)
            if target is None:
                problems.append(f"{path}: link {link!r} leaves the site's folder {prefix}")
            elif not exists(target):
                problems.append(f"{path}: link {link!r} points at {target}, which does not exist")
            elif parts.fragment and target in id_cache and unquote(parts.fragment) not in id_cache[target]:
                problems.append(f"{path}: link {link!r}: {target} has no element with id {parts.fragment!r}")
    return problems


def html_site_problems(site: Path, prefix: str = "/") -> list[str]:
    """Broken local links and fragments in a built HTML site published at ``prefix``."""
    pages = {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*.html"))}
    return check_pages(pages, lambda target: (site / target).exists(), prefix)


def epub_problems(epub: Path) -> list[str]:
    """Broken internal links and fragments in an EPUB's XHTML documents."""
    with zipfile.ZipFile(epub) as archive:
        names = set(archive.namelist())
        pages = {name: archive.read(name) for name in sorted(names) if name.endswith((".xhtml", ".html"))}
    return check_pages(pages, lambda target: target in names)


def _resolve(value: object) -> object:
    return value.get_object() if isinstance(value, IndirectObject) else value


def pdf_problems(pdf: Path) -> list[str]:
    """Link annotations of a PDF whose destination is missing or not a page of the document."""
    reader = PdfReader(pdf)
    named = reader.named_destinations
    page_ids = {page.indirect_reference.idnum for page in reader.pages if page.indirect_reference}
    problems = []
    for number, page in enumerate(reader.pages, start=1):
        for annotation in (_resolve(item) for item in page.get("/Annots", []) or []):
            if not isinstance(annotation, DictionaryObject) or annotation.get("/Subtype") != "/Link":
                continue
            action = _resolve(annotation.get("/A"))
            action = action if isinstance(action, DictionaryObject) else DictionaryObject()
            if action.get("/S") == "/URI":
                continue
            destination = _resolve(annotation.get("/Dest", action.get("/D")))
            if isinstance(destination, str) or hasattr(destination, "decode"):
                if str(destination) not in named:
                    problems.append(f"page {number}: link to named destination {destination!r}, which does not exist")
            elif isinstance(destination, ArrayObject) and destination:
                target = destination[0]
                if not (isinstance(target, IndirectObject) and target.idnum in page_ids):
                    problems.append(f"page {number}: link to {destination!r}, which is not a page")
            else:
                problems.append(f"page {number}: internal link without a destination")
    return problems
