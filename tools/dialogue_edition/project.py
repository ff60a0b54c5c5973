"""Which edition project a command works on: ``--project DIR``, else the current folder's.

The commands (``edition-build``, ``edition-import``, ...) may be installed anywhere (``pip install
.`` puts them in a virtual environment far from the checkout), so the project is never found from
where the code lies: it is the folder given with ``--project``, or else the current folder or the
nearest folder above it that holds an edition (``docs/conf.py`` and ``source_reports/``), the way
git finds its repository.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from urllib.parse import urlsplit

from .errors import InputError

MARKERS = (Path("docs") / "conf.py", Path("source_reports"))
"""What an edition project's folder holds."""


def is_project(folder: Path) -> bool:
    """Whether ``folder`` holds an edition project."""
    return all((folder / marker).exists() for marker in MARKERS)


def find_project(start: Path | None = None) -> Path:
    """The project holding ``start`` (default: the current folder), searched upwards."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if is_project(folder):
            return folder
    raise InputError(
        here, None, "no edition project here or above (no docs/conf.py and source_reports/): pass --project DIR"
    )


def add_project_option(parser: argparse.ArgumentParser) -> None:
    """The ``--project`` option every command takes."""
    parser.add_argument(
        "--project",
        type=Path,
        help="the edition project's folder (default: the current folder, or the nearest above it that holds one)",
    )


def project_of(option: Path | None) -> Path:
    """The project named by ``--project`` (each command names what it lacks), else the current one."""
    return find_project() if option is None else option.resolve()


SITE_ADDRESSES = ("Homepage", "Repository")
"""``[project.urls]`` of ``pyproject.toml`` that the site is built from: its canonical address (every
page's ``<link rel="canonical">``, its social previews and linked data, the references' URLs) and
the repository ("report an error")."""


def check_site_addresses(pyproject: Path) -> None:
    """Each of :data:`SITE_ADDRESSES` is a plain ``https://`` address; else an InputError at its line.

    They are written into every page and reference: a ``javascript:`` address, or one with quotes
    or spaces, would be a link that runs script or breaks out of the attribute it is written in.
    """
    import tomllib

    if not pyproject.is_file():
        return  # no project file, no address (a tool's test project; conf.py reads it otherwise)
    text = pyproject.read_text(encoding="utf-8")
    urls = tomllib.loads(text).get("project", {}).get("urls", {})
    for name in SITE_ADDRESSES:
        value = urls.get(name) if isinstance(urls, dict) else None
        if not (isinstance(value, str) and _plain_address(value)):
            line = next((n for n, row in enumerate(text.splitlines(), 1) if row.strip().startswith(name)), None)
            rule = "a plain https:// address of the site (a host and a path: no user, query, fragment or '..')"
            raise InputError(pyproject, line, f"[project.urls] {name} must be {rule}, not {value!r}")


def _plain_address(value: str) -> bool:
    """An ``https://`` address of a site, written plainly: a host, a path, nothing else.

    No user or password, port that is no port, query or fragment (pages' addresses are made by
    appending to it), no ``.`` or ``..`` step, and none of the characters that would end an
    attribute or a Markdown link, or that Furo's ``str.format`` reads (braces).
    """
    if not value.isprintable() or set(value) & set(" \"'<>\\`{}|^?#%"):
        return False
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018  # raises ValueError for a port that is out of range or not a number
    except ValueError:
        return False
    path = parts.path or "/"
    steps = path.split("/")
    return (
        parts.scheme == "https"
        and bool(parts.hostname)
        and "@" not in parts.netloc
        and "." not in steps
        and ".." not in steps
        and "" not in steps[1:-1]
    )
