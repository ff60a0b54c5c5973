"""Build the HTML, PDF and EPUB editions: nitpicky, warnings as errors, and never half-written.

Every edition is built into ``build/.staging/``, and all of them are moved into place together
only when each one is complete, so a failed or killed build leaves the last good editions in
``build/`` untouched (and what a killed build left in the staging folder goes at the next build). Run as
``python -m dialogue_edition.build {html,pdf,epub,all}`` (or the ``edition-build`` script).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import fcntl
import gc
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, NoReturn, TextIO

from . import index_ahead
from .check_ahead import DataCheck, DataCheckCrashed
from .code_version import code_digest
from .data_files import right_to_left_letter, right_to_left_problem
from .errors import InputError
from .file_links import link_or_copy, remove, write_whole
from .latex_log import failure_place
from .project import add_project_option, find_project, project_of
from .work_ahead import usable_cores

if TYPE_CHECKING:
    from .search import WrittenIndex

# Sphinx, the search index and the extensions are imported where they are first used, not here:
# the data check (check_ahead) runs in a process forked when the build starts, and the imports
# are what the build does meanwhile (0.2 s of them).

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

    def cache(self, name: str) -> Path:
        """A file the pipeline keeps between builds beside Sphinx's doctrees (keyed by content)."""
        return self.build / ".doctrees" / name

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


Ready = Callable[[], None]
"""Waits for the data check, and stops the build (:class:`BuildFailed`) if the data are not right."""

CODE_STAMP = "code-digest"
PENDING_STAMP = "code-digest.pending"


@contextlib.contextmanager
def concise_errors(log: Path, ready: Ready) -> Iterator[list[BaseException]]:
    """While Sphinx runs, report an exception that stops it in one line, the traceback in ``log``.

    Sphinx prints a full report with a traceback for any error, even a misspelt theme name;
    readers of this pipeline get the message, developers the traceback in the log file. Sphinx
    offers no setting for this (its own report, a page with versions, extensions and a traceback,
    is what tests/test_build_output.py shows), so its (private) error hook is replaced for the
    duration. Three failures are not reported here but handed back (the list yielded), for
    :func:`build` to say them in its own words: Ctrl-C; bad data (the data check's verdict,
    ``ready``, comes first: whatever Sphinx stumbled on, bad data are what a reader is told); and
    a file system that refuses to be written.
    """
    stopped: list[BaseException] = []

    def report(exception: BaseException, /, *, stderr: TextIO = sys.stderr, **_: object) -> None:
        if isinstance(exception, KeyboardInterrupt):  # Ctrl-C: the build stops at once (main says so)
            stopped.append(exception)
            return
        try:
            ready()
        except BuildFailed as bad_data:
            stopped.append(bad_data)
            return
        if isinstance(exception, OSError) and exception.errno in UNWRITABLE:
            stopped.append(exception)
            return
        category = getattr(exception, "category", type(exception).__name__)
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text("".join(traceback.format_exception(exception)), encoding="utf-8")
        page = page_being_read(exception)
        if isinstance(exception, RecursionError) and page:
            print(f"{page}: {TOO_DEEP}\n(details for developers: {log})", file=stderr)
            return
        where = f" (while reading {page})" if page else ""
        print(f"{category}: {exception}{where}\n(details for developers: {log})", file=stderr)

    # Swapped by hand, not with unittest.mock: that module (and asyncio with it) would add a tenth
    # of a second to every build's start.
    import sphinx._cli.util.errors as sphinx_errors

    original = sphinx_errors.handle_exception
    sphinx_errors.handle_exception = report  # type: ignore[assignment]
    try:
        yield stopped
    finally:
        sphinx_errors.handle_exception = original


PARALLEL_FROM_PAGES = 150
"""Sphinx reads and writes in parallel processes from this many pages (about 25 reports) on.
Forking pays at 50 reports (305 pages: about 0.8 times the serial build's time, the same bytes)
and costs more than it saves on one report's 11 pages."""


TOO_DEEP = (
    "nested too deeply to be read (blocks within blocks within blocks, hundreds deep, exhaust the "
    "parser's stack): nest them less"
)


def page_being_read(exception: BaseException) -> str | None:
    """The source file Sphinx was reading when ``exception`` stopped it (``Builder.read_doc``), if it was."""
    for frame, _ in traceback.walk_tb(exception.__traceback__):
        if frame.f_code.co_name != "read_doc":
            continue
        docname, env = frame.f_locals.get("docname"), getattr(frame.f_locals.get("self"), "env", None)
        if isinstance(docname, str) and env is not None:
            return str(env.doc2path(docname))
    return None


