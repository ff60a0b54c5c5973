extensions = ["dialogue_edition.sphinxext.theme", "dialogue_edition.sphinxext.downloads"]
html_theme = "furo"
edition_downloads = [
    {"title": "The report in sub/", "label": "This report", "files": ["report.pdf"], "scope": "sub/"},
    {"title": "The whole site", "label": "All reports", "files": ["report.epub"]},
]
