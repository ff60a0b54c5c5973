from pathlib import Path

extensions = ["myst_parser", "dialogue_edition.sphinxext.mentions"]
edition_registry_dir = str(Path(__file__).parent / "registry")
nitpicky = True