def sphinx_jobs(docs: Path) -> str:
    """Sphinx's ``-j``: a process per core this build may run on for a large archive, else ``1``.

    The cores are counted as :func:`work_ahead.usable_cores` does (its CPU affinity), not as
    Sphinx's ``auto`` does (every core of the machine, whatever a container allows).

    ``EDITION_JOBS`` overrides it, for the test that parallel and serial builds are the same.
    """
    if "EDITION_JOBS" in os.environ:
        return os.environ["EDITION_JOBS"]
    pages = sum(1 for _ in docs.rglob("*.md"))
    cores = usable_cores()
    return str(cores) if pages >= PARALLEL_FROM_PAGES and cores > 1 else "1"


BOOK_BUILDERS = ("epub", "latex")
BOOK_TAG = "book"
"""The tag of a book's build (``docs/conf.py``: a book does not read the pages only the web site has)."""


def run_sphinx(
    builder: str, layout: Layout, outdir: Path, ready: Ready, overrides: dict[str, str] | None = None
) -> None:
    """One nitpicky Sphinx build with warnings as errors; the warnings also go to a log file.

    Sphinx starts while the data check may still run: it reads nothing before ``ready`` passed
    (``sphinxext.data_check``), which it calls once its configuration is read.
    """
    from sphinx.cmd.build import build_main

    from .docutils_settings import settings_made_once
    from .sphinx_start import lean_start
    from .sphinxext.data_check import waiting_for

    warnings_log = layout.log(f"{builder}-warnings.log")
    warnings_log.parent.mkdir(parents=True, exist_ok=True)
    arguments = ["-b", builder, "-n", "-W", "--keep-going", "-q", "-j", sphinx_jobs(layout.docs)]
    if builder in BOOK_BUILDERS:
        arguments += ["-t", BOOK_TAG]
    stamp, current = layout.doctrees(builder) / CODE_STAMP, code_digest()
    stamped = stamp.exists() and stamp.read_text() == current
    if not stamped:
        arguments.append("-E")
    arguments += ["-d", str(layout.doctrees(builder)), "-w", str(warnings_log)]
    for name, value in (overrides or {}).items():
        arguments += ["-D", f"{name}={value}"]
    # Until this build's outputs are in place, its doctrees do not match the published editions:
    # the stamp goes now and comes back only once everything is placed (see :func:`build`), so a
    # build after a failed or killed one reads every page again.
    stamp.unlink(missing_ok=True)
    with (
        concise_errors(layout.log(f"{builder}-crash.log"), ready) as stopped,
        waiting_for(ready),
        lean_start(),
        settings_made_once(),
    ):
        try:
            status = build_main([*arguments, str(layout.docs), str(outdir)])
        finally:
            # The Cite panel's workers stop at "build-finished", which an interrupted build skips.
            from .citation import stop_formatting_ahead

            stop_formatting_ahead()
    if stopped:
        if stamped and isinstance(stopped[0], BuildFailed):  # stopped by bad data before reading anything
            stamp.write_text(current)
        raise stopped[0]
    if status != 0:
        raise BuildFailed(f"Sphinx's {builder} builder reported errors (above; also in {warnings_log}).")
    stamp.with_name(PENDING_STAMP).write_text(current)


def missing_tex_tools() -> list[str]:
    """The commands and fonts the PDF edition needs that this machine lacks."""
    missing = [command for command in TEX_COMMANDS if shutil.which(command) is None]
    if "fc-list" not in missing:
        families = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
        missing += [f"the {font} font" for font in TEX_FONTS if font not in families]
    return missing


def latex_errors(log: Path, output: str = "") -> str:
    """The error lines of a LaTeX log (``file:line: message`` with -file-line-error).

    Some errors reach only the terminal (a line longer than TeX's buffer, a crash of xelatex):
    without an error in the log, the last lines of latexmk's ``output`` that say one are given.
    """
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines() if log.exists() else []
    errors = [line for line in lines if re.match(r"^(!|.*:\d+: )", line)]
    if not errors:
        errors = [line for line in output.splitlines() if TERMINAL_ERROR.search(line)][-3:]
    return "\n".join(errors[:10]) or "no error line found in the log"


TERMINAL_ERROR = re.compile(r"^!|Unable to read an entire line|Segmentation fault|[Ee]rror")


LATEX_SILENT_FAULTS = (
    re.compile(r"Missing character: There is no .+? in font .+?!"),
    re.compile(r"(?:Hyper reference|Reference) `[^']*' on page \d+ undefined"),
    # A label defined twice: a link to it may land on either place.
    re.compile(r"Label `[^']*' multiply defined"),
    # A byte that is not UTF-8 in LaTeX's input (an index heading makeindex cut from a character)
    # is printed as a replacement glyph.
    re.compile(r"Invalid UTF-8 byte or sequence at line \d+ replaced by U\+FFFD\."),
)


