"""The ``data/`` download of the web site, and its data dictionary.

When the site is written, ``data/`` gets each table of ``dialogue_edition.open_data`` as CSV and
JSON, a JSON Schema beside each JSON file, and ``datapackage.json`` (Frictionless) describing the
CSV files: from the registry and the mentions the build collected, nothing written twice.
``{data-dictionary}`` renders the tables' fields on a page, from the same descriptions.
"""

from __future__ import annotations

import functools
import hashlib
import json
import marshal
from collections.abc import Callable
from dataclasses import fields
from operator import attrgetter
from pathlib import Path
from typing import Any, cast

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinxcontrib.bibtex.domain import BibtexDomain

from ..code_version import code_digest
from ..open_data import TABLES, MentionRow, Table, datapackage, json_schema, rows, to_csv, to_json
from .cite import citable_paragraphs, page_url, report_slug
from .jsonld import Describer
from .mentions.domain import ForumDomain, Mention
from .reading_order import reading_positions

FOLDER = "data"


def mention_rows(app: Sphinx) -> list[MentionRow]:
    """Every mention the build recorded, in the site's reading order.

    A paragraph is the report's own only on a report's part pages and outside editorial notes;
    landing pages and the site's other pages are the editors'.
    """
    domain = cast(ForumDomain, app.env.get_domain("forum"))
    order = reading_positions(app)
    citable = citable_paragraphs(app.env)
    found = []
    for docname, mentions in domain.data["mentions"].items():
        slug = report_slug(docname)
        blocks = {number: (anchor, editorial) for number, anchor, editorial in citable.get(docname, [])}
        part_page = slug is not None and not docname.endswith("/index")
        url = page_url(app, docname)  # once a page: 19,482 mentions on 1,206 pages at 200 reports
        for mention in mentions:
            cite_anchor, cite_editorial = blocks.get(mention.paragraph, ("", True))
            editorial = mention.editorial or not part_page or cite_editorial
            # An editorial note's paragraph has no anchor of the mentions' own: the cite anchor, if any.
            anchor = mention.anchor or cite_anchor
            found.append(
                MentionRow(
                    kind=mention.kind,
                    entity_id=mention.entity,
                    report=slug,
                    page=docname,
                    paragraph_anchor=anchor,
                    paragraph_number=mention.paragraph,
                    editorial=editorial,
                    url=url + (f"#{anchor}" if anchor else ""),
                )
            )
    return sorted(found, key=lambda m: (order.get(m.page, len(order)), m.page, m.paragraph_number, m.kind, m.entity_id))


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_data(app: Sphinx, exception: Exception | None) -> None:
    """Write ``data/`` into the finished web site, unless it holds these very files already.

    Writing the tables takes 0.2 s at 200 reports, and even working out their rows 0.09 s; an
    edit of a paragraph rarely changes them. So what the rows are worked out from is digested
    first (:func:`inputs_digest`), and when the digest is the one of the build that wrote the
    files the site starts from (``DIGEST_FILE``), they stay as they are.
    """
    if exception is not None or app.builder.name != "html":
        return
    site = app.config.html_baseurl
    package = datapackage(app.config.project, site, app.config.release or app.config.version)
    folder = Path(app.outdir) / FOLDER
    digest = inputs_digest(app, package)
    if _written_already(app, [folder / name for name in file_names()], digest):
        return
    describer = Describer(app)
    tables = rows(describer.registry, mention_rows(app), describer.entity_id)
    for name, text in data_files(tables, package, site).items():
        _write(folder / name, text())
    _write(Path(app.doctreedir) / DIGEST_FILE, digest)


def file_names() -> list[str]:
    """The files of ``data/``: each table's CSV, JSON and JSON Schema, and the descriptor."""
    return [f"{table.name}.{suffix}" for table in TABLES for suffix in SUFFIXES] + [DESCRIPTOR]


SUFFIXES = ("csv", "json", "schema.json")
DESCRIPTOR = "datapackage.json"


def data_files(
    tables: dict[str, list[dict[str, Any]]], package: dict[str, Any], site: str
) -> dict[str, Callable[[], str]]:
    """Each file of ``data/`` by name (:func:`file_names`), and what writes its text (called when it is written)."""
    files: dict[str, Callable[[], str]] = {}
    for table in TABLES:
        files[f"{table.name}.csv"] = functools.partial(to_csv, table, tables[table.name])
        files[f"{table.name}.json"] = functools.partial(to_json, tables[table.name])
        files[f"{table.name}.schema.json"] = functools.partial(_json_text, json_schema(table, site))
    files[DESCRIPTOR] = functools.partial(_json_text, package)
    return files


def _json_text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1) + "\n"


