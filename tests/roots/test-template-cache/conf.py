# A Furo site whose compiled templates are kept between builds (template_cache).
extensions = ["myst_parser", "dialogue_edition.sphinxext.template_cache"]
html_theme = "furo"
