"""The report in a real browser: headless Chromium (Debian's, driven by Playwright) opens report.html from disk, and
the headline (with the reforms' costs and their ranges from a sweep), the who-decides section, the sensitivity chart
and every chart render, no table is wider than a 1280-pixel screen, with no console error and no request but the
file itself.

Needs Debian's Chromium (``apt-get install -y chromium``) and the ``playwright`` package; skipped without them.
``COMMONWEALTH_UPDATE_SCREENSHOT=1`` also renders the default comparison (five scenarios to 2055) and saves a
full-page screenshot of it as docs/img/report.png.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from commonwealth.report import CHART_IDS, write_report

CHROMIUM = os.environ.get("COMMONWEALTH_CHROMIUM", "/usr/bin/chromium")
#: Chromium without its calls home: the machine (and CI) has no network but package registries.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "img" / "report.png"
UPDATE_SCREENSHOT = os.environ.get("COMMONWEALTH_UPDATE_SCREENSHOT") == "1"


def _save_screenshot(png: bytes, path: Path = SCREENSHOT) -> None:
    """docs/img/report.png (or ``path``), reduced to 128 colours (a third of the size, no visible change) when
    Pillow is there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        import io

        from PIL import Image
    except ImportError:
        path.write_bytes(png)
        return
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path,
                                                                                              optimize=True)


@pytest.fixture(scope="module")
def sync_playwright():
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        pytest.skip(f"Chromium not installed: apt-get install -y chromium (looked for {CHROMIUM}; "
                    "set COMMONWEALTH_CHROMIUM to use another)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright not installed: pip install playwright (it drives Debian's Chromium; "
                    "no browser download needed)")
    return sync_playwright


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from commonwealth import compare, simulate
    from commonwealth.scenario import DEFAULT_SET

    if UPDATE_SCREENSHOT:  # the picture in the docs: the default comparison
        names, size, years, snaps = DEFAULT_SET, 20_000, None, [2035, 2055]
    else:
        names, size, years, snaps = ["status-quo", "american-equity-fund", "wealth-tax"], 3_000, 12, [2031, 2037]
    results = simulate(*names, size=size, years=years, snapshot_years=snaps)
    comparison = compare(results, baseline="status-quo", years=snaps)
    command = f"commonwealth report {' '.join(names)} --years {','.join(map(str, snaps))} --out out"
    summary = None
    if not UPDATE_SCREENSHOT:  # a small Morris sweep, for the "what the answer depends on" section
        from commonwealth.sweep import read_sweep, sweep, write_sweep

        swept = sweep(names[1:], "status-quo", draws=2, method="morris", size=size, years=years, workers=1,
                      parameters=["government.safe_rate", "labour.eti_broad"])
        folder = tmp_path_factory.mktemp("sweep")
        write_sweep(swept, folder)
        summary = read_sweep(folder)
    return write_report(results, comparison, tmp_path_factory.mktemp("browser"), command=command, sweep=summary)


def test_report_renders_offline_in_chromium(sync_playwright, report):
    url = report.resolve().as_uri()
    requests, errors = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
            # anything but the file itself would be a network request: record it and refuse it
            page.route("**/*", lambda route: route.continue_() if route.request.url == url else route.abort())
            page.goto(url, wait_until="load")
            page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')]"
                                   ".every(d => d.querySelector('svg.main-svg'))", timeout=20_000)

            headline = page.locator("#headline")
            assert headline.is_visible()
            text = headline.inner_text()
            assert any(ch.isdigit() for ch in text)
            if not UPDATE_SCREENSHOT:  # the headline states costs, with the sweep's range
                assert "GDP" in text and "debt" in text and "10–90 %" in text, text
                assert page.locator("#who-decides table").first.is_visible()
                assert "Political influence of the top 1" in page.locator("#who-decides").inner_text()
                assert page.locator("#depends figure[data-chart^=sensitivity-] svg.main-svg").first.is_visible()
            overflowing = page.evaluate("""() => [...document.querySelectorAll('table')]
                .filter(t => t.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5
                             || (t.parentElement.scrollWidth > t.parentElement.clientWidth + 1))
                .map(t => t.closest('section') ? t.closest('section').id : '?')""")
            assert overflowing == [], f"tables wider than a 1280-pixel screen in sections {overflowing}"
            assert page.evaluate("document.documentElement.scrollWidth") <= 1280

            state = page.evaluate("""() => [...document.querySelectorAll('[data-chart]')].map(f => {
                const plot = f.querySelector('.js-plotly-plot');
                const box = plot ? plot.getBoundingClientRect() : null;
                return {id: f.dataset.chart, skipped: f.dataset.skipped === 'true',
                        svgs: plot ? plot.querySelectorAll('svg.main-svg').length : 0,
                        traces: plot && plot._fullData ? plot._fullData.length : 0,
                        marks: plot ? plot.querySelectorAll('g.trace').length : 0,
                        width: box ? box.width : 0, height: box ? box.height : 0};
            })""")
            state = [c for c in state if not c["id"].startswith("sensitivity-")]  # checked above, with the sweep
            by_id = {c["id"]: c for c in state}
            assert list(by_id) == list(CHART_IDS)
            for chart in state:
                if chart["skipped"]:
                    assert chart["id"] in ("sector-prices", "politics"), f"{chart['id']} unexpectedly skipped"
                    continue
                assert chart["svgs"] >= 1, chart
                assert chart["traces"] >= 1 and chart["marks"] >= 1, chart
                assert chart["width"] > 600 and chart["height"] > 250, chart
            if UPDATE_SCREENSHOT:
                page.wait_for_timeout(1000)  # plotly's automargin redraws once after the first paint
                _save_screenshot(page.screenshot(full_page=True))
        finally:
            browser.close()
    assert errors == []
    assert requests == [url], "the report must make no request but for itself"
