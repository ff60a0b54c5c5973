"""Open data: the data/ files validate, agree with each other and with the glossaries' "Mentioned in"."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import jsonschema
import pytest
from dialogue_edition.build import Layout
from dialogue_edition.open_data import TABLES, to_json
from dialogue_edition.registry import load_registry
from frictionless import Package
from lxml import html as lxml_html

GLOSSARIES = {"person": "people", "organisation": "organisations", "event": "timeline", "agreement": "agreements"}
ANCHOR = {"person": "person-", "organisation": "org-", "event": "event-", "agreement": "agreement-"}


def data_folder(layout: Layout) -> Path:
    return layout.build / "html" / "data"


def csv_rows(folder: Path, table: str) -> list[dict[str, str]]:
    with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(params=["editions", "two_reports"])
def layout(request: pytest.FixtureRequest) -> Layout:
    return request.getfixturevalue(request.param)


def test_the_data_package_is_valid(layout: Layout) -> None:
    package = Package(str(data_folder(layout) / "datapackage.json"))
    report = package.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert sorted(resource.name for resource in package.resources) == sorted(table.name for table in TABLES)


def test_a_row_breaking_its_schema_fails_the_data_package(editions: Layout, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    for path in data_folder(editions).iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    mentions = folder / "mentions.csv"
    lines = mentions.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",true,", ",maybe,").replace(",false,", ",maybe,")
    mentions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert not Package(str(folder / "datapackage.json")).validate().valid


def test_every_json_file_validates_against_its_schema_and_holds_the_csv_rows(layout: Layout) -> None:
    folder = data_folder(layout)
    for table in TABLES:
        schema = json.loads((folder / f"{table.name}.schema.json").read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        records = json.loads((folder / f"{table.name}.json").read_text(encoding="utf-8"))
        jsonschema.validate(records, schema, cls=jsonschema.Draft202012Validator)
        as_text = [
            {
                key: "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
                for key, value in record.items()
            }
            for record in records
        ]
        assert as_text == csv_rows(folder, table.name), table.name


def test_a_json_schema_catches_a_missing_field(editions: Layout) -> None:
    folder = data_folder(editions)
    schema = json.loads((folder / "people.schema.json").read_text(encoding="utf-8"))
    records = json.loads((folder / "people.json").read_text(encoding="utf-8"))
    del records[0]["name"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(records, schema)


def test_the_tables_hold_every_registry_entry(layout: Layout) -> None:
    registry = load_registry(layout.docs.parent / "registry")
    folder = data_folder(layout)
    assert [row["id"] for row in csv_rows(folder, "people")] == list(registry.people)
    assert [row["id"] for row in csv_rows(folder, "organisations")] == list(registry.organisations)
    assert [row["id"] for row in csv_rows(folder, "events")] == list(registry.events)
    assert [row["key"] for row in csv_rows(folder, "agreements")] == list(registry.agreements)
    positions = sum(len(event.positions) for person in registry.people.values() for event in person.events)
    assert len(csv_rows(folder, "positions")) == positions


def mentioned_in_counts(layout: Layout) -> Counter[tuple[str, str]]:
    """How many paragraphs each glossary entry's "Mentioned in" (or "Cited in") links to."""
    counts: Counter[tuple[str, str]] = Counter()
    for kind, page in GLOSSARIES.items():
        document = lxml_html.fromstring((layout.build / "html" / f"{page}.html").read_bytes())
        for entry in document.xpath(f"//*[starts-with(@id, '{ANCHOR[kind]}')]"):
            lists = entry.xpath(".//ul[contains(@class, 'mentioned-in')]")
            if lists:
                entity = entry.get("id").removeprefix(ANCHOR[kind])
                counts[kind, entity] = len(lists[0].xpath(".//a[contains(@class, 'paragraph-ref')]"))
    return counts


def test_mentions_equal_each_glossary_entrys_mentioned_in(layout: Layout) -> None:
    folder = data_folder(layout)
    rows = csv_rows(folder, "mentions")
    paragraphs: dict[tuple[str, str], set[tuple[str, str]]] = {}
    # "Mentioned in" lists the reports' own paragraphs only; the editors' are in the table, flagged.
    for row in rows:
        if row["editorial"] == "false":
            paragraphs.setdefault((row["kind"], row["entity_id"]), set()).add((row["page"], row["paragraph_anchor"]))
    # The timeline lists, under an event tied to an agreement, the agreement's citations too.
    for event in csv_rows(folder, "events"):
        if event["agreement_key"]:
            cited = paragraphs.get(("agreement", event["agreement_key"]), set())
            paragraphs[("event", event["id"])] = paragraphs.get(("event", event["id"]), set()) | cited
    table = Counter({key: len(found) for key, found in paragraphs.items()})
    glossaries = mentioned_in_counts(layout)
    assert glossaries, "no glossary entry found"
    assert table == glossaries


def test_each_mention_points_at_its_paragraph_and_says_whose_words_it_is(layout: Layout) -> None:
    site = layout.build / "html"
    rows = csv_rows(data_folder(layout), "mentions")
    documents: dict[str, lxml_html.HtmlElement] = {}
    for row in rows:
        page = row["page"]
        if page not in documents:
            documents[page] = lxml_html.fromstring((site / f"{page}.html").read_bytes())
        if not row["paragraph_anchor"]:
            # Only an editorial note may lack an anchor; its row then links the page.
            assert row["editorial"] == "true", row
            assert row["url"].endswith(f"{page}.html"), row
            continue
        found = documents[page].xpath(f"//*[@id='{row['paragraph_anchor']}']")
        assert found, row
        inside_editorial = bool(found[0].xpath("ancestor::*[contains(@class, 'editorial')]"))
        part_page = row["report"] != "" and not page.endswith("/index")
        assert row["editorial"] == ("false" if part_page and not inside_editorial else "true"), row
        assert row["url"].endswith(f"{page}.html#{row['paragraph_anchor']}")
    assert {row["editorial"] for row in rows} == {"true", "false"}


def test_the_data_dictionary_lists_every_field_of_every_table(editions: Layout) -> None:
    document = lxml_html.fromstring((editions.build / "html" / "data.html").read_bytes())
    for table in TABLES:
        section = document.xpath(f"//section[@id='data-{table.name}']")[0]
        names = [code.text_content().strip() for code in section.xpath(".//dl/dt/code")]
        assert names == [column.name for column in table.columns]
        # Each file linked is the site's own, where the page is read (not the published site's).
        links = section.xpath(".//p/a/@href")
        assert links == [f"data/{table.name}.{suffix}" for suffix in ("csv", "json", "schema.json")]
        assert all((editions.build / "html" / link).is_file() for link in links)
    assert document.xpath("//a[text()='datapackage.json']/@href") == ["data/datapackage.json"]


JSON_ROWS = [
    [],
    [{}],
    [{"name": "Ким", "note": None, "editorial": True, "paragraph": 3, "share": 0.5}],
    [{"text": 'a line\nbreak, "quotes", \\ and },\n  { inside a value'}, {"text": "</script>\u2028\x00"}],
    [{"a": 1}, {}],
    [{"forms": ["a", "b"]}, {"forms": []}],  # not all scalars: indent=1 itself
    [{"nested": {"key": "value"}}],
    ["not a row", {"a": 1}],
]


@pytest.mark.parametrize("rows", JSON_ROWS)
def test_the_tables_json_is_what_indent_1_writes(rows: list[dict[str, object]]) -> None:
    # to_json encodes flat rows in C and puts indent=1's line breaks in (open_data.to_json).
    assert to_json(rows) == json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
