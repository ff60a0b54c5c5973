# Open Graph previews as the edition configures them: text only, no social cards.
extensions = ["dialogue_edition.sphinxext.social_previews"]
ogp_site_url = "https://example.org/edition/"
ogp_social_cards = {"enable": False}
