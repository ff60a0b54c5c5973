# Pages the search index reads as Sphinx writes them (search_ahead), each carrying its content
# policy from the moment it is rendered (content_security).
from pathlib import Path

extensions = [
    "myst_parser",
    "dialogue_edition.sphinxext.content_security",
    "dialogue_edition.sphinxext.search_ahead",
]
html_theme = "furo"
# What edition-build sets: the site is indexed after the build, which takes what was read ahead.
edition_search_ahead = True
# A test sets this to have another writer replace a rendered page and add a page of its own.
edition_test_other_writer = False


def write_other_pages(app, exception):
    """Another writer, after Sphinx: one rendered page replaced, one page added (neither with a policy)."""
    if exception is None and app.config.edition_test_other_writer:
        head = '<meta charset="utf-8">\n<script>alert(1)</script>'
        page = f"<!DOCTYPE html>\n<html><head>{head}</head><body></body></html>\n"
        (Path(app.outdir) / "second.html").write_text(page, encoding="utf-8")
        (Path(app.outdir) / "added.html").write_text(page, encoding="utf-8")


# A test sets this to have the theme's pages come with carriage returns (as data may hold them).
edition_test_carriage_returns = False


def render_with_carriage_returns(app):
    """Before the policy wraps the renderer (500): every line of a page ends in CR LF, one in a CR alone."""
    if app.config.edition_test_carriage_returns:
        render = app.builder.templates.render

        def with_returns(template, context):
            return render(template, context).replace("\n", "\r\n").replace("</title>", "</title>\r", 1)

        app.builder.templates.render = with_returns


def setup(app):
    app.add_config_value("edition_test_other_writer", False, "html")
    app.add_config_value("edition_test_carriage_returns", False, "html")
    app.connect("builder-inited", render_with_carriage_returns, priority=400)
    # Before the policy is set on the pages this build wrote (900).
    app.connect("build-finished", write_other_pages, priority=850)