def silent_faults(log: Path) -> list[str]:
    """What LaTeX only logs but must fail the PDF: missing glyphs, undefined references, bytes that are not UTF-8.

    The log wraps lines at 79 characters, so it is read as one line before matching.
    """
    text = log.read_text(encoding="utf-8", errors="replace").replace("\n", "") if log.exists() else ""
    return sorted({match for pattern in LATEX_SILENT_FAULTS for match in pattern.findall(text)})


MISSING_GLYPH = re.compile(r"Missing character: There is no (.) \(U\+([0-9A-F]{4,6})\) in font ([^:;!]+)")
SOURCE_TEXTS = ("docs/**/*.md", "registry/*.yaml", "registry/*.bib", "source_reports/*/metadata.yaml", "*.cff")
"""The project's files whose text reaches the PDF, where a character no font has is looked for."""


def _refuse_right_to_left(documents: list[Path], project: Path) -> None:
    """Stop before TeX if a document holds right-to-left letters, named where the project writes them.

    The pages and data files are checked as they are read (``data_files.right_to_left_problem``);
    this is the last check, for whatever way such text found into the LaTeX: TeX would set it
    reversed, and say nothing.
    """
    for tex in documents:
        letter = right_to_left_letter(tex.read_text(encoding="utf-8", errors="replace"))
        if letter:
            place = next(_first_line_with(letter, project), None)
            raise BuildFailed(f"{place or tex.name}: {right_to_left_problem(letter)}")


def missing_glyph_places(faults: list[str], project: Path) -> list[str]:
    """Where each character the PDF's fonts lack is first written in the project: ``file:line: …``.

    LaTeX names only the character and its font; a contributor needs the page or data file.
    """
    missing: dict[str, str] = {}
    for fault in faults:
        found = MISSING_GLYPH.search(fault)
        if found:
            # The font as LaTeX names it, a file with options ("[FreeSerif.otf]/…"), as its family.
            missing.setdefault(found.group(1), found.group(3).strip("[").split("/")[0].split(".")[0].rstrip("]"))
    places = []
    for character, font in missing.items():
        advice = (
            f"the character {character!r} (U+{ord(character):04X}) is in no font of the PDF ({font}): "
            "write it in letters the PDF's fonts hold (Latin, Greek, Cyrillic), e.g. transliterated"
        )
        place = next(_first_line_with(character, project), None)
        places.append(f"{place}: {advice}" if place else advice)
    return places


def _first_line_with(character: str, project: Path) -> Iterator[str]:
    for pattern in SOURCE_TEXTS:
        for path in sorted(project.glob(pattern)):
            text = path.read_text(encoding="utf-8", errors="replace")
            if character in text:
                yield f"{path}:{text.count(chr(10), 0, text.index(character)) + 1}"


FULL_DISK = 1024 * 1024
"""Free bytes below which a failed LaTeX run is put down to a full disk."""

TEX_CONFINEMENT = {"openin_any": "p", "openout_any": "p", "shell_escape": "f"}
"""TeX confined to the build: it reads and writes no file outside its folder (no absolute paths,
no ``..``, no hidden files: kpathsea's "paranoid" setting) and runs no command, even if escaping
had let a ``\\input`` or ``\\write18`` through."""


def tex_environment() -> dict[str, str]:
    """The environment of this moment (``SOURCE_DATE_EPOCH`` included), with TeX confined."""
    return {**os.environ, **TEX_CONFINEMENT}


def compile_latex(texdir: Path, layout: Layout) -> list[Path]:
    """Run latexmk (xelatex, per Sphinx's latexmkrc) on each document, side by side; return the PDFs.

    Each report's book and the combined one are separate documents with files of their own, so
    they are compiled at the same time, one per core; latexmk decides how many passes each needs.
    """
    documents = sorted(texdir.glob("*.tex"))
    _refuse_right_to_left(documents, layout.docs.parent)
    with ThreadPoolExecutor(max_workers=max(1, min(len(documents), usable_cores()))) as pool:
        results = list(pool.map(lambda tex: _run_latexmk(tex, layout), documents))
    for tex, result in zip(documents, results, strict=True):
        if result is None:
            raise BuildFailed(
                f"LaTeX did not finish {tex.name} in {latex_time_limit(tex):.0f} s{failure_place(tex, layout.docs)}; "
                f"its log so far is {layout.log(tex.stem + '-latex.log')}"
            )
        if result.returncode != 0:
            if shutil.disk_usage(texdir).free < FULL_DISK:
                # TeX says only that it cannot write a file, or nothing clear at all.
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(texdir))
            errors = latex_errors(tex.with_suffix(".log"), result.stdout)
            raise BuildFailed(f"LaTeX failed on {tex.name}{failure_place(tex, layout.docs)}:\n{errors}")
        faults = silent_faults(tex.with_suffix(".log"))
        if faults:
            places = missing_glyph_places(faults, layout.docs.parent)
            raise BuildFailed(f"LaTeX reported problems in {tex.name}:\n" + "\n".join([*places, *faults][:10]))
    return [tex.with_suffix(".pdf") for tex in documents]


