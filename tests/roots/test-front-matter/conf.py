extensions = ["myst_parser", "dialogue_edition.sphinxext.safety"]
myst_disable_syntax = ["html_block", "html_inline"]
