"""Measure the timeline page against `json.load` on the same data file.

Usage:
    python benchmarks/page.py [--sizes 1000 20000 200000 1000000] [--work DIR]
                              [--no-browser] [--markdown]

Run sizes above ~50k events under `flock /work/bench.lock` on a shared machine.

For each size it writes a synthetic dataset (benchmarks/generate.py), then, in one
fresh process: `json.load` of the file (the baseline), `eventline.load`, and
`render.to_html` plus writing the page (the part `eventline render` adds to
loading). Then, in another process, `eventline render` end to end (start-up,
loading and validating the file, the page). It prints the page's size as a share
of the data file, both render times as ratios to the baseline, and the time
Chromium takes until the chart is drawn, checking there that every event is
reachable in the overview (its own marker or a cluster's member list), that
searching for the last event's title and date lists it, and that a permalink to
the last event opens it in the chronology.
Nothing here is a test: the figures vary with the machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
from run import CHROMIUM, CHROMIUM_ARGS, adopt_orphans, reap_orphans  # noqa: E402

# Run in a fresh interpreter so that one size's memory does not slow the next.
# CPU seconds count this process and the helpers it forked (each reaped first:
# a helper that has answered ends by itself, unwaited).
TIMING = """
import json, multiprocessing, resource, sys, time
def cpu():
    while multiprocessing.active_children():  # reaps the helpers that have ended
        time.sleep(0.01)
    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                  resource.getrusage(resource.RUSAGE_CHILDREN)))
data, page = sys.argv[1], sys.argv[2]
t, c = time.perf_counter(), cpu()
with open(data, "rb") as handle:
    json.load(handle)
baseline, baseline_cpu = time.perf_counter() - t, cpu() - c
import eventline
from eventline import io, render
t = time.perf_counter()
tl = eventline.load(data)
loading = time.perf_counter() - t
t, c = time.perf_counter(), cpu()
io.atomic_write(page, render.to_html(tl))
rendering, rendering_cpu = time.perf_counter() - t, cpu() - c
last = tl[len(tl) - 1]
print(json.dumps({"baseline": baseline, "load": loading, "render": rendering,
                  "baseline_cpu": baseline_cpu, "render_cpu": rendering_cpu,
                  "last": last.title, "last_date": str(last.date), "last_id": last.id}))
"""

REACH_JS = """() => {
  const gd = document.getElementById("eventline-timeline");
  let n = 0;
  gd.data.forEach(t => {
    if (!t.meta || t.meta[0] !== "overview" || !t.customdata) return;
    if (t.meta[1] === "events") n += t.customdata.length;
    if (t.meta[1] === "clusters") t.customdata.forEach(c => { n += c[2].split(" ").length; });
  });
  return n;
}"""


def browse(
    page_path: Path, last_title: str, last_date: str, last_id: str
) -> tuple[float, int, float, str, str]:
    """Seconds until drawn, events reachable in the overview, seconds for a search of the
    last event's title and date, its status and whether the event is listed, and what
    opening the page at the last event's permalink shows."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        started = time.perf_counter()
        page.goto(page_path.as_uri(), timeout=900_000)
        page.wait_for_selector("html[data-eventline-ready]", state="attached", timeout=900_000)
        load = time.perf_counter() - started
        reachable = page.evaluate(REACH_JS)
        started = time.perf_counter()
        page.get_by_label("Search events").fill(f"{last_title} {last_date}")
        page.wait_for_function(
            "() => document.getElementById('eventline-timeline-status').textContent",
            timeout=600_000,
        )
        search = time.perf_counter() - started
        status = page.locator("#eventline-timeline-status").inner_text()
        found = page.get_by_role("link", name=last_title, exact=True).count()
        page.close()
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(page_path.as_uri() + f"#event-{last_id}", timeout=900_000)
        page.wait_for_selector("html[data-eventline-ready]", state="attached", timeout=900_000)
        marked = page.locator(f"li.event.current#event-{last_id}").count()
        note = page.locator("#eventline-timeline-more-note")
        place = note.inner_text() if note.count() else "in the page's HTML list"
        browser.close()
    return load, reachable, search, f"{status}; {found} link(s) to it", f"{marked}, at {place}"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000, 200000])
    parser.add_argument(
        "--work", type=Path, default=Path(tempfile.gettempdir()) / "eventline-bench"
    )
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    adopt_orphans()
    args.work.mkdir(parents=True, exist_ok=True)
    rows = []
    for count in args.sizes:
        data = args.work / f"page-{count}.json"
        if not data.exists():
            generate.write(count, data)
        page_path = args.work / f"page-{count}.html"
        out = subprocess.run(
            [sys.executable, "-c", TIMING, str(data), str(page_path)],
            check=True,
            capture_output=True,
            text=True,
        )
        timing = json.loads(out.stdout)
        reap_orphans()  # the last size's Chromium, adopted as it closed: not this command's
        started, before = time.perf_counter(), _children_cpu()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "eventline",
                "render",
                "--data",
                str(data),
                "-o",
                str(page_path),
            ],
            check=True,
            capture_output=True,
        )
        command = time.perf_counter() - started
        command_cpu = _children_cpu() + reap_orphans() - before
        data_mb = data.stat().st_size / 1e6
        page_mb = page_path.stat().st_size / 1e6
        row = {
            "events": count,
            "data MB": data_mb,
            "page MB": page_mb,
            "page / data": page_mb / data_mb,
            "json.load s": timing["baseline"],
            "eventline.load s": timing["load"],
            "render s": timing["render"],
            "render × json.load": timing["render"] / timing["baseline"],
            "eventline render s": command,
            "eventline render × json.load": command / timing["baseline"],
            "CPU: render × json.load": timing["render_cpu"] / timing["baseline_cpu"],
            "CPU: eventline render × json.load": command_cpu / timing["baseline_cpu"],
        }
        if not args.no_browser:
            load, reachable, search, status, opened = browse(
                page_path, timing["last"], timing["last_date"], timing["last_id"]
            )
            row |= {
                "Chromium ready s": load,
                "reachable": reachable,
                "search s": search,
                "search result": status,
                "permalink to the last": opened,
            }
        rows.append(row)
        print(row, file=sys.stderr)
    keys = list(rows[0])
    if args.markdown:
        print("| " + " | ".join(keys) + " |")
        print("|" + "---|" * len(keys))
    for row in rows:
        cells = [
            f"{v:,}" if isinstance(v, int) else f"{v:.2f}" if isinstance(v, float) else str(v)
            for v in row.values()
        ]
        print(("| " + " | ".join(cells) + " |") if args.markdown else "  ".join(cells))


if __name__ == "__main__":
    main()
