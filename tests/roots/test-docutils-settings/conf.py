# Two pages read with settings made once (dialogue_edition.docutils_settings): one includes a file.
extensions = ["myst_parser"]
nitpicky = True
