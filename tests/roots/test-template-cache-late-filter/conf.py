# A site whose page template uses a filter an extension adds after the templates were compiled
# ahead (template_cache): a filter that takes the context, which Jinja compiles into the call.
from jinja2 import pass_context
from jinja2.runtime import Context

extensions = ["myst_parser", "dialogue_edition.sphinxext.template_cache"]
html_theme = "basic"
templates_path = ["_templates"]


@pass_context
def page_of(context: Context, value: str) -> str:
    """The value, with the name of the page it is on."""
    return f"{value} on {context['pagename']}"


def add_late_filter(app: object) -> None:
    """Add the filter after the child forked to compile ahead (priority 550)."""
    app.builder.templates.environment.filters["page_of"] = page_of  # type: ignore[attr-defined]


def load_page_template_early(app: object) -> None:
    """With ``template_loaded_early``: load the page template before the filter is there (kept in memory)."""
    if app.config.template_loaded_early:  # type: ignore[attr-defined]
        app.builder.templates.environment.get_template("page.html")  # type: ignore[attr-defined]


def setup(app: object) -> None:
    app.add_config_value("template_loaded_early", False, "")  # type: ignore[attr-defined]
    app.connect("builder-inited", load_page_template_early, priority=800)  # type: ignore[attr-defined]
    app.connect("builder-inited", add_late_filter, priority=900)  # type: ignore[attr-defined]