LATEX_SECONDS = 300
LATEX_SECONDS_PER_MEGABYTE = 300
"""How long latexmk may take on a document before it is stopped: ten times what this project's
machines need (one report's 0.2 MB ``.tex`` takes about 5 s, every pass included). TeX can run
on without end on what a page holds (a run of letters wider than TeX can measure did)."""


def latex_time_limit(tex: Path) -> float:
    """Seconds latexmk may take on ``tex``, by its size."""
    return LATEX_SECONDS + LATEX_SECONDS_PER_MEGABYTE * tex.stat().st_size / 1_000_000


def _run_latexmk(tex: Path, layout: Layout) -> subprocess.CompletedProcess[str] | None:
    """One document through latexmk; its log and contents kept in the build's logs.

    ``None`` if it ran past :func:`latex_time_limit`: latexmk and the TeX it started are stopped
    (they run in a process group of their own).
    """
    command = [
        "latexmk",
        "-pdf",
        "-dvi-",
        "-ps-",
        "-interaction=nonstopmode",
        "-halt-on-error",
        "-file-line-error",
        "-no-shell-escape",
        tex.name,
    ]
    result: subprocess.CompletedProcess[str] | None
    # Bytes, decoded after: output cut off mid-character by the kill must not raise.
    with subprocess.Popen(
        command,
        cwd=tex.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=tex_environment(),
        start_new_session=True,
    ) as process:
        try:
            output, _ = process.communicate(timeout=latex_time_limit(tex))
            text = output.decode("utf-8", "replace")
            result = subprocess.CompletedProcess(command, process.returncode, text, "")
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            result = None
    for suffix in (".log", ".toc"):
        if tex.with_suffix(suffix).exists():
            shutil.copyfile(tex.with_suffix(suffix), layout.log(f"{tex.stem}-latex{suffix}"))
    return result


def build_pdf(layout: Layout, staging: Path, outputs: Path, ready: Ready) -> list[Path]:
    """The PDF edition of each report, through Sphinx's LaTeX builder, xelatex and latexmk."""
    missing = missing_tex_tools()
    if missing:
        raise BuildFailed(
            f"The PDF edition needs {', '.join(missing)}, which this machine lacks. On Debian or Ubuntu, "
            f"install them with `sudo apt-get install {TEX_PACKAGES}` (or run `./bootstrap editions`, "
            "which installs whatever is missing), then build again."
        )
    texdir = staging / "latex"
    run_sphinx("latex", layout, texdir, ready)
    pdfs = compile_latex(texdir, layout)
    for pdf in pdfs:
        pdf.replace(outputs / pdf.name)
    return [outputs / pdf.name for pdf in pdfs]


def build_epub(layout: Layout, staging: Path, outputs: Path, ready: Ready) -> list[Path]:
    """The EPUB edition."""
    outdir = staging / "epub"
    run_sphinx("epub", layout, outdir, ready)
    epubs = sorted(outdir.glob("*.epub"))
    for epub in epubs:
        epub.replace(outputs / epub.name)
    return [outputs / epub.name for epub in epubs]


def downloads_folder(layout: Layout, outputs: Path) -> Path:
    """The PDFs and EPUBs the site offers: those of this build, else the ones already in place.

    Linked (or copied) into one staging folder, so that the site's checksums are those of the
    files placed beside it. Its path is the same at every build: Sphinx records the setting that
    names it in the site (``.buildinfo``), which is then the same for the same sources.
    """
    folder = layout.staging / "downloads"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for source in (layout.build, outputs):
        for path in sorted([*source.glob("*.pdf"), *source.glob("*.epub")]):
            target = folder / path.name
            target.unlink(missing_ok=True)
            link_or_copy(path, target)
    return folder


