"""Build the HTML, PDF and EPUB editions: nitpicky, warnings as errors, and never half-written.

Each edition is built into ``build/.staging/`` and moved into place only when it is complete,
so a failed build leaves the last good editions in ``build/`` untouched. Run as
``python -m dialogue_edition.build {html,pdf,epub,all}`` (or the ``edition-build`` script).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO
from unittest import mock

import sphinx._cli.util.errors as sphinx_errors
from sphinx.cmd.build import build_main

from .check_data import check
from .errors import InputError
from .project import add_project_option, find_project, project_of
from .search import SearchIndexFailed, index_site

EDITIONS = ("epub", "pdf", "html")
"""Build order for ``all``: the HTML site carries the PDF and EPUB, so it comes last."""

TEX_PACKAGES = "latexmk texlive-xetex texlive-fonts-recommended fonts-freefont-otf"
TEX_COMMANDS = ("xelatex", "latexmk", "fc-list")
TEX_FONTS = ("FreeSerif", "FreeSans", "FreeMono")


class BuildFailed(Exception):
    """An edition could not be built; the message says why and what to do."""


@dataclass(frozen=True)
class Layout:
    """Where the sources are and where each edition, its caches and its logs go.

    ``draft`` builds the HTML site without requiring the PDF and EPUB downloads, for quick
    previews; the published site is never a draft.
    """

    docs: Path = Path("docs")
    build: Path = Path("build")
    draft: bool = False

    @property
    def staging(self) -> Path:
        """Scratch space for builds in progress, on the same file system as the outputs."""
        return self.build / ".staging"

    def doctrees(self, builder: str) -> Path:
        """Sphinx's pickled doctrees, kept outside the outputs for incremental builds."""
        return self.build / ".doctrees" / builder

    def log(self, name: str) -> Path:
        """A log file of the last build, kept for the tests and for people."""
        return self.build / "logs" / name


def copy_project(target: Path, source: Path | None = None) -> Path:
    """A copy of a project's sources (default: the current one's) to build elsewhere."""
    source = source or find_project()
    for name in ("docs", "source_reports", "registry"):
        shutil.copytree(source / name, target / name)
    shutil.copyfile(source / "pyproject.toml", target / "pyproject.toml")
    return target


