extensions = ["myst_parser", "dialogue_edition.sphinxext.pdf_index"]
myst_enable_extensions = ["colon_fence"]
latex_documents = [("index", "index.tex", "Index entries", "Editors", "manual")]
nitpicky = True
