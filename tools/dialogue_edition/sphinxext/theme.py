"""The edition's page template on top of Furo.

Downloads in the announcement bar, and a link to report an error at the foot of every page.

The template (``templates/page.html``) reads what ``downloads`` and ``contributing`` put in each
page's context; one template, because Jinja lets a project override ``page.html`` only once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

TEMPLATES = Path(__file__).parent / "templates"


def use_template(app: Sphinx, config: Config) -> None:
    """Add the template folder and switch Furo's announcement bar on (its content is ours)."""
    config.templates_path = [*config.templates_path, str(TEMPLATES)]
    config.html_theme_options = {"announcement": "downloads", **config.html_theme_options}


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", use_template)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