def build_html(layout: Layout, staging: Path, outputs: Path, ready: Ready) -> list[Path]:
    """The HTML site, carrying the PDF and EPUB editions of this build (or those already built)."""
    from .search import BUNDLE

    outdir = outputs / "html"
    previous = layout.build / "html"
    if previous.is_dir():
        stage_previous_site(previous, outdir, layout.cache(SPARE_SITE))
    downloads = downloads_folder(layout, outputs)
    overrides = {
        "edition_downloads_dir": str(downloads),
        "edition_downloads_required": "0" if layout.draft else "1",
        # A path the same at every build: the anchor script's folder joins html_static_path, which
        # Sphinx records in the site (.buildinfo).
        "edition_scratch_dir": str(layout.staging / "scratch"),
        # The index below takes the pages a worker read as Sphinx wrote them (sphinxext.search_ahead).
        "edition_search_ahead": "1",
    }
    cache, published = layout.cache("search-pages.json"), previous / BUNDLE
    # A child may begin the index once Sphinx wrote every page (sphinxext.search_ahead); else it is written after.
    ahead = index_ahead.expect(outdir, cache, published if published.is_dir() else None)
    try:
        run_sphinx("html", layout, outdir, ready, overrides)
        carried = index_site_or_fail(outdir, cache, published, ahead.taken())
    finally:
        # The pages read while they were written (search_ahead) are taken or no longer wanted,
        # and a child writing the index into the staged site is stopped.
        from .search_ahead import stop as stop_reading_ahead

        index_ahead.forget()
        stop_reading_ahead()
    if carried:
        listed = [(outdir / BUNDLE / folder).relative_to(outputs).as_posix() for folder in carried]
        (outputs.parent / CARRIED).write_text(json.dumps(listed), encoding="utf-8")
    return [outdir]


SPARE_SITE = "spare-site"
"""In the build's cache: the site the last build replaced, kept to start the next staged site from.

Linking every file of the published site into a new staged site took 0.06 s at 200 reports
(2,415 pages and reference files, and 14 MB of other files copied), and removing the replaced
site after placing another 0.05 s. The replaced site differs from the one that replaced it
only in what that build wrote: so it is kept, and the next build brings it up to date
(:func:`stage_previous_site`) instead of making a new one."""


def stage_previous_site(previous: Path, staged: Path, spare: Path | None = None) -> None:
    """Start the staged site from the published one (file times kept), so that Sphinx writes only what changed.

    Pages and reference files are linked, not copied (``staged_site.shared``): they are only ever
    written as new files, so the published site stays as it is. The rest is copied. The search
    index is left out: it is written anew after Sphinx (``index_site``), and its files are most of
    the site's (50 reports: 2,142 of 2,810).

    ``spare``: a site the last build replaced (:data:`SPARE_SITE`). If there is one on the same
    file system, it becomes the staged site and only what differs is changed
    (:func:`_update_folder`); otherwise, or if it cannot be brought up to date (a folder of it
    that cannot be listed, say), the staged site is made from nothing. Either way it ends up the same.
    """
    from .search import BUNDLE

    if spare is not None and _usable_spare(spare, previous):
        try:
            spare.rename(staged)
        except OSError:  # another file system after all, or the like: from nothing
            shutil.rmtree(spare, ignore_errors=True)
        else:
            try:
                _update_folder(str(previous), str(staged), "", leave_out=BUNDLE)
                return
            except OSError:
                _set_aside(staged)
    _stage_folder(str(previous), str(staged), "", leave_out=BUNDLE)


def _set_aside(staged: Path) -> None:
    """Remove a staged site that could not be brought up to date, or move what cannot be removed out of the way."""
    shutil.rmtree(staged, ignore_errors=True)
    if staged.exists() or staged.is_symlink():
        staged.rename(staged.with_name(f"{staged.name}-unusable"))


def _usable_spare(spare: Path, previous: Path) -> bool:
    """Whether ``spare`` is a folder of this build's own (not a link) on the file system of ``previous``.

    A file's identity (its inode) tells a linked page from a stale one only within one file system.
    """
    try:
        return not spare.is_symlink() and spare.is_dir() and spare.stat().st_dev == previous.stat().st_dev
    except OSError:
        return False


def _stage_folder(source: str, target: str, within: str, leave_out: str = "") -> None:
    """One folder of :func:`stage_previous_site`; ``within``: its path in the site (``/``-ended, or empty).

    Walked as strings and directory entries, not path objects (2,484 files at 200 reports), by
    ``os.walk``'s rules: a link to a folder is left out, and so is a folder that cannot be listed.
    """
    Path(target).mkdir(exist_ok=True)
    for entry in _listing(source):
        if entry.is_dir():  # a folder, or a link to one
            if not entry.is_symlink() and entry.name != leave_out:
                _stage_folder(entry.path, f"{target}/{entry.name}", f"{within}{entry.name}/")
            continue
        _stage_file(entry, f"{target}/{entry.name}", within)
    shutil.copystat(source, target)


def _stage_file(entry: os.DirEntry[str], target: str, within: str) -> None:
    """One file of the published site into the staged one: linked if it is a page or a reference file, else copied."""
    from .sphinxext.staged_site import shared

    place = link_or_copy if shared(within + entry.name) else shutil.copy2
    place(entry.path, target)


def _listing(folder: str) -> list[os.DirEntry[str]]:
    """The entries of ``folder``; none if it cannot be listed (``os.walk``'s rule)."""
    try:
        with os.scandir(folder) as listing:
            return list(listing)
    except OSError:
        return []


