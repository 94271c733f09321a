"""The chat page in a real browser: Playwright drives Debian's Chromium against `lamopt chat` with a scripted model.

Chromium comes from the Debian package (`make test` installs it); Playwright's own browser download is not used.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.conftest import EXAMPLE, ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
SCREENSHOT = ROOT / "benchmarks" / "results" / "chat_leo.png"
"""Where the screenshot of a solved LEO problem is kept after the test (the test's tmp dir has it too)."""
TIMEOUT_MS = 90_000
SCROLL_TO_TOP = """e => {
    let box = e.parentElement;
    while (box && box.scrollHeight <= box.clientHeight + 1) box = box.parentElement;
    if (box) box.scrollTop += e.getBoundingClientRect().top - box.getBoundingClientRect().top - 40;
}"""
"""Scroll the conversation (its own scroll box) so that element `e` is at the top."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def chat_url(tmp_path_factory: pytest.TempPathFactory, kb_dir: Path) -> Iterator[str]:
    """The chat page with a scripted model and a review point before solving, in its own process."""
    work = tmp_path_factory.mktemp("chat")
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "tests.drivers.chat_fake",
        str(port),
        str(kb_dir),
        str(work / "ck.sqlite"),
        str(work / "runs"),
    ]
    log = (work / "server.log").open("w")
    server = subprocess.Popen(
        [*command, "before_solving"], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 180
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"the chat page did not start: {(work / 'server.log').read_text()[-2000:]}")
            time.sleep(0.5)
    yield url
    server.terminate()
    server.wait(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _open(browser: Browser, url: str, requested: list[str]) -> Page:
    page = browser.new_page(viewport={"width": 1400, "height": 1400})
    page.on("request", lambda request: requested.append(request.url))
    page.goto(url)
    return page


def test_a_leo_problem_streams_its_steps_pauses_for_review_and_ends_with_answer_and_plot(
    browser: Browser, chat_url: str, tmp_path: Path
) -> None:
    requested: list[str] = []
    page = _open(browser, chat_url, requested)
    page.locator("#prompt textarea").fill(EXAMPLE.read_text())
    page.locator("#send").click()
    chat = page.locator("#chat")
    # The steps appear one by one while the run goes on: the retriever's before the review point is reached.
    expect(chat.get_by_text("retriever · retrieved templates")).to_be_visible(timeout=TIMEOUT_MS)
    expect(chat.get_by_text("verifier · accepted the formulation")).to_be_visible(timeout=TIMEOUT_MS)
    review = page.locator("#review").first
    expect(review).to_be_visible(timeout=TIMEOUT_MS)
    expect(review.get_by_text("Review point: before solving")).to_be_visible()
    expect(chat.get_by_text("Objective:", exact=True)).to_have_count(0)  # paused: no answer yet
    page.locator("#approve").click()
    expect(chat.get_by_text("Objective:", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    expect(chat).to_contain_text("Objective: 10.5")
    expect(chat.get_by_text("invoker · ")).to_be_visible()
    expect(review).to_be_hidden()
    expect(page.locator("#solution")).to_contain_text("S1")
    plot = page.locator("#figures img").first
    expect(plot).to_be_visible(timeout=TIMEOUT_MS)
    assert plot.evaluate("img => img.naturalWidth") > 100  # the PNG loaded, not a broken image
    # Frame the screenshot on the last agent steps and the top of the answer (status, objective, formulation).
    page.wait_for_timeout(1000)  # the chat scrolls itself to the end while the answer settles; frame it after that
    chat.get_by_text("invoker · ").evaluate(SCROLL_TO_TOP)
    page.wait_for_timeout(500)
    page.screenshot(path=str(tmp_path / "chat_leo.png"))  # the viewport: a full-page shot re-lays out and scrolls the chat
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(tmp_path / "chat_leo.png", SCREENSHOT)
    thread_label = page.locator("#threads input").input_value()
    thread_id = thread_label.split(" ")[0]
    assert "optimal" in thread_label and len(thread_id) == 12

    page.reload()  # a fresh page knows nothing of the run, but the thread list does
    expect(page.locator("#chat").get_by_text("Objective:", exact=True)).to_have_count(0)
    page.locator("#threads input").click()
    page.get_by_role("option", name=thread_id).click()
    expect(page.locator("#chat")).to_contain_text("Objective: 10.5", timeout=TIMEOUT_MS)
    expect(page.locator("#chat").get_by_text("invoker · ")).to_be_visible()
    expect(page.locator("#figures img").first).to_be_visible(timeout=TIMEOUT_MS)
    page.close()
    hosts = {urlparse(u).hostname for u in requested if not u.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}, f"the page reached beyond loopback: {hosts}"


def test_an_uploaded_file_goes_with_the_problem_and_stop_at_review_ends_without_solving(
    browser: Browser, chat_url: str, tmp_path: Path
) -> None:
    data = tmp_path / "rates.csv"
    data.write_text("application,requests per second\nA,30\nB,10\n")
    page = _open(browser, chat_url, [])
    page.locator("#uploads input[type=file]").set_input_files(str(data))
    # Gradio writes the name's stem and extension in separate spans, which may read "rates .csv"
    expect(page.locator("#uploads")).to_contain_text(re.compile(r"rates\s*\.csv"), timeout=TIMEOUT_MS)
    page.locator("#prompt textarea").fill(EXAMPLE.read_text())
    page.locator("#send").click()
    expect(page.locator("#chat")).to_contain_text("Attached: rates.csv", timeout=TIMEOUT_MS)
    expect(page.locator("#review").first).to_be_visible(timeout=TIMEOUT_MS)
    page.locator("#stop").click()
    chat = page.locator("#chat")
    expect(chat).to_contain_text("Status: stopped", timeout=TIMEOUT_MS)
    expect(chat.get_by_text("invoker · ")).to_have_count(0)
    page.close()
