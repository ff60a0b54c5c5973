# A page whose directive makes nodes without a source, as the glossaries do (deferred_node_xml).
from docutils import nodes
from sphinx.util.docutils import SphinxDirective

extensions = ["myst_parser", "dialogue_edition.sphinxext.deferred_node_xml"]
nitpicky = True


class GeneratedEntries(SphinxDirective):
    """A section, its title, a rubric and a field made in code: Sphinx patches each and logs it."""

    def run(self) -> list[nodes.Node]:
        """One section of generated content, as a glossary makes."""
        section = nodes.section("", ids=["generated"])
        section += nodes.title("", "Generated entries")
        section += nodes.rubric("", "A rubric")
        fields = nodes.field_list()
        fields += nodes.field("", nodes.field_name("", "Post"), nodes.field_body("", nodes.paragraph("", "Chair")))
        section += fields
        return [section]


def setup(app):
    app.add_directive("generated-entries", GeneratedEntries)
