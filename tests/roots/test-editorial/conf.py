extensions = ["myst_parser", "dialogue_edition.sphinxext.editorial", "dialogue_edition.sphinxext.missing_photo"]
nitpicky = True