def _update_folder(source: str, target: str, within: str, leave_out: str = "") -> None:
    """Make the folder ``target`` (a spare site's) what :func:`_stage_folder` would make of ``source``.

    A page or reference file that is already a link to the published file (the same inode) stays;
    any other file stays only if it is a plain file of its own (no other link to it) of the
    published one's size, mode and modification time (a copy kept with its times, which nothing
    wrote since). Everything else is replaced, and whatever the published site does not have is
    removed. A folder of the spare that cannot be listed raises ``OSError`` (see
    :func:`stage_previous_site`).
    """
    from .sphinxext.staged_site import shared

    with os.scandir(target) as listing:
        held = {entry.name: entry for entry in listing}
    for entry in _listing(source):
        old = held.pop(entry.name, None)
        if entry.is_dir():
            if entry.is_symlink() or entry.name == leave_out:
                if old is not None:
                    held[entry.name] = old  # removed below, as a folder the published site does not stage
                continue
            inside = f"{target}/{entry.name}"
            if old is None or old.is_symlink() or not old.is_dir():
                _remove_entry(old)
                _stage_folder(entry.path, inside, f"{within}{entry.name}/")
            else:
                _update_folder(entry.path, inside, f"{within}{entry.name}/")
            continue
        kept = _same_link(old, entry) if shared(within + entry.name) else _same_copy(old, entry)
        if not kept:
            _remove_entry(old)
            _stage_file(entry, f"{target}/{entry.name}", within)
    for leftover in held.values():
        _remove_entry(leftover)
    shutil.copystat(source, target)


def _same_link(old: os.DirEntry[str] | None, published: os.DirEntry[str]) -> bool:
    """Whether ``old`` is a link to the very file ``published`` (within one file system: see :func:`_usable_spare`)."""
    return old is not None and old.inode() == published.inode() and old.is_file(follow_symlinks=False)


def _same_copy(old: os.DirEntry[str] | None, published: os.DirEntry[str]) -> bool:
    """Whether ``old`` is a plain file of the size, mode and modification time of ``published`` (as copied)."""
    if old is None or old.is_symlink() or not old.is_file():
        return False
    try:
        mine, theirs = old.stat(follow_symlinks=False), published.stat()
    except OSError:
        return False
    # A file with another link (to the published file, say) would be written through it: Sphinx
    # writes these files in place.
    same = (mine.st_size, mine.st_mode, mine.st_mtime_ns) == (theirs.st_size, theirs.st_mode, theirs.st_mtime_ns)
    return same and mine.st_nlink == 1


def _remove_entry(entry: os.DirEntry[str] | None) -> None:
    """Remove what ``entry`` is (a file, a link, a folder with all it holds); nothing for ``None``."""
    if entry is not None:
        remove(Path(entry.path))


def index_site_or_fail(site: Path, cache: Path, previous: Path, ahead: WrittenIndex | None = None) -> list[str]:
    """The site's search index (``dialogue_edition.search``), written into the staged site.

    ``previous`` is the published site's index, whose unchanged files the new one shares; the
    folders of its unchanged parts are returned, to be carried into the new site when it is placed.
    ``ahead``: the index as written while Sphinx finished, if it holds the site's pages as they
    are (``index_ahead``): it is the one.
    """
    from .search import SearchIndexFailed, index_site

    if ahead is not None:
        return ahead.carried
    try:
        return index_site(site, cache, previous if previous.is_dir() else None, carry=True).carried
    except SearchIndexFailed as error:
        raise BuildFailed(str(error)) from None


BUILDERS = {"html": build_html, "pdf": build_pdf, "epub": build_epub}


def start_data_check(layout: Layout) -> DataCheck:
    """Start validating the data the configuration reads, in a process of its own (``check_ahead``).

    Sphinx starts only once it passed (:func:`passed`): a bad file is then reported as
    ``file:line: problem`` rather than inside Sphinx's crash report.
    """
    return DataCheck(layout.docs.parent, layout.cache("reviewed.json"))


def passed(check: DataCheck) -> None:
    """Wait for the data check; stop the build with what it found if the data are not right."""
    try:
        problems = check.problems()
    except DataCheckCrashed as crash:
        raise RuntimeError(f"the data check crashed:\n{crash}") from None
    if problems:
        raise BuildFailed(problems)


JOURNAL = "placing.json"
"""While staged outputs replace the previous ones: which moves are under way (see :func:`place_all`)."""
CARRIED = "carried.json"
"""Beside a build's staged outputs: what the new outputs take from the previous ones when placed
(paths relative to ``build/``: the search index's unchanged parts, ``search.WrittenIndex.carried``)."""


