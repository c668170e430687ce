"""Browser tests: Debian's Chromium driven by Playwright against the test app served on 127.0.0.1.

Skipped when Chromium or Playwright is missing, unless REQUIRE_BROWSER=1 (as .ci/run sets), where a missing
browser is a failure, not a silent skip."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"))


def _require():
    missing = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "playwright is not installed"
    if not os.path.exists(CHROMIUM):
        missing = f"{CHROMIUM} is not installed"
    if missing:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(missing)
        pytest.skip(missing)


@pytest.fixture(scope="session")
def browser():
    _require()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def page_at(browser):
    """page_at(width) → a fresh page of that viewport width; fails the test on any console error."""
    contexts, errors = [], []

    def _open(width=1280):
        ctx = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN")
        contexts.append(ctx)
        page = ctx.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        return page

    yield _open
    for ctx in contexts:
        ctx.close()
    assert errors == [], errors


def screenshot(page, name: str, full_page: bool = True) -> None:
    """Save a screenshot. A full-page shot at a narrow viewport can leave Chromium's click coordinates off, so
    take full-page shots only where no click follows on the same page."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


SEED = Path(__file__).resolve().parents[2] / "seed"


@pytest.fixture
def demo_site(app, live_server):
    """The seed and the same small demo every journey walks on, served live."""
    from matchmaker.services import demo, seed
    seed.load_all(SEED)
    demo.build_demo(300, 40, seed=7)
    return live_server


def sign_in(page, base: str, login: str, password: str | None = None) -> None:
    from matchmaker.services import demo
    page.goto(base + "/login")
    page.fill("#login", login)
    page.fill("#password", password or demo.DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("button.primary")


def fits(page, width: int) -> None:
    """No sideways scrolling at this viewport width."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