def source_date_epoch(project: Path) -> str:
    """A fixed build time: the caller's ``SOURCE_DATE_EPOCH``, else the last commit's, else now."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        return os.environ["SOURCE_DATE_EPOCH"]
    try:
        result = subprocess.run(
            ["git", "log", "-1", "--format=%ct"], cwd=project, capture_output=True, text=True, check=True
        )
        return result.stdout.strip() or str(int(time.time()))
    except (OSError, subprocess.CalledProcessError):
        return str(int(time.time()))


def code_digest() -> str:
    """A digest of the pipeline's own code: Sphinx cannot tell when an extension changes."""
    package = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".html", ".css", ".js"}:
            digest.update(path.relative_to(package).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


CODE_STAMP = "code-digest"


@contextlib.contextmanager
def concise_errors(log: Path) -> Iterator[None]:
    """While Sphinx runs, report an exception that stops it in one line, the traceback in ``log``.

    Sphinx prints a full report with a traceback for any error, even a misspelt theme name;
    readers of this pipeline get the message, developers the traceback in the log file. Sphinx
    offers no setting for this (its own report, a page with versions, extensions and a traceback,
    is what tests/test_build_output.py shows), so its (private) error hook is replaced for the
    duration.
    """

    def report(exception: BaseException, /, *, stderr: TextIO = sys.stderr, **_: object) -> None:
        category = getattr(exception, "category", type(exception).__name__)
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text("".join(traceback.format_exception(exception)), encoding="utf-8")
        print(f"{category}: {exception}\n(details for developers: {log})", file=stderr)

    with mock.patch.object(sphinx_errors, "handle_exception", report):
        yield


def run_sphinx(builder: str, layout: Layout, outdir: Path, overrides: dict[str, str] | None = None) -> None:
    """One nitpicky Sphinx build with warnings as errors; the warnings also go to a log file."""
    warnings_log = layout.log(f"{builder}-warnings.log")
    warnings_log.parent.mkdir(parents=True, exist_ok=True)
    arguments = ["-b", builder, "-n", "-W", "--keep-going", "-q", "-j", "1"]
    stamp, current = layout.doctrees(builder) / CODE_STAMP, code_digest()
    if not stamp.exists() or stamp.read_text() != current:
        arguments.append("-E")
    arguments += ["-d", str(layout.doctrees(builder)), "-w", str(warnings_log)]
    for name, value in (overrides or {}).items():
        arguments += ["-D", f"{name}={value}"]
    with concise_errors(layout.log(f"{builder}-crash.log")):
        status = build_main([*arguments, str(layout.docs), str(outdir)])
    if status != 0:
        raise BuildFailed(f"Sphinx's {builder} builder reported errors (above; also in {warnings_log}).")
    stamp.write_text(current)


def place(staged: Path, final: Path) -> None:
    """Move a finished output into place, replacing the previous one only at the last moment."""
    final.parent.mkdir(parents=True, exist_ok=True)
    if staged.is_dir():
        retired = final.with_name(final.name + ".previous")
        shutil.rmtree(retired, ignore_errors=True)
        if final.exists():
            final.rename(retired)
        staged.rename(final)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        staged.replace(final)


def missing_tex_tools() -> list[str]:
    """The commands and fonts the PDF edition needs that this machine lacks."""
    missing = [command for command in TEX_COMMANDS if shutil.which(command) is None]
    if "fc-list" not in missing:
        families = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
        missing += [f"the {font} font" for font in TEX_FONTS if font not in families]
    return missing


def latex_errors(log: Path) -> str:
    """The error lines of a LaTeX log (``file:line: message`` with -file-line-error)."""
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines() if log.exists() else []
    errors = [line for line in lines if re.match(r"^(!|.*:\d+: )", line)]
    return "\n".join(errors[:10]) or "no error line found in the log"


LATEX_SILENT_FAULTS = (
    re.compile(r"Missing character: There is no .+? in font .+?!"),
    re.compile(r"(?:Hyper reference|Reference) `[^']*' on page \d+ undefined"),
)


def silent_faults(log: Path) -> list[str]:
    """What LaTeX only logs but must fail the PDF: missing glyphs and undefined references.

    The log wraps lines at 79 characters, so it is read as one line before matching.
    """
    text = log.read_text(encoding="utf-8", errors="replace").replace("\n", "") if log.exists() else ""
    return sorted({match for pattern in LATEX_SILENT_FAULTS for match in pattern.findall(text)})


def compile_latex(texdir: Path, layout: Layout) -> list[Path]:
    """Run latexmk (xelatex, per Sphinx's latexmkrc) on each document; return the PDFs."""
    pdfs = []
    for tex in sorted(texdir.glob("*.tex")):
        command = [
            "latexmk",
            "-pdf",
            "-dvi-",
            "-ps-",
            "-interaction=nonstopmode",
            "-halt-on-error",
            "-file-line-error",
            tex.name,
        ]
        result = subprocess.run(command, cwd=texdir, capture_output=True, text=True)
        log = tex.with_suffix(".log")
        for suffix in (".log", ".toc"):
            if tex.with_suffix(suffix).exists():
                shutil.copyfile(tex.with_suffix(suffix), layout.log(f"{tex.stem}-latex{suffix}"))
        if result.returncode != 0:
            raise BuildFailed(f"LaTeX failed on {tex.name}:\n{latex_errors(log)}")
        faults = silent_faults(log)
        if faults:
            raise BuildFailed(f"LaTeX reported problems in {tex.name}:\n" + "\n".join(faults[:10]))
        pdfs.append(tex.with_suffix(".pdf"))
    return pdfs


def build_pdf(layout: Layout, staging: Path) -> list[Path]:
    """The PDF edition of each report, through Sphinx's LaTeX builder, xelatex and latexmk."""
    missing = missing_tex_tools()
    if missing:
        raise BuildFailed(
            f"The PDF edition needs {', '.join(missing)}, which this machine lacks. On Debian or Ubuntu, "
            f"install them with `sudo apt-get install {TEX_PACKAGES}` (or run `./bootstrap editions`, "
            "which installs whatever is missing), then build again."
        )
    texdir = staging / "latex"
    run_sphinx("latex", layout, texdir)
    pdfs = compile_latex(texdir, layout)
    for pdf in pdfs:
        place(pdf, layout.build / pdf.name)
    return [layout.build / pdf.name for pdf in pdfs]


def build_epub(layout: Layout, staging: Path) -> list[Path]:
    """The EPUB edition."""
    outdir = staging / "epub"
    run_sphinx("epub", layout, outdir)
    epubs = sorted(outdir.glob("*.epub"))
    for epub in epubs:
        place(epub, layout.build / epub.name)
    return [layout.build / epub.name for epub in epubs]


def build_html(layout: Layout, staging: Path) -> list[Path]:
    """The HTML site, carrying whichever PDF and EPUB editions are already built."""
    outdir = staging / "html"
    previous = layout.build / "html"
    if previous.is_dir():
        # Start from a copy of the last site (mtimes kept), so that Sphinx writes only what changed.
        shutil.copytree(previous, outdir, copy_function=shutil.copy2)
    overrides = {"edition_downloads_dir": str(layout.build), "edition_downloads_required": "0" if layout.draft else "1"}
    run_sphinx("html", layout, outdir, overrides)
    index_site_or_fail(outdir)
    place(outdir, layout.build / "html")
    return [layout.build / "html"]


def index_site_or_fail(site: Path) -> None:
    """The site's search index (``dialogue_edition.search``), written into the staged site."""
    try:
        index_site(site)
    except SearchIndexFailed as error:
        raise BuildFailed(str(error)) from None


BUILDERS = {"html": build_html, "pdf": build_pdf, "epub": build_epub}


def check_inputs(layout: Layout) -> None:
    """Validate the data the configuration reads, before Sphinx starts.

    A bad file is then reported as ``file:line: problem`` rather than inside Sphinx's crash report.
    """
    try:
        check(layout.docs.parent)
    except InputError as error:
        raise BuildFailed(str(error)) from None


def build(editions: Sequence[str], layout: Layout) -> list[Path]:
    """Build the named editions in order; return what was put in place."""
    check_inputs(layout)
    os.environ["SOURCE_DATE_EPOCH"] = source_date_epoch(layout.docs.parent)
    layout.staging.mkdir(parents=True, exist_ok=True)
    outputs = []
    for edition in editions:
        with tempfile.TemporaryDirectory(prefix=f"{edition}-", dir=layout.staging) as staging:
            outputs += BUILDERS[edition](layout, Path(staging))
    return outputs


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: build one edition or all of them."""
    parser = argparse.ArgumentParser(prog="edition-build", description=__doc__.splitlines()[0])
    parser.add_argument("edition", choices=[*BUILDERS, "all"], help="which edition to build")
    add_project_option(parser)
    parser.add_argument("--docs", type=Path, help="the Sphinx source folder (default: <project>/docs)")
    parser.add_argument("--build-dir", type=Path, help="where the editions go (default: <project>/build)")
    parser.add_argument("--draft", action="store_true", help="HTML without requiring the PDF and EPUB downloads")
    options = parser.parse_args(argv)
    editions = EDITIONS if options.edition == "all" else (options.edition,)
    try:
        project = options.docs.resolve().parent if options.docs and not options.project else project_of(options.project)
    except InputError as error:
        print(f"edition-build: {error}", file=sys.stderr)
        return 1
    docs, build_dir = options.docs or project / "docs", options.build_dir or project / "build"
    layout = Layout(docs=docs.resolve(), build=build_dir.resolve(), draft=options.draft)
    try:
        outputs = build(editions, layout)
    except BuildFailed as error:
        print(f"\nedition-build: {error}\nThe editions already in {layout.build} are unchanged.", file=sys.stderr)
        return 1
    for output in outputs:
        print(f"built {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
