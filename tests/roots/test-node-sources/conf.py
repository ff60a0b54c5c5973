# A page whose directive generates nodes without positions, as the glossaries do (node_sources).
from docutils import nodes
from sphinx.util.docutils import SphinxDirective

extensions = ["myst_parser", "dialogue_edition.sphinxext.node_sources"]
nitpicky = True


class GeneratedEntries(SphinxDirective):
    """Sections, titles, fields and a rubric made in code: no node has a source or a line."""

    def run(self) -> list[nodes.Node]:
        """One section of generated content, as a glossary makes."""
        section = nodes.section("", ids=["generated"])
        section += nodes.title("", "Generated entries")
        section += nodes.rubric("", "A rubric")
        fields = nodes.field_list()
        fields += nodes.field("", nodes.field_name("", "Post"), nodes.field_body("", nodes.paragraph("", "Chair")))
        section += fields
        section += nodes.paragraph("", "", nodes.Text("A paragraph with "), nodes.emphasis("", "emphasis"))
        return [section]


def setup(app):
    app.add_directive("generated-entries", GeneratedEntries)
