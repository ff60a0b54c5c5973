"""Declared redirects (``docs/redirects.yaml``): old site addresses and where they live now.

The Sphinx extension ``sphinxext.redirects`` builds them; the permalink check accepts a missing
address only when it is redirected here.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from .data_files import load_model

SITE_PATH = r"^[a-z0-9][a-z0-9/_.-]*\.html(#[A-Za-z0-9_.:-]+)?$"


class Redirect(BaseModel):
    """One old address (``page.html`` or ``page.html#anchor``) and where it lives now."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    old: str = Field(alias="from", pattern=SITE_PATH)
    new: str = Field(alias="to", pattern=SITE_PATH)
    reason: str = Field(min_length=1)


class RedirectsFile(BaseModel):
    """The file: a list of redirects (empty while nothing has moved)."""

    model_config = ConfigDict(extra="forbid")

    redirects: list[Redirect] = Field(default_factory=list)


def load_redirects(path: Path) -> list[Redirect]:
    """The declared redirects; a missing file declares none."""
    return load_model(path, RedirectsFile).redirects if path.exists() else []
