"""The interactive HTML page in a real headless Chromium (Debian's chromium and chromium-driver).

Nothing is downloaded: selenium is pointed at /usr/bin/chromium and /usr/bin/chromedriver (or
$TIMELINE_CHROMIUM and $TIMELINE_CHROMEDRIVER). Without them every test here is skipped, with
the command that installs them. What the page shows is checked against what `timeline list`
selects with the same filters. Screenshots go to a temporary folder, or to
$TIMELINE_SCREENSHOTS when it is set (to look at them).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from timeline.store import load
from timeline.text import visible

from conftest import DATA, invoke_main

SHIPPED = Path(__file__).parent.parent / "events.yaml"
CHROMIUM = os.environ.get("TIMELINE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = os.environ.get("TIMELINE_CHROMEDRIVER") or shutil.which("chromedriver") or "/usr/bin/chromedriver"
HOW = "no browser: install Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)"

AVAILABLE = os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)

Driver = Any  # selenium's WebDriver (selenium ships no type hints mypy can follow here)


@pytest.fixture(scope="module")
def browser() -> Iterator[Driver]:
    """One headless Chromium for the module. Skipped without a browser, unless
    TIMELINE_REQUIRE_BROWSER=1 (as in .ci/run, which installs it) makes that a failure."""
    if not AVAILABLE:
        message = f"{HOW} to run the browser tests (looked for {CHROMIUM} and {CHROMEDRIVER})"
        if os.environ.get("TIMELINE_REQUIRE_BROWSER") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is in the test extras: pip install -e '.[test]'")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=en-US"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def page(browser: Driver) -> Iterator[Driver]:
    """The browser at a 1200x900 viewport, with an empty console log; afterwards the console
    must hold no CSP violation and no script error."""
    _viewport(browser, 1200, 900)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": []})
    browser.get_log("browser")  # drain
    yield browser
    problems = [entry for entry in browser.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]
    assert problems == [], problems


def _viewport(driver: Driver, width: int, height: int, mobile: bool = False) -> None:
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)


def export_page(folder: Path, store: Path, *args: str) -> Path:
    out = folder / "page.html"
    result = invoke_main(["-f", str(store), "export", "-F", "html", "-o", str(out), *args])
    assert result.exit_code == 0, result.stderr
    return out


def open_page(driver: Driver, path: Path, fragment: str = "") -> None:
    driver.get("about:blank")  # a fresh load even when only the fragment differs
    driver.get(path.as_uri() + fragment)
    # The script may finish after the load event (a busy machine, a large store): wait for it.
    deadline = time.monotonic() + 20
    ready = None
    while ready != "1" and time.monotonic() < deadline:
        ready = driver.execute_script("return document.documentElement.dataset.ready")
        if ready != "1":
            time.sleep(0.05)
    assert ready == "1", "the page's script did not finish"


def visible_titles(driver: Driver) -> list[str]:
    titles: list[str] = driver.execute_script(
        "return [...document.querySelectorAll('main li.event')].filter(li => li.offsetParent !== null)"
        ".map(li => li.querySelector('h3').textContent)"
    )
    return titles


def cli_titles(store: Path, *args: str) -> list[str]:
    result = invoke_main(["-f", str(store), "list", "--json", *args])
    assert result.exit_code == 0, result.stderr
    return [e["title"] for e in json.loads(result.stdout)]


def checkbox(driver: Driver, facet: str, value: str) -> Any:
    from selenium.webdriver.common.by import By

    for box in driver.find_elements(By.CSS_SELECTOR, f"input[type=checkbox][name={facet}]"):
        if box.get_attribute("value") == value:
            return box
    raise AssertionError(f"no {facet} checkbox {value!r}")


def type_date(driver: Driver, element_id: str, iso: str) -> None:
    """Type a date as a user does into Chromium's en-US date field (month, day, year)."""
    from selenium.webdriver.common.by import By

    field = driver.find_element(By.ID, element_id)
    field.click()
    year, month, day = iso.split("-")
    field.send_keys(month + day + year)


