"""Measure eventline against `json.load` on the same files, and the rendered page in Chromium.

Usage:
    python benchmarks/run.py [--sizes 10000 100000 1000000] [--render 1000 20000 100000]
                             [--exports json csv ics timelinejs] [--work DIR] [--markdown]

For each size it writes a synthetic dataset (benchmarks/generate.py) and runs,
each as its own process: the baseline `python -c "import json; json.load(open(F))"`,
`eventline validate F`, `eventline fmt --check F` and `eventline export --format X`
for each X of --exports (json, csv, ics and timelinejs by default).
Each command runs twice: once unwatched, for wall time (and its ratio to the
baseline) and CPU seconds; once sampled, for peak memory (sampling slows a run).
It prints wall time, the ratio to the baseline, and peak memory: the resident
set (RSS) and proportional set (PSS) of the whole process tree, sampled every
10 ms (validate forks a helper for large files, so one process's figure would
flatter it; the RSS sum counts the pages the helper shares with its parent twice), and the
CPU seconds of the tree (user + system), steadier than wall time on a busy machine. Then it renders
pages of the --render sizes and times their load in headless Chromium until
every event is drawn. Nothing here is a test: the figures vary with the machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

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


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in kB. PSS shares each shared page among the
    processes that map it, so a forked helper's copy-on-write pages count once."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def adopt_orphans() -> None:
    """Make this process the one that reaps the measured commands' orphans (Linux
    PR_SET_CHILD_SUBREAPER): eventline's forked helpers that have answered end
    by themselves, after the command, and their CPU seconds would otherwise
    reach no one's rusage. No-op where prctl is not available."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def reap_orphans() -> float:
    """Wait for every orphan adopted (see :func:`adopt_orphans`) to end; their CPU seconds."""
    seconds = 0.0
    while True:
        try:
            _, _, usage = os.wait4(-1, 0)
        except ChildProcessError:
            return seconds
        seconds += usage.ru_utime + usage.ru_stime


def timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, its helpers included, also those
    that end after it) of a run that nothing samples."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if (code := os.waitstatus_to_exitcode(status)) != 0:
        raise SystemExit(f"{' '.join(command)} failed with exit code {code}")
    return elapsed, usage.ru_utime + usage.ru_stime + reap_orphans()


def measure(command: list[str]) -> tuple[float, float, float, float]:
    """Wall seconds, the peak RSS and PSS (MB) of the process tree, and its CPU
    seconds (user + system, its helpers included, also those that end after it).

    On a busy shared machine wall time swings with the load; CPU time much less.
    Sampling slows the run (reading smaps_rollup of a multi-GB process every
    10 ms costs a core's share on a 2-core machine): take seconds from
    :func:`timed`, memory from here.
    """
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak_rss = peak_pss = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        sizes = [_memory_kb(p) for p in _tree(proc.pid)]
        peak_rss = max(peak_rss, sum(r for r, _ in sizes))
        peak_pss = max(peak_pss, sum(p for _, p in sizes))
        time.sleep(0.01)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed with exit code {proc.returncode}")
    cpu = usage.ru_utime + usage.ru_stime + reap_orphans()
    return elapsed, peak_rss / 1024, peak_pss / 1024, cpu


