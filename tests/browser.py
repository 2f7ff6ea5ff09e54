"""What the browser tests share: Debian's Chromium (/usr/bin/chromium) driven by
Playwright, axe-core's WCAG 2.0/2.1 A and AA check, and screenshots written to
results/screenshots/ (git-ignored). Used by tests/model/test_web_chat.py (the
chat against the real stack) and tests/unit/test_dashboard_browser.py (the
dashboard against the web service alone)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, List

import pytest
from playwright.sync_api import Browser, Frame, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "results" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 390, "height": 844}
# The chat against the whole stack: the first answers of a new Rasa worker are slow.
WAIT_MS = 30_000


def launched_chromium() -> Iterator[Browser]:
    """For a fixture (`yield from`): Chromium with a new, empty profile, closed after."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make web`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def axe_violations(frame: Frame) -> List[dict]:
    # Evaluated, not added as a <script>: the pages' CSP refuses inline scripts.
    frame.evaluate(AXE.read_text(encoding="utf-8"))
    return frame.evaluate(
        """async (tags) => {
            const result = await axe.run(document, { runOnly: { type: "tag", values: tags } });
            return result.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(" ")) }));
        }""",
        WCAG_TAGS,
    )


def screenshot(page: Page, name: str, full_page: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)
