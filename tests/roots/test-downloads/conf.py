extensions = ["dialogue_edition.sphinxext.theme", "dialogue_edition.sphinxext.downloads"]
html_theme = "furo"
edition_downloads = ["report.pdf", "report.epub"]
