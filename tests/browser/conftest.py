"""Browser fixtures: the app served on loopback, driven by Debian's Chromium through Playwright.

A missing browser is a failure, never a skip: these tests are how we know a child can finish a
survey by mouse, by keyboard and in a right-to-left language.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    """The test app on a free loopback port, in a background thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium (never a downloaded browser)."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium is not installed: `apt-get install -y chromium` (.ci/run does this)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies) at a phone-ish size."""
    context = browser.new_context(viewport={"width": 412, "height": 915})
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


def serious_violations(axe: Axe, page: Page) -> list[dict[str, Any]]:
    """axe-core violations of serious or critical impact on the page as it is now."""
    results = axe.run(page)
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3], "url": page.url}
        for v in results.response["violations"]
        if v.get("impact") in BLOCKING_IMPACTS
    ]
