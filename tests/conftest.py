"""Shared fixtures: the CLI through CliRunner, loud on crashes."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from eventline.cli import cli

REPO = Path(__file__).resolve().parents[1]
CASES = Path(__file__).resolve().parent / "cases"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

Run = Callable[..., Result]

# Playwright's device descriptors ("Pixel 5", "iPhone 13"), filled when the browser starts.
DEVICES: dict[str, dict[str, Any]] = {}

HOSTILE = '<img src=x onerror="window.__xss=1">'
SCRIPT = "</script><script>window.__xss=1</script>"


@pytest.fixture
def run() -> Run:
    """Invoke the CLI; a Python exception fails the test instead of passing as exit 1."""
    runner = CliRunner()

    def _run(*args: str, input: str | None = None) -> Result:
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return _run


def write_json(path: Path, doc: Any) -> Path:
    """Write ``doc`` as canonical-looking JSON and return the path."""
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def small_doc() -> dict[str, Any]:
    """A small valid dataset with every date form the display code handles."""
    return {
        "title": "Small",
        "categories": [
            {"id": "diplomacy", "label": "Diplomacy", "color": "#1f77b4"},
            {"id": "military", "label": "Military", "color": "#d62728"},
        ],
        "actors": [
            {"id": "putin", "name": "Vladimir Putin", "kind": "person"},
            {"id": "trump", "name": "Donald Trump", "kind": "person"},
        ],
        "sources": [
            {
                "id": "article",
                "title": "An article",
                "publisher": "A wire",
                "published": "2025-02-13",
                "url": "https://example.org/article",
            }
        ],
        "events": [
            {
                "id": "annexation",
                "title": "Annexation",
                "date": "2014",
                "category": "military",
                "actors": ["putin"],
                "tags": ["territory"],
                "citations": [{"source": "article"}],
            },
            {
                "id": "invasion",
                "title": "Invasion",
                "date": "2022-02",
                "category": "military",
                "actors": ["putin"],
                "citations": [{"source": "article"}],
            },
            {
                "id": "war",
                "title": "War",
                "date": "2022-02-24/..",
                "category": "military",
                "citations": [{"source": "article"}],
            },
            {
                "id": "call",
                "title": "Call",
                "date": "2025-02-12",
                "category": "diplomacy",
                "summary": "They spoke.",
                "actors": ["trump", "putin"],
                "places": ["Washington", "Moscow"],
                "tags": ["phone-call"],
                "citations": [{"source": "article", "quote": "spoke separately"}],
            },
            {
                "id": "conference",
                "title": "Conference",
                "date": "2025-02-14/2025-02-16",
                "category": "diplomacy",
                "citations": [{"source": "article"}],
            },
        ],
    }


@pytest.fixture
def small_file(tmp_path: Path, small_doc: dict[str, Any]) -> Path:
    """``small_doc`` written in canonical form to a temporary data file."""
    import eventline
    from eventline import io

    path = write_json(tmp_path / "events.json", small_doc)
    path.write_text(io.dumps(eventline.load(path)), encoding="utf-8")
    return path


@pytest.fixture
def hostile_file(tmp_path: Path, small_doc: dict[str, Any]) -> Path:
    """``small_doc`` with script, onerror and javascript: payloads in every text field.

    The "call" event carries most of them, with a qualified date so that
    exports give it a display date too.
    """
    small_doc["title"] = SCRIPT
    small_doc["description"] = HOSTILE
    small_doc["categories"][0]["label"] = HOSTILE
    small_doc["actors"][0]["name"] = SCRIPT
    small_doc["actors"][1]["name"] = HOSTILE
    small_doc["sources"][0]["title"] = HOSTILE
    small_doc["sources"][0]["url"] = 'https://example.org/"><img/src=x/onerror="window.__xss=1">'
    call = small_doc["events"][3]
    call["title"] = HOSTILE
    call["date"] = "2025-02-12~"
    call["summary"] = SCRIPT + " <a href='javascript:window.__xss=1'>x</a>"
    call["citations"][0]["quote"] = SCRIPT
    call["places"] = [HOSTILE]
    return write_json(tmp_path / "evil.json", small_doc)


def browser_required() -> bool:
    return os.environ.get("EVENTLINE_REQUIRE_BROWSER") == "1"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, through Playwright; skipped when absent unless required."""
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        if browser_required():
            pytest.fail(f"EVENTLINE_REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if browser_required():
            raise
        pytest.skip("playwright is not installed")
    with sync_playwright() as p:
        DEVICES.update(p.devices)
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()