DIGEST_FILE = "edition-open-data.digest"
"""In the builder's doctree folder: the digest of what the site's ``data/`` was last written from."""


def inputs_digest(app: Sphinx, package: dict[str, Any]) -> str:
    """A digest of everything ``data/`` is written from, none of its rows worked out.

    The code; the registry (its files' digest); the descriptor ``package`` and the site's
    address; the pages in reading order; each page's address, mentions and citable paragraphs
    (:func:`mention_rows`); every glossary entry's and agreement's place (``Describer.entity_id``).
    Pages come in the order of their names: the environment's order differs between a clean
    build and an edit, the rows' does not.
    """
    env = app.env
    domain = cast(ForumDomain, env.get_domain("forum"))
    citable = citable_paragraphs(env)
    citations = cast(BibtexDomain, env.get_domain("cite")).citations
    pages = [
        (docname, page_url(app, docname), [MENTION_FIELDS(mention) for mention in mentions], citable.get(docname))
        for docname, mentions in sorted(domain.data["mentions"].items())
    ]
    return plain_digest(
        [
            code_digest(),
            domain.registry.digest,
            package,
            app.config.html_baseurl,
            list(reading_positions(app)),
            pages,
            sorted(domain.data["objects"].items()),
            [(citation.key, citation.bibliography_key.docname, citation.citation_id) for citation in citations],
        ]
    )


MENTION_FIELDS = attrgetter(*(field.name for field in fields(Mention)))
"""A mention's fields, as a tuple."""


def plain_digest(data: list[Any]) -> str:
    """A digest of plain values (text, numbers, booleans, none in lists, tuples and dictionaries).

    Marshal's format 0 writes equal values as the same bytes, in a third of JSON's time. A
    pickle, or marshal's later formats, would not: they write an object met twice as a
    reference, and which equal strings are one object differs from build to build.
    """
    try:
        written = marshal.dumps(data, 0)
    except ValueError:  # a value marshal cannot write (a subclass of str, say): JSON can
        written = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(written).hexdigest()


def _written_already(app: Sphinx, files: list[Path], digest: str) -> bool:
    """Whether ``files`` are all there, written from data with this digest.

    Only in a build that kept Sphinx's last environment: ``dialogue_edition.build`` starts with
    a fresh one after any build that did not place its outputs (``-E``), so that the digest file
    can only describe the files of the site the build started from.
    """
    if app.fresh_env_used:
        return False
    try:
        recorded = (Path(app.doctreedir) / DIGEST_FILE).read_text(encoding="utf-8")
    except OSError:
        return False
    return recorded == digest and all(path.is_file() for path in files)


class DataDictionaryDirective(SphinxDirective):
    """``{data-dictionary}``: one section per table, its files and a table of its fields."""

    def run(self) -> list[nodes.Node]:
        # Relative to the page (the site's pages are ``<docname>.html``): a copy of the site, or
        # one read offline, serves its own files, not the published site's.
        folder = "../" * self.env.docname.count("/") + FOLDER
        package = f"{folder}/datapackage.json"
        result: list[nodes.Node] = [
            nodes.paragraph(
                "",
                "",
                nodes.Text("The Data Package descriptor: "),
                nodes.reference("datapackage.json", "datapackage.json", refuri=package),
                nodes.Text("."),
            )
        ]
        for table in TABLES:
            section = nodes.section(ids=[f"data-{table.name}"])
            section += nodes.title(table.title, table.title)
            files: list[nodes.Node] = [nodes.Text(f"{table.description} Files: ")]
            for index, suffix in enumerate(("csv", "json", "schema.json")):
                name = f"{table.name}.{suffix}"
                files += [
                    nodes.Text(", " if index else ""),
                    nodes.reference(name, name, refuri=f"{folder}/{name}"),
                ]
            files.append(nodes.Text("."))
            section += nodes.paragraph("", "", *files)
            section += self.fields(table)
            result.append(section)
        return result

    def fields(self, table: Table) -> nodes.definition_list:
        """The table's fields: name, type, whether always filled, meaning (a list reads on a phone)."""
        fields = nodes.definition_list(classes=["data-fields"])
        for column in table.columns:
            kind = f" ({column.type}{', always filled' if column.required else ''})"
            term = nodes.term("", "", nodes.literal(column.name, column.name), nodes.Text(kind))
            definition = nodes.definition("", nodes.paragraph(column.description, column.description))
            fields += nodes.definition_list_item("", term, definition)
        return fields


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("dialogue_edition.sphinxext.cite")
    app.add_directive("data-dictionary", DataDictionaryDirective)
    app.connect("build-finished", write_data)
    reading_positions.setup(app)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
