"""Browser tests: the real app (`lasercare serve --demo` under gunicorn) driven through Debian's chromium.

One server per test session, on a fresh database (SQLite in a temporary var directory, or a new PostgreSQL
database when DATABASE_URL is set). Each test opens its own browser contexts through `new_page`, logged in as a
role or not at all; when a test fails, a screenshot and the HTML of each of its pages are kept under
var/browser-failures/.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, StorageState, expect, sync_playwright

from tests.browser.server import ROOT, DemoServer, demo_server, launch_chromium, missing_tools
from tests.browser.support import log_in, slug

FAILURES = ROOT / "var" / "browser-failures"
TIMEOUT_MS = 20_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in item.nodeid.replace("\\", "/") and item.get_closest_marker("browser") is None:
            raise pytest.UsageError(f"{item.nodeid}: every browser test is marked @pytest.mark.browser")


@pytest.fixture(scope="session")
def tools() -> None:
    """Fails (never skips) every browser test when chromium or axe-core is missing."""
    problem = missing_tools()
    if problem:
        pytest.fail(problem, pytrace=False)


@pytest.fixture(scope="session")
def server(tools: None) -> Iterator[DemoServer]:
    with demo_server(patients=8) as running:
        yield running


@pytest.fixture(scope="session")
def browser(tools: None) -> Iterator[Browser]:
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


class Sessions:
    """One log-in per account for the whole session (Argon2 is slow on purpose); contexts reuse the cookies."""

    def __init__(self, browser: Browser, server: DemoServer) -> None:
        self.browser, self.server = browser, server
        self.states: dict[str, StorageState] = {}

    def __call__(self, username: str) -> StorageState:
        if username not in self.states:
            context = self.browser.new_context(base_url=self.server.base_url)
            context.set_default_timeout(TIMEOUT_MS)
            log_in(context.new_page(), self.server, username)
            self.states[username] = context.storage_state()
            context.close()
        return self.states[username]


@pytest.fixture(scope="session")
def sessions(browser: Browser, server: DemoServer) -> Sessions:
    return Sessions(browser, server)


class PageFactory:
    """`new_page()` is a fresh, logged-out browser; `new_page("clinician")` one logged in as that account."""

    def __init__(self, browser: Browser, server: DemoServer, sessions: Sessions) -> None:
        self.browser, self.server, self.sessions = browser, server, sessions
        self.contexts: list[BrowserContext] = []

    def __call__(self, username: str | None = None, *, width: int = 1280, height: int = 900) -> Page:
        context = self.browser.new_context(
            base_url=self.server.base_url,
            viewport={"width": width, "height": height},
            # The app's CSP allows only its own scripts; axe-core is added to the page by the tests.
            bypass_csp=True,
            storage_state=self.sessions(username) if username else None,
        )
        context.set_default_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        return context.new_page()

    def keep_evidence(self, name: str) -> list[str]:
        """A full-page screenshot and the HTML of every open page, under var/browser-failures/."""
        FAILURES.mkdir(parents=True, exist_ok=True)
        kept = []
        pages = [page for context in self.contexts for page in context.pages]
        for number, page in enumerate(pages, 1):
            stem = FAILURES / f"{slug(name)}-{number}"
            try:
                page.screenshot(path=f"{stem}.png", full_page=True)
                (stem.with_suffix(".html")).write_text(page.content(), encoding="utf-8")
            except Exception as error:  # a crashed page must not hide the test's own failure
                kept.append(f"{stem}: not kept ({error})")
            else:
                kept.append(f"{stem}.png ({page.url})")
        return kept

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def new_page(browser: Browser, server: DemoServer, sessions: Sessions) -> Iterator[PageFactory]:
    factory = PageFactory(browser, server, sessions)
    yield factory
    factory.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    factory = getattr(item, "funcargs", {}).get("new_page")
    if report.failed and report.when in ("setup", "call") and isinstance(factory, PageFactory):
        kept = factory.keep_evidence(item.nodeid.split("::", 1)[-1])
        if kept:
            report.sections.append(("browser failure: screenshots and HTML kept", "\n".join(kept)))
    return report
