extensions = ["myst_parser", "dialogue_edition.sphinxext.long_words"]
nitpicky = True
latex_engine = "xelatex"
latex_documents = [("index", "long-words.tex", "Long words", "Editors", "howto")]