def import_time() -> tuple[float, bool]:
    """Median seconds that `import eventline` adds to a bare interpreter, and whether plotly loads."""

    def run(code: str) -> float:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - started

    bare = statistics.median(run("pass") for _ in range(7))
    full = statistics.median(run("import eventline") for _ in range(7))
    probe = subprocess.run(
        [sys.executable, "-c", "import sys, eventline; print('plotly' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    )
    return full - bare, probe.stdout.strip() == "True"


def render_page(count: int, work: Path) -> tuple[float, int, float]:
    """Seconds to render the page, its size in MB, and seconds until Chromium has drawn every event."""
    from playwright.sync_api import sync_playwright

    data = work / f"render-{count}.json"
    if not data.exists():
        generate.write(count, data)
    page_path = work / f"render-{count}.html"
    seconds, _, _, _ = measure(
        [sys.executable, "-m", "eventline", "render", "--data", str(data), "-o", str(page_path)]
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        started = time.perf_counter()
        page.goto(page_path.as_uri())
        page.wait_for_selector("html[data-eventline-ready]", state="attached", timeout=600_000)
        load = time.perf_counter() - started
        # Events drawn as their own marker, and those a numbered cluster lists.
        from page import REACH_JS

        drawn = page.evaluate(REACH_JS)
        browser.close()
    if drawn != count:
        raise SystemExit(f"the {count}-event page reaches {drawn} events")
    return seconds, page_path.stat().st_size / 1e6, load


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument(
        "--render",
        type=int,
        nargs="*",
        default=None,
        help="page sizes to render (default 1000 20000 100000; none with --exports-only)",
    )
    parser.add_argument(
        "--exports", nargs="*", default=["json", "csv", "ics", "timelinejs"], help="export formats"
    )
    parser.add_argument("--exports-only", action="store_true", help="skip validate and fmt --check")
    parser.add_argument("--work", type=Path, default=HERE / ".work")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    args = parser.parse_args()
    if args.render is None:
        args.render = [] if args.exports_only else [1_000, 20_000, 100_000]
    args.work.mkdir(parents=True, exist_ok=True)
    adopt_orphans()
    eventline = [sys.executable, "-m", "eventline"]

    rows = []
    for size in args.sizes:
        data = args.work / f"events-{size}.json"
        if not data.exists():
            generate.write(size, data)
        mb = data.stat().st_size / 1e6
        baseline = [sys.executable, "-c", f"import json; json.load(open({str(data)!r}))"]
        base_s, base_cpu = timed(baseline)
        _, base_rss, base_pss, _ = measure(baseline)
        rows.append(
            (
                size,
                mb,
                "json.load (baseline)",
                base_s,
                1.0,
                base_rss,
                1.0,
                base_pss,
                1.0,
                base_cpu,
                1.0,
            )
        )
        exports = [
            (
                f"eventline export --format {fmt}",
                [
                    *eventline,
                    "export",
                    "--format",
                    fmt,
                    "--data",
                    str(data),
                    "-o",
                    str(args.work / f"out.{fmt}"),
                ],
            )
            for fmt in args.exports
        ]
        checks = [
            ("eventline validate", [*eventline, "validate", str(data)]),
            ("eventline fmt --check", [*eventline, "fmt", "--check", str(data)]),
        ]
        for label, command in [*([] if args.exports_only else checks), *exports]:
            seconds, cpu = timed(command)  # unwatched: seconds and CPU
            _, rss, pss, _ = measure(command)  # sampled: memory
            rows.append(
                (
                    size,
                    mb,
                    label,
                    seconds,
                    seconds / base_s,
                    rss,
                    rss / base_rss,
                    pss,
                    pss / base_pss,
                    cpu,
                    cpu / base_cpu,
                )
            )

    header = (
        "events",
        "file MB",
        "command",
        "seconds",
        "× time",
        "peak RSS MB",
        "× RSS",
        "peak PSS MB",
        "× PSS",
        "CPU s",
        "× CPU",
    )
    lines = [
        [
            f"{r[0]:,}",
            f"{r[1]:.0f}",
            r[2],
            f"{r[3]:.2f}",
            f"{r[4]:.2f}",
            f"{r[5]:.0f}",
            f"{r[6]:.2f}",
            f"{r[7]:.0f}",
            f"{r[8]:.2f}",
            f"{r[9]:.2f}",
            f"{r[10]:.2f}",
        ]
        for r in rows
    ]
    imp, plotly_loaded = import_time()
    renders = []
    if args.render and Path(CHROMIUM).exists():
        for count in args.render:
            renders.append((count, *render_page(count, args.work)))
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join("---" for _ in header) + "|")
        for line in lines:
            print("| " + " | ".join(line) + " |")
        print()
        print(
            f"`import eventline`: {imp * 1000:.0f} ms over a bare interpreter; plotly imported: {plotly_loaded}"
        )
        if renders:
            print()
            print("| events | render s | page MB | Chromium load until all drawn, s |")
            print("|---|---|---|---|")
            for count, seconds, size, load in renders:
                print(f"| {count:,} | {seconds:.2f} | {size:.1f} | {load:.2f} |")
        return
    widths = [max(len(str(x)) for x in col) for col in zip(header, *lines, strict=True)]
    for line in [list(header), *lines]:
        print(
            "  ".join(
                str(cell).rjust(w) if i != 2 else str(cell).ljust(w)
                for i, (cell, w) in enumerate(zip(line, widths, strict=True))
            )
        )
    print(
        f"\nimport eventline: {imp * 1000:.0f} ms over a bare interpreter; plotly imported: {plotly_loaded}"
    )
    for count, seconds, size, load in renders:
        print(
            f"render {count:,} events: {seconds:.2f} s, page {size:.1f} MB, Chromium draws all in {load:.2f} s"
        )


if __name__ == "__main__":
    main()
