"""The dashboard in a real browser: headless Chromium (Debian's, driven by Playwright) against a real server
(uvicorn on loopback). Moving a slider recomputes and redraws; the URL restores the whole state; the data
and the report download; it fits a 390-pixel phone; no console error and no request leaves the server.

Needs Debian's Chromium and the ``playwright`` package (skipped without them, as tests/test_report_browser.py).
``COMMONWEALTH_UPDATE_SCREENSHOT=1`` also saves docs/img/dashboard.png (the default interactive size).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

from test_report_browser import CHROMIUM_ARGS, UPDATE_SCREENSHOT, _save_screenshot, sync_playwright  # noqa: F401

pytest.importorskip("uvicorn")
from commonwealth.server import ServerSettings, create_app

CHROMIUM = os.environ.get("COMMONWEALTH_CHROMIUM", "/usr/bin/chromium")
SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "img" / "dashboard.png"
#: How long a recompute may take before the test calls the dashboard broken (not a latency target: those
#: are measured by benchmarks/bench_interactive.py and bench_api.py).
PATIENCE_MS = 60_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    import uvicorn

    from commonwealth.api import INTERACTIVE_SIZE

    port = _free_port()
    size, years = (INTERACTIVE_SIZE, None) if UPDATE_SCREENSHOT else (2_000, 8)
    app = create_app(ServerSettings(port=port, interactive_size=size, interactive_years=years))
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not srv.started:
        if time.time() > deadline or not thread.is_alive():
            pytest.fail("the server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/"
    srv.should_exit = True
    thread.join(timeout=15)


def _open(browser, url: str, width: int, errors: list[str], foreign: list[str], base: str):
    page = browser.new_page(viewport={"width": width, "height": 900}, accept_downloads=True)
    page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))

    def route(r):
        if r.request.url.startswith(base):
            r.continue_()
        else:
            foreign.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(url, wait_until="load")
    _wait_ready(page, None)
    return page


def _wait_ready(page, old_key: str | None) -> str:
    page.wait_for_function("(old) => { const s = document.getElementById('status');"
                           " return s.dataset.state === 'ready' && s.dataset.key && s.dataset.key !== old; }",
                           arg=old_key, timeout=PATIENCE_MS)
    page.wait_for_function("() => [...document.querySelectorAll('.chart')].length >= 6 && "
                           "[...document.querySelectorAll('.chart')].every(d => d.querySelector('svg.main-svg'))",
                           timeout=PATIENCE_MS)
    return page.locator("#status").get_attribute("data-key")


def _assert_fits(page, width: int) -> None:
    """Nothing wider than the screen, and no chart, table or control over another."""
    layout = page.evaluate("""() => ({
        scroll: document.documentElement.scrollWidth,
        boxes: [...document.querySelectorAll('.chart, #controls, .table-wrap')].map(e => {
            const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })})""")
    assert layout["scroll"] <= width, layout["scroll"]
    boxes = layout["boxes"]
    assert all(right <= width + 0.5 for _, _, right, _ in boxes)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            overlap = min(a[2], b[2]) - max(a[0], b[0]) > 1 and min(a[3], b[3]) - max(a[1], b[1]) > 1
            assert not overlap, (a, b)


def test_the_dashboard_recomputes_restores_downloads_and_fits_a_phone(sync_playwright, server, tmp_path):  # noqa: F811
    errors: list[str] = []
    foreign: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = _open(browser, server + "#reform=american-equity-fund", 1280, errors, foreign, server)
            first = page.locator("#status").get_attribute("data-key")
            before = page.locator("#summary tbody tr").first.inner_text()

            # a slider moved with the keyboard, as a person would: ten steps of 0.1 percentage point
            slider = page.locator("#p\\.company_rate")
            slider.focus()
            started = time.perf_counter()
            for _ in range(10):
                page.keyboard.press("ArrowRight")
            moved = _wait_ready(page, first)
            latency = time.perf_counter() - started
            print(f"slider to redrawn charts: {latency:.2f} s")
            assert moved != first
            assert page.locator("#summary tbody tr").first.inner_text() != before
            assert "p.company_rate=0.035" in page.url
            assert "3.5" in page.locator("#p\\.company_rate-out").inner_text()

            # the shared link restores the whole state in a fresh page, and finds the same result
            page.select_option("#ai_preset", "agi-20")
            shared_key = _wait_ready(page, moved)
            link = page.url
            other = _open(browser, link, 1280, errors, foreign, server)
            assert other.locator("#ai_preset").input_value() == "agi-20"
            assert float(other.locator("#p\\.company_rate").input_value()) == pytest.approx(0.035)
            assert other.locator("#reform").input_value() == "american-equity-fund"
            assert other.locator("#status").get_attribute("data-key") == shared_key
            assert "Political influence of the top 1" in other.locator("#who-decides").inner_text()
            assert "Explorer(" in other.locator("#repro-python").text_content()
            assert "policies:" in other.locator("#repro-reform").text_content()

            # the data and the full report download
            with other.expect_download() as download:
                other.click("#download-csv")
            csv = Path(download.value.path()).read_text()
            assert csv.startswith("scenario,year,metric,value,unit") and "american-equity-fund" in csv
            with other.expect_download(timeout=PATIENCE_MS) as report:
                other.click("#download-report")
            assert "<html" in Path(report.value.path()).read_text()[:2000]
            assert report.value.suggested_filename.endswith(".html")

            # a phone: one column, nothing wider than the screen, no chart over another
            phone = _open(browser, link, 390, errors, foreign, server)
            _assert_fits(phone, 390)
            if UPDATE_SCREENSHOT:
                shot = _open(browser, server + "#reform=american-equity-fund&ai_preset=agi-20", 1280, errors,
                             foreign, server)
                shot.wait_for_timeout(1000)
                _save_screenshot(shot.screenshot(full_page=False), SCREENSHOT)
        finally:
            browser.close()
    assert errors == []
    assert foreign == [], "the dashboard must load nothing from outside its server"
