"""The validators the publishing world uses, run on the built editions.

- EPUB: epubcheck (Debian's ``epubcheck``, run as ``java -jar /usr/share/java/epubcheck.jar``);
- HTML: the W3C Nu HTML Checker (npm ``vnu-jar``, run with Java);
- accessibility: axe-core (npm ``axe-core``) in Debian's headless Chromium, driven by Playwright
  for Python pointed at ``/usr/bin/chromium`` (never a browser Playwright downloads itself),
  which also records every request a page makes.

Each function returns readable problems; an empty list means the edition passes.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import yaml

if TYPE_CHECKING:
    from playwright.sync_api import Page, Route, ViewportSize

PROJECT_ROOT = Path(__file__).resolve().parents[3]
EPUBCHECK_JAR = Path("/usr/share/java/epubcheck.jar")
VNU_JAR = PROJECT_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_SCRIPT = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VIEWPORTS: dict[str, ViewportSize] = {"phone": {"width": 375, "height": 667}, "desktop": {"width": 1280, "height": 800}}
SCHEMES: tuple[Literal["light", "dark"], ...] = ("light", "dark")
AXE_RUN = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(result =>
    result.violations.map(v => `${v.id} (${v.impact}): ${v.help} at ` +
        v.nodes.map(node => node.target.join(' ')).slice(0, 3).join('; ')))"""


def epubcheck(epub: Path) -> tuple[dict[str, int], list[str]]:
    """Epubcheck's counts by severity, and its messages."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        subprocess.run(["java", "-jar", str(EPUBCHECK_JAR), str(epub), "--json", str(report)], capture_output=True)
        messages = json.loads(report.read_text(encoding="utf-8"))["messages"]
    counts = {severity: 0 for severity in ("FATAL", "ERROR", "WARNING", "USAGE", "INFO")}
    lines = []
    for message in messages:
        counts[message["severity"]] = counts.get(message["severity"], 0) + 1
        where = ", ".join(f"{loc['path']}:{loc['line']}" for loc in message.get("locations", []))
        lines.append(f"{message['severity']} {message['ID']}: {message['message']} ({where})")
    return counts, lines


@dataclass(frozen=True)
class AllowedMessage:
    """A Nu HTML Checker message the edition accepts, with the reason why."""

    pattern: re.Pattern[str]
    reason: str


def allowed_messages(path: Path) -> list[AllowedMessage]:
    """The accepted messages listed in ``path``; every entry must give its reason."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["allowed"] or []
    return [AllowedMessage(re.compile(entry["message"]), entry["reason"]) for entry in entries]


def html_check(site: Path, allowed: list[AllowedMessage]) -> tuple[int, list[str]]:
    """Pages checked, and the errors and warnings of the Nu HTML Checker not accepted in ``allowed``."""
    pages = sorted(site.rglob("*.html"))
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", *map(str, pages)],
        capture_output=True,
        text=True,
    )
    problems = []
    for message in json.loads(result.stderr or result.stdout)["messages"]:
        severity = "error" if message["type"] != "info" else message.get("subType", "info")
        if severity not in ("error", "warning"):
            continue
        if any(entry.pattern.search(message["message"]) for entry in allowed):
            continue
        page = message.get("url", "").removeprefix("file:").replace(str(site) + "/", "")
        problems.append(f"{page}:{message.get('lastLine', '?')}: {severity}: {message['message']}")
    return len(pages), problems


@contextmanager
def served(site: Path, prefix: str = "/") -> Iterator[str]:
    """The site served at ``prefix`` on a free port of this machine's loopback, as published."""
    nested = prefix.strip("/")
    with tempfile.TemporaryDirectory() as root:
        if nested:
            (Path(root) / nested).parent.mkdir(parents=True, exist_ok=True)
            (Path(root) / nested).symlink_to(site.resolve(), target_is_directory=True)
        handler = functools.partial(QuietHandler, directory=root if nested else str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
        finally:
            server.shutdown()
            server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """A static file server that does not log every request to the test output."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
        """Say nothing."""


def _only_the_site(origin: str, outside: list[str], route: Route) -> None:
    """Let requests to the served site through; record and block any other, never sending it."""
    if route.request.url.startswith(origin):
        route.continue_()
    else:
        outside.append(route.request.url)
        route.abort()


def accessibility(site: Path, pages: list[str], prefix: str = "/") -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations, and requests that leave the site, for every page.

    Each page is checked in light and dark mode, on a phone and on a desktop viewport.
    """
    from playwright.sync_api import sync_playwright

    axe = AXE_SCRIPT.read_text(encoding="utf-8")
    problems = []
    with served(site, prefix) as origin, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        for scheme in SCHEMES:
            for device, viewport in VIEWPORTS.items():
                # axe-core is injected as an inline script, which the site's own policy would refuse.
                context = browser.new_context(viewport=viewport, color_scheme=scheme, bypass_csp=True)
                outside: list[str] = []
                context.route("**/*", functools.partial(_only_the_site, origin.removesuffix(prefix) + "/", outside))
                page = context.new_page()
                for name in pages:
                    page.goto(origin + name, wait_until="load")
                    page.add_script_tag(content=axe)
                    violations = page.evaluate(AXE_RUN, WCAG_21_AA)
                    problems += [f"{name} [{scheme}, {device}]: {violation}" for violation in violations]
                problems += [f"request leaves the site [{scheme}, {device}]: {url}" for url in outside]
                context.close()
        browser.close()
    return problems


def inject_axe(page: Page, axe: str) -> None:
    """Load axe-core into a page through the browser's debugging protocol, past the page's policy.

    ``add_script_tag`` would add an inline script, which the site's Content-Security-Policy
    refuses; evaluating the script directly leaves the policy enforced for everything else.
    """
    page.evaluate(axe)


def wait_until(page: Page, expression: str, seconds: float = 30.0) -> None:
    """Wait until ``expression`` is true in the page, polled from here.

    Playwright's ``wait_for_function`` compiles the expression inside the page, which a policy
    without ``'unsafe-eval'`` (the site's) refuses.
    """
    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(f"not true after {seconds} s: {expression}")
        page.wait_for_timeout(50)