def restore_interrupted(layout: Layout) -> None:
    """Undo a placing step a kill interrupted, so that ``build/`` holds the previous editions again.

    The journal is written whole before anything moves (:func:`place_all`): one that cannot be
    read was never written whole, and nothing moved.
    """
    journal = layout.staging / JOURNAL
    if not journal.exists():
        return
    outputs, carried = _journal(journal)
    retired = layout.staging / "previous"
    for path in carried:  # back into the previous outputs, once they were set aside and the new ones placed
        top = PurePosixPath(path).parts[0]
        if (retired / top).is_dir() and (layout.build / path).exists() and not (retired / path).exists():
            (layout.build / path).rename(retired / path)
    for final_name, existed in outputs.items():
        final = layout.build / final_name
        set_aside = retired / final_name
        if set_aside.exists() or not existed:
            remove(final)
        if set_aside.exists():
            set_aside.rename(final)
    journal.unlink()


def _journal(journal: Path) -> tuple[dict[str, bool], list[str]]:
    """The outputs a placing moved (and whether each existed before), and what it carried across.

    Only names of one output (``html``, ``a.pdf``) and paths below one (``html/pagefind/part-1``)
    are taken: nothing a damaged journal names outside ``build/`` is moved or removed.
    """
    try:
        moves = json.loads(journal.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}, []
    if isinstance(moves, dict) and "outputs" not in moves:  # the pipeline's journal before it carried anything
        moves = {"outputs": moves, "carried": []}
    if not isinstance(moves, dict) or not isinstance(moves.get("outputs"), dict):
        return {}, []
    outputs = {name: bool(existed) for name, existed in moves["outputs"].items() if _below(name, parts=1)}
    carried = [path for path in moves.get("carried") or [] if isinstance(path, str) and _below(path, parts=2)]
    return outputs, carried


def _below(path: object, parts: int) -> bool:
    """Whether ``path`` is a relative path of at least ``parts`` plain names (no ``..``, nothing absolute)."""
    if not isinstance(path, str) or not path or "\\" in path:
        return False
    pure = PurePosixPath(path)
    return not pure.is_absolute() and len(pure.parts) >= parts and all(part not in ("..", ".") for part in pure.parts)


def remove_stale_staging(layout: Layout) -> None:
    """Remove what builds that were killed or failed left in the staging folder."""
    restore_interrupted(layout)
    for pending in layout.build.glob(f".doctrees/*/{PENDING_STAMP}"):
        pending.unlink()
    if layout.staging.is_dir():
        for leftover in layout.staging.iterdir():
            remove(leftover)


def place_all(outputs: Path, layout: Layout) -> list[Path]:
    """Move every staged output into ``build/`` together, the previous ones set aside first.

    Each move is a rename within one file system. The journal written first lists them, so that
    a build killed while placing is undone by the next one (:func:`restore_interrupted`): the
    editions in ``build/`` are then either all the previous ones or all the new ones. Last, what
    the new outputs take from the previous ones (:data:`CARRIED`) is moved across.
    """
    names = sorted(path.name for path in outputs.iterdir())
    retired = layout.staging / "previous"
    retired.mkdir()
    journal = layout.staging / JOURNAL
    existed = {name: (layout.build / name).exists() for name in names}
    carried = _carried(outputs)
    write_whole(journal, json.dumps({"outputs": existed, "carried": carried}))  # a journal is never half written
    try:
        for name in names:
            final = layout.build / name
            if final.exists() or final.is_symlink():
                final.rename(retired / name)
        for name in names:
            (outputs / name).rename(layout.build / name)
        for path in carried:
            (retired / path).rename(layout.build / path)
    except BaseException:  # a move refused midway (or Ctrl-C): the previous outputs go back at once
        restore_interrupted(layout)
        raise
    journal.unlink()
    keep_spare_site(retired / "html", layout.cache(SPARE_SITE))
    shutil.rmtree(retired)
    return [layout.build / name for name in names]


def keep_spare_site(replaced: Path, spare: Path) -> None:
    """Keep the site a build just replaced as the spare the next one starts from (:data:`SPARE_SITE`).

    Without its search index: the next staged site has none (:func:`stage_previous_site`). It
    takes the place of an older spare (left by a build that staged from nothing); a site that was
    a link is not kept, and a build that replaced no site (the books alone) keeps the spare there is.
    """
    # Only a cache: the new outputs are in place whatever happens here.
    with contextlib.suppress(OSError):
        if replaced.is_dir() and not replaced.is_symlink():
            from .search import BUNDLE  # here: a build of the books alone never loads the index's code

            remove(spare)
            remove(replaced / BUNDLE)
            spare.parent.mkdir(parents=True, exist_ok=True)
            replaced.rename(spare)


