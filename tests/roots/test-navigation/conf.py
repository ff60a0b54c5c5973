# A site whose toctrees do what the edition's do not yet: captions, links, generated pages, four
# levels, a page in two branches, titles with markup, ampersands and quotes, orphans in folders.
extensions = ["myst_parser", "dialogue_edition.sphinxext.navigation"]
html_theme = "furo"
# Every page's sidebar is built both ways (once per site, and by Sphinx and Furo for the page);
# a difference fails the build.
edition_navigation_check = True