def state(driver: Driver) -> dict[str, Any]:
    found: dict[str, Any] = driver.execute_script(
        "return {c: [...document.querySelectorAll('input[name=c]:checked')].map(b => b.value),"
        " q: document.getElementById('q').value, from: document.getElementById('from').value,"
        " to: document.getElementById('to').value,"
        " view: document.querySelector('input[name=view]:checked').value}"
    )
    return found


def test_tick_search_and_range_show_what_the_cli_selects(page: Driver, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    path = export_page(tmp_path, SHIPPED)
    open_page(page, path)
    assert len(visible_titles(page)) == len(load(SHIPPED).events)
    checkbox(page, "c", "Microsoft").click()
    assert visible_titles(page) == cli_titles(SHIPPED, "-c", "Microsoft")
    # Each kind's count is what ticking it would show, under the other filters.
    for kind in ("partnership", "model-release"):
        label = checkbox(page, "k", kind).find_element(By.XPATH, "..")
        shown = int(label.find_element(By.CLASS_NAME, "n").get_attribute("textContent"))  # Kinds is folded
        assert shown == len(cli_titles(SHIPPED, "-c", "Microsoft", "-k", kind)) > 0
    page.find_element(By.ID, "q").send_keys("openai")
    type_date(page, "from", "2024-01-01")
    type_date(page, "to", "2025-12-31")
    page.execute_script("return new Promise(r => setTimeout(r, 300))")  # the search box waits 120 ms for typing
    expected = cli_titles(SHIPPED, "-c", "Microsoft", "-s", "openai", "--since", "2024-01-01", "--until", "2025-12-31")
    assert 0 < len(expected) < len(cli_titles(SHIPPED, "-c", "Microsoft"))
    assert visible_titles(page) == expected
    status = page.find_element(By.ID, "status").text
    assert status == f"Showing {len(expected)} of {len(load(SHIPPED).events)} events"
    # The state is in the URL: opening that URL afresh shows the same view.
    url = page.current_url
    assert "#" in url and "c=Microsoft" in url and "q=openai" in url and "from=2024-01-01" in url
    before = state(page)
    page.get("about:blank")
    page.get(url)
    assert state(page) == before == {"c": ["Microsoft"], "q": "openai", "from": "2024-01-01", "to": "2025-12-31", "view": "list"}
    assert visible_titles(page) == expected


def test_a_link_with_a_filter_fragment_opens_that_view(page: Driver, tmp_path: Path) -> None:
    path = export_page(tmp_path, SHIPPED)
    open_page(page, path, "#c=Microsoft&c=OpenAI&k=partnership&from=2025-01-01")
    assert state(page)["c"] == ["OpenAI", "Microsoft"] or sorted(state(page)["c"]) == ["Microsoft", "OpenAI"]
    assert checkbox(page, "k", "partnership").is_selected()
    expected = cli_titles(SHIPPED, "-c", "Microsoft", "-c", "OpenAI", "-k", "partnership", "--since", "2025-01-01")
    assert expected and visible_titles(page) == expected
    open_page(page, path, "#q=%3Cscript%3E&view=nonsense&from=not-a-date")  # junk in a link is ignored
    assert state(page) == {"c": [], "q": "<script>", "from": "", "to": "", "view": "list"}


def test_lanes_toggle_draws_a_lane_per_company_and_a_mark_leads_to_its_event(page: Driver, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    path = export_page(tmp_path, SHIPPED)
    open_page(page, path, "#c=Microsoft&c=OpenAI&c=Google&c=Anthropic&c=Meta&from=2023-01-01")
    page.find_element(By.CSS_SELECTOR, "input[name=view][value=lanes]").click()
    assert not page.find_element(By.ID, "lanes").get_attribute("hidden")
    assert page.find_element(By.ID, "list").is_displayed()  # under the lanes, where the marks lead
    names = [n.text.rsplit(" ", 1) for n in page.find_elements(By.CSS_SELECTOR, "#lanes .lane:not(.axis) .lane-name")]
    assert {name for name, _ in names} == {"Microsoft", "OpenAI", "Google", "Anthropic", "Meta"}
    counts = [int(n) for _, n in names]
    assert counts == sorted(counts, reverse=True)
    terminal = invoke_main(
        ["list", "--view", "lanes", "-c", "Microsoft", "-c", "OpenAI", "-c", "Google", "-c", "Anthropic", "-c", "Meta",
         "--since", "2023"], env={"COLUMNS": "120"},
    ).stdout
    for name, count in names:  # the same lanes and counts as the terminal's lanes view
        assert any(line.startswith(name + " ") and line.rstrip().endswith(f"│{count:>2}") for line in terminal.splitlines())
    assert "view=lanes" in page.current_url
    marks = page.find_elements(By.CSS_SELECTOR, "#lanes a.mark")
    held = [int(m.get_attribute("data-n") or 1) for m in marks]
    assert sum(held) == sum(counts)  # marks a few pixels apart are one mark showing its count
    assert all(m.text == (str(n) if n > 1 else "") for m, n in zip(marks, held, strict=True))
    # Keyboard: Tab reaches a mark, Enter opens its event in the list.
    first_mark = marks[0]
    page.execute_script("arguments[0].focus()", first_mark)
    label = first_mark.get_attribute("aria-label")
    first_mark.send_keys(Keys.ENTER)
    focused = page.switch_to.active_element
    assert focused.tag_name == "li" and label.endswith(focused.find_element(By.TAG_NAME, "h3").text)


def test_keyboard_alone_can_filter(page: Driver, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    path = export_page(tmp_path, DATA / "sample.yaml")
    open_page(page, path)
    page.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)  # the search box comes first
    active = page.switch_to.active_element
    assert active.get_attribute("id") == "q"
    path_taken = []
    for _ in range(30):  # the date fields (a stop per part), the view, lanes by, clear, Companies, a company
        active.send_keys(Keys.TAB)
        active = page.switch_to.active_element
        path_taken.append(active.get_attribute("id") or active.get_attribute("name") or active.tag_name)
        if active.get_attribute("name") == "c":
            break
    assert active.get_attribute("name") == "c", path_taken
    name = active.get_attribute("value")
    active.send_keys(Keys.SPACE)
    assert visible_titles(page) == cli_titles(DATA / "sample.yaml", "-c", name)


def test_screenshots_desktop_phone_dark_and_print(page: Driver, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    folder = Path(os.environ.get("TIMELINE_SCREENSHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    path = export_page(tmp_path, SHIPPED)
    shots = []
    for name, width, height, fragment in [
        ("desktop-list", 1200, 900, "#c=Microsoft&c=OpenAI&from=2025-01-01"),
        ("desktop-lanes", 1200, 900, "#c=Microsoft&c=OpenAI&c=Google&c=Anthropic&c=Meta&from=2023-01-01&view=lanes"),
        ("phone-list", 390, 844, "#q=azure"),
        ("phone-lanes", 390, 844, "#c=Microsoft&c=OpenAI&c=Anthropic&from=2024-01-01&view=lanes"),
    ]:
        _viewport(page, width, height, mobile=width < 600)
        open_page(page, path, fragment)
        if "lanes" in name:
            page.execute_script("document.getElementById('lanes').scrollIntoView()")
        assert page.execute_script("return window.innerWidth") == width
        # Readable on a phone: nothing wider than the screen, no sideways scrolling.
        assert page.execute_script("return document.documentElement.scrollWidth") <= width
        shot = folder / f"{name}-{width}x{height}.png"
        page.save_screenshot(str(shot))
        shots.append(shot)
    page.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    _viewport(page, 1200, 900)
    open_page(page, path)
    background = page.execute_script("return getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(18, 21, 28)"  # the dark palette
    page.save_screenshot(str(folder / "desktop-dark-1200x900.png"))
    page.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print", "features": []})
    assert not page.find_element(By.ID, "controls").is_displayed()  # print: the list, no controls
    assert page.find_elements(By.CSS_SELECTOR, "main li.event")[0].is_displayed()
    for shot in shots:
        assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 10_000


def test_without_javascript_the_full_list_shows(browser: Driver, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    path = export_page(tmp_path, DATA / "sample.yaml")
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        browser.get("about:blank")
        browser.get(path.as_uri() + "#c=Other+Inc")
        assert browser.execute_script is not None
        titles = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "main li.event h3") if h.is_displayed()]
        assert titles == [e.title for e in load(DATA / "sample.yaml").events]
        assert not browser.find_element(By.ID, "controls").is_displayed()  # no controls that would do nothing
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


@pytest.mark.parametrize(
    "store",
    [DATA / "hostile.yaml", DATA / "hostile_export.yaml", DATA / "hostile_page.yaml"],
    ids=["hostile", "hostile_export", "hostile_page"],
)
def test_hostile_events_stay_text(page: Driver, tmp_path: Path, store: Path) -> None:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    path = export_page(tmp_path, store)
    events = load(store).events
    for fragment in ["", "#view=lanes", "#view=lanes&by=tag", "#q=script", "#c=%3C%2Fscript%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E"]:
        open_page(page, path, fragment)
        with pytest.raises(NoAlertPresentException):
            page.switch_to.alert.text  # noqa: B018  # reading it is the check
        injected = page.execute_script(
            "return document.querySelectorAll('main script, main img, main iframe, main b, main object, main svg').length"
            " + document.querySelectorAll('script').length - 2"
        )
        assert injected == 0
        assert page.execute_script("return window.pwned === undefined && document.title.length > 0")
    open_page(page, path, "#view=lanes")
    marks = [m.get_attribute("aria-label") for m in page.find_elements(By.CSS_SELECTOR, "#lanes a.mark")]
    # Titles as the page shows them: control and bidi characters as escapes, as in the terminal.
    expected = [f"{e.date.short()}: {visible(e.title)}" for e in events for _ in _lanes_of(e)]
    assert all(m in expected or m.split(", first: ", 1)[1] in {visible(e.title) for e in events} for m in marks), marks
    open_page(page, path)
    assert [h.get_attribute("textContent") for h in page.find_elements(By.CSS_SELECTOR, "main li.event h3")] == [
        visible(e.title) for e in events
    ]
    hostile = next(e for e in events if "<" in e.title or "[" in e.title)
    word = next(w for w in hostile.title.split() if len(w) > 3)
    page.find_element(By.ID, "q").send_keys(word)
    page.execute_script("return new Promise(r => setTimeout(r, 300))")
    assert visible(hostile.title) in visible_titles(page)


def _lanes_of(event: Any) -> list[str]:
    """The page's default lanes: one per company, a subsidiary folded into its parent (in
    hostile_page.yaml, "Sub <!-- Co" belongs to the company named like a closing script tag)."""
    return list(dict.fromkeys("</script><script>alert(1)</script>" if c == "Sub <!-- Co" else c for c in event.companies))


def test_an_altered_script_is_refused_by_the_policy(browser: Driver, tmp_path: Path) -> None:
    """The hash in the CSP is what lets the script run: a page whose script was changed after
    export runs nothing (and shows the static list), and the console says why."""
    from selenium.webdriver.common.by import By

    path = export_page(tmp_path, DATA / "sample.yaml")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"use strict";', '"use strict"; window.altered = 1;', 1), encoding="utf-8")
    _viewport(browser, 1200, 900)
    browser.get_log("browser")
    browser.get("about:blank")
    browser.get(path.as_uri())
    assert browser.execute_script("return window.altered === undefined && !document.documentElement.dataset.ready")
    assert not browser.find_element(By.ID, "controls").is_displayed()
    assert len([li for li in browser.find_elements(By.CSS_SELECTOR, "main li.event") if li.is_displayed()]) == 7
    log = browser.get_log("browser")
    assert any(e["level"] == "SEVERE" and "Content Security Policy" in e["message"] for e in log), log