def _carried(outputs: Path) -> list[str]:
    """What the staged ``outputs`` take from the previous ones when placed (:data:`CARRIED`)."""
    listing = outputs.parent / CARRIED
    return [str(path) for path in json.loads(listing.read_text(encoding="utf-8"))] if listing.exists() else []


def build(editions: Sequence[str], layout: Layout) -> list[Path]:
    """Build the named editions in order, then put all of them in place; return what was placed.

    Nothing in ``build/`` changes until every edition is built: a failed or killed build leaves
    every previous edition (and the site's checksums of them) exactly as it was.
    """
    # The check is forked before anything else: no lock or thread of this build is in its process.
    with contextlib.closing(start_data_check(layout)) as check:
        # Then the models an earlier build validated, which the configuration's reports are.
        from . import model_cache

        model_cache.take_kept(layout.cache(model_cache.FILE))
        os.environ["SOURCE_DATE_EPOCH"] = source_date_epoch(layout.docs.parent)
        try:
            layout.build.mkdir(parents=True, exist_ok=True)
            # The build folder itself is the lock (no file of its own beside the editions).
            folder = os.open(layout.build, os.O_RDONLY)
        except OSError as error:
            passed(check)  # bad data are named first, whatever else is wrong
            raise BuildFailed(unwritable(error)) from None
        try:
            try:
                fcntl.flock(folder, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise BuildFailed(f"another build is writing to {layout.build}; wait for it to finish.") from None
            return build_locked(editions, layout, lambda: passed(check))
        except BuildFailed:
            passed(check)  # whatever else stopped the build (no TeX, a full disk), bad data are named first
            raise
        finally:
            os.close(folder)


def build_locked(editions: Sequence[str], layout: Layout, ready: Ready) -> list[Path]:
    """:func:`build`, once this process alone writes to the build folder; Sphinx starts once ``ready``."""
    try:
        remove_stale_staging(layout)
        layout.staging.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix="build-", dir=layout.staging))
        outputs = staging / "outputs"
        outputs.mkdir()
        try:
            for edition in editions:
                work = staging / edition
                work.mkdir()
                BUILDERS[edition](layout, work, outputs, ready)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        placed = place_all(outputs, layout)
        for pending in layout.build.glob(f".doctrees/*/{PENDING_STAMP}"):
            pending.replace(pending.with_name(CODE_STAMP))
        from . import model_cache

        model_cache.keep(layout.cache(model_cache.FILE))
        # Nothing stays behind: the work folders, the downloads' links, the anchor script's folder.
        remove_stale_staging(layout)
    except OSError as error:
        raise BuildFailed(unwritable(error)) from None
    return placed


UNWRITABLE = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
}
"""What a file system that refuses to be written says, in words."""


def unwritable(error: OSError) -> str:
    """One line for a file system that refuses to be written: read-only, full, or not allowed."""
    where = f" {error.filename}" if error.filename else ""
    reason = UNWRITABLE.get(error.errno or 0, error.strerror or str(error))
    return (
        f"cannot write{where}: {reason}. Free some space or fix the permissions of the build folder, then build again."
    )


INTERRUPTED = 130
"""The exit status of a build stopped by Ctrl-C (a shell's, for a process ended by SIGINT)."""


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
    except KeyboardInterrupt:
        print(f"\nedition-build: interrupted. The editions already in {layout.build} are unchanged.", file=sys.stderr)
        return INTERRUPTED
    for output in outputs:
        print(f"built {output}")
    return 0


GC_THRESHOLD = (1_000_000, 20, 100)
"""The collector's thresholds for a build (Python's are 700, 10, 10).

A build allocates millions of small objects (doctrees, templates' output, Sphinx's environment
as it is loaded), most of which live until the build ends. A young collection walks every object
allocated since the last one and still alive, so its cost is what the build keeps, paid in one
walk or in many; the walks find little to free. At Python's thresholds that was about 15 % of a
build. At 50,000 objects, collections still took 55 ms of a one-report build and 90 ms of a
one-page edit of 200 reports (eight walks). From a million, neither collects at all; a cold
build of 200 reports still collects, and holds at most the garbage of a million objects more at
its peak (measured: 641 MB against 625 MB). Before Sphinx forks its readers or writers, the
build's objects are frozen (``sphinxext.parallel_jobs.before_forking``): otherwise each forked
process's first collection walks, and so copies, the million objects not yet walked."""


def cli() -> NoReturn:
    """The ``edition-build`` command: :func:`main` in a process tuned for one build, then exit.

    What the build imported stays out of the collector's way (``gc.freeze``), collections are
    rarer, and once every output is written and flushed the process ends at once: tearing down
    the interpreter's objects one by one would only add to what a user waits for.
    """
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)
    # pydantic looks for plugins of its own (none here) by reading every installed package's
    # metadata, once in each process that validates: about 4 ms. A setting of the user's stands.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    cli()
