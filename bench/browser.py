"""Benchmark: the interactive HTML page of a large store in headless Chromium.

    python bench/browser.py [--sizes 1000,10000] [--runs 3]

For each size, exports bench/run.py's seeded synthetic store as HTML and, in Debian's
chromium (through chromium-driver), times: opening the page until its script is ready, the lanes
view of every event and back, ticking a company, a search (its 120 ms typing pause left out), a
date range, the lanes of what is left, and clearing. Each figure is the median of --runs,
measured to the next painted frame. It is a measurement, not a test: it never fails a build.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from run import make_store  # the same seeded stores as the main benchmark

FRAME = "await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));"
STEPS = {
    "lanes, every event": "document.querySelector('input[name=view][value=lanes]').click();",
    "back to the list": "document.querySelector('input[name=view][value=list]').click();",
    "tick a company": "document.querySelector('input[name=c]').click();",
    "search": (
        "const q = document.getElementById('q'); q.value = 'partnership cloud';"
        " const done = new Promise(r => new MutationObserver((m, o) => { o.disconnect(); r(); })"
        ".observe(document.getElementById('status'), {childList: true, characterData: true, subtree: true}));"
        " const t = performance.now(); q.dispatchEvent(new Event('input', {bubbles: true})); await done;"
        " start += performance.now() - t > 120 ? 120 : 0;"
    ),
    "date range": (
        "const f = document.getElementById('from'); f.value = '2024-01-01';"
        " f.dispatchEvent(new Event('input', {bubbles: true}));"
    ),
    "lanes, filtered": "document.querySelector('input[name=view][value=lanes]').click();",
    "clear": "document.getElementById('clear').click();",
}


def driver() -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    chrome = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    chrome.set_window_size(1200, 900)
    return chrome


def measure(chrome: Any, page: Path) -> dict[str, float]:
    chrome.get("about:blank")
    chrome.get(page.as_uri())
    timings = {
        "open until ready": chrome.execute_script(
            "return performance.now() - performance.getEntriesByType('navigation')[0].startTime"
        )
    }
    for name, step in STEPS.items():
        script = f"let start = performance.now(); {step} {FRAME} return performance.now() - start;"
        timings[name] = chrome.execute_script(f"return (async () => {{ {script} }})()")
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    chrome = driver()
    try:
        with tempfile.TemporaryDirectory() as folder:
            for size in (int(s) for s in args.sizes.split(",")):
                store = Path(folder) / f"store-{size}.yaml"
                store.write_text(make_store(size), encoding="utf-8")
                page = Path(folder) / f"page-{size}.html"
                command = [sys.executable, "-m", "timeline", "-f", str(store), "export", "-F", "html", "-o", str(page)]
                subprocess.run(command, check=True, capture_output=True)
                runs = [measure(chrome, page) for _ in range(args.runs)]
                print(f"{size} events, page {page.stat().st_size / 1e6:.1f} MB (median of {args.runs}, ms):")
                for name in runs[0]:
                    print(f"  {name:<18} {statistics.median(r[name] for r in runs):8.0f}")
    finally:
        chrome.quit()


if __name__ == "__main__":
    main()
