"""DuckDB validation of Parquet datasets against the JSON path on the same events.

Usage: python benchmarks/parquet.py [--sizes 1000000 10000000] [--work DIR] [--threads N]

Generates the datasets directly (generate.py's events, written with
eventline.parquet; larger sizes repeat the million with other ids), then runs, each in its own process:
``json.load`` of the data file (the baseline), ``eventline validate FILE``
(the JSON path) and ``eventline validate DIR`` (DuckDB), at the first size;
only ``eventline validate DIR`` at the others. Prints wall time, the ratio to
the JSON path at the first size, CPU time, and peak RSS/PSS of the process tree.

Each command runs twice: once timed with nothing watching it, once sampled
for memory (run.py's ``measure``). Sampling reads every process's
``/proc/PID/smaps_rollup`` each 10 ms, which walks its page tables, and the
bigger the process the longer: on this two-core machine it slowed DuckDB's
run at 1M events by about 40 %, the JSON path's by about 50 % and DuckDB's
at 10M by 90 %, so the seconds and the ratio come from the unwatched run;
the sampled run's seconds are printed beside them.
On a shared machine: ``nice python benchmarks/parquet.py --generate-only --work W``, then
``flock /work/bench.lock python benchmarks/parquet.py --work W``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import document
from run import adopt_orphans, measure, timed

from eventline import io, parquet
from eventline.dates import EventDate

BATCH = 1_000_000
EVENTLINE = str(Path(sys.executable).with_name("eventline"))


def _batch(count: int, seed: int, prefix: str) -> dict:
    doc = document(count, seed)
    if prefix:
        for event in doc["events"]:
            event["id"] = f"{prefix}-{event['id']}"
    doc["events"].sort(key=lambda e: (*EventDate.parse(e["date"]).sort_key, e["id"]))
    return doc


def write_dataset(count: int, folder: Path, json_file: Path | None = None) -> None:
    """A dataset of ``count`` events in ``folder`` (and, up to a million, the data file).

    Past a million, the million-event dataset (generated first, beside
    ``folder``) is repeated with other ids (``b1-event-…``): Arrow copies
    columns, so 10M events take seconds, not the generator's half hour."""
    if count <= BATCH:
        doc = _batch(count, 2025, "")
        parquet.write_dataset(doc, folder)
        if json_file is not None:
            json_file.write_bytes(io.canonical_bytes(doc))
        return
    base = folder.with_name(f"events-{BATCH}")
    if not base.exists():
        write_dataset(BATCH, base)
    folder.mkdir(parents=True)
    for name in ("timeline", "categories", "actors", "sources"):
        shutil.copy(base / f"{name}.parquet", folder / f"{name}.parquet")
    events = {f: pq.read_table(f) for f in parquet.event_files(base)}
    cited = pq.read_table(base / "citations.parquet")
    citations = pq.ParquetWriter(
        folder / "citations.parquet", parquet.SCHEMAS["citations"], compression="zstd"
    )
    done = batch = 0
    while done < count:
        prefix = pa.scalar(f"b{batch}")
        for file, table in events.items():
            size = min(table.num_rows, count - done)
            if size <= 0:
                break
            table = table.slice(0, size)
            ids = pc.binary_join_element_wise(prefix, table.column("id"), "-")
            table = table.set_column(table.schema.get_field_index("id"), "id", ids)
            part = folder / "events" / file.parent.name
            part.mkdir(parents=True, exist_ok=True)
            pq.write_table(
                table,
                part / f"part-{batch}.parquet",
                compression="zstd",
                row_group_size=parquet.ROW_GROUP_SIZE,
            )
            done += size
        event_ids = pc.binary_join_element_wise(prefix, cited.column("event_id"), "-")
        citations.write_table(
            cited.set_column(cited.schema.get_field_index("event_id"), "event_id", event_ids),
            row_group_size=parquet.ROW_GROUP_SIZE,
        )
        batch += 1
        print(f"  wrote {done:,} events", file=sys.stderr, flush=True)
    citations.close()


def _size_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument(
        "--memory-limit",
        default="8GB",
        help="DuckDB's memory limit past the first size (the machine is shared); "
        "'' for DuckDB's default",
    )
    parser.add_argument(
        "--generate-only",
        action="store_true",
        help="write the datasets and stop (generation is not measured: run it "
        "niced, outside the benchmark lock, then measure under the lock)",
    )
    args = parser.parse_args()
    adopt_orphans()
    work = args.work or Path(tempfile.mkdtemp(prefix="eventline-bench-parquet-"))
    rows = []
    json_seconds = None
    for n, count in enumerate(args.sizes):
        folder = work / f"events-{count}"
        json_file = work / f"events-{count}.json" if n == 0 else None
        if not folder.exists():
            print(f"generating {count:,} events in {folder}", file=sys.stderr, flush=True)
            write_dataset(count, folder, json_file)
        if args.generate_only:
            continue
        commands = []
        if json_file is not None:
            code = f"import json; json.load(open({str(json_file)!r}, 'rb'))"
            commands.append(("json.load (baseline)", json_file, [sys.executable, "-c", code]))
            commands.append(
                (
                    "eventline validate FILE (JSON)",
                    json_file,
                    [EVENTLINE, "validate", str(json_file)],
                )
            )
        if n == 0 or not args.memory_limit:
            commands.append(
                ("eventline validate DIR (DuckDB)", folder, [EVENTLINE, "validate", str(folder)])
            )
        else:
            code = (
                "from eventline.duckdb_check import validate_dataset; "
                f"assert validate_dataset({str(folder)!r}, memory_limit={args.memory_limit!r}) == []"
            )
            label = f"validate_dataset, DuckDB memory_limit {args.memory_limit}"
            commands.append((label, folder, [sys.executable, "-c", code]))
        for label, target, command in commands:
            seconds, cpu = timed(command)
            sampled, rss, pss, _cpu = measure(command)
            if label.endswith("(JSON)"):
                json_seconds = seconds
            ratio = f"{seconds / json_seconds:.2f}" if json_seconds else "–"
            size = f"{_size_mb(target):,.0f}"
            rows.append((f"{count:,}", size, label, seconds, ratio, cpu, rss, pss, sampled))
            print(f"{rows[-1]}", file=sys.stderr, flush=True)
    print(
        "| events | MB on disk | command | seconds | × JSON path | CPU s"
        " | peak RSS MB | peak PSS MB | seconds, sampled |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for count, size, label, seconds, ratio, cpu, rss, pss, sampled in rows:
        print(
            f"| {count} | {size} | {label} | {seconds:.2f} | {ratio} | {cpu:.1f}"
            f" | {rss:,.0f} | {pss:,.0f} | {sampled:.2f} |"
        )


if __name__ == "__main__":
    main()
