"""Write a deterministic, valid synthetic dataset of N events (canonical form).

Usage: python benchmarks/generate.py N OUT.json

20 categories, 500 actors, 100 sources; realistic text lengths; every date
form of the grammar in realistic shares (mostly days). The same N always
gives the same bytes.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from eventline import io

WORDS = (
    "talks minister leaders agreed meeting border troops ceasefire sanctions aid vote "
    "council summit statement security forces region treaty envoy capital parliament "
    "president delegation proposal negotiations withdrawal support offensive defence "
    "minerals energy grain ports shipping prisoners exchange resolution court warrant"
).split()

# (share, how to make the date string from a random day)
DATE_FORMS = (
    (0.70, lambda d, r: d),  # a day
    (0.08, lambda d, r: d[:7]),  # a month
    (0.04, lambda d, r: d[:4]),  # a year
    (0.08, lambda d, r: f"{d}/{_later(d, r)}"),  # an interval of days
    (0.02, lambda d, r: f"{d}/.."),  # ongoing
    (0.01, lambda d, r: f"{d}/"),  # end unknown
    (0.03, lambda d, r: d + "~"),  # approximate day
    (0.02, lambda d, r: d[:7] + "?"),  # uncertain month
    (0.02, lambda d, r: d[:4] + "%"),  # approximate and uncertain year
)


def _later(day: str, rng: random.Random) -> str:
    year, month, dd = int(day[:4]), int(day[5:7]), int(day[8:10])
    dd2 = min(28, dd + rng.randint(1, 10))
    return f"{year:04d}-{month:02d}-{max(dd, dd2):02d}"


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize()


def document(count: int, seed: int = 2025) -> dict:
    rng = random.Random(seed)
    palette = [f"#{rng.randrange(0x1000000):06x}" for _ in range(20)]
    categories = [
        {"id": f"category-{i}", "label": f"Category {i}", "color": palette[i]} for i in range(20)
    ]
    kinds = ("person", "state", "organization")
    actors = [
        {
            "id": f"actor-{i}",
            "name": f"Actor {i} {rng.choice(WORDS).title()}",
            "kind": kinds[i % 3],
            "role": _sentence(rng, 2, 5),
        }
        for i in range(500)
    ]
    sources = [
        {
            "id": f"source-{i}",
            "title": _sentence(rng, 5, 12),
            "publisher": f"Publisher {i % 17}",
            "published": f"20{10 + i % 15:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "url": f"https://example.org/news/{i}/{rng.choice(WORDS)}",
        }
        for i in range(100)
    ]
    shares = [share for share, _ in DATE_FORMS]
    makers = [make for _, make in DATE_FORMS]
    events = []
    for i in range(count):
        day = f"{rng.randint(1990, 2025):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        make = rng.choices(makers, shares)[0]
        event = {
            "id": f"event-{i:07d}",
            "title": _sentence(rng, 4, 10),
            "date": make(day, rng),
            "category": f"category-{rng.randrange(20)}",
            "summary": ". ".join(_sentence(rng, 8, 20) for _ in range(rng.randint(1, 3))) + ".",
            "actors": sorted({f"actor-{rng.randrange(500)}" for _ in range(rng.randint(0, 3))}),
            "places": sorted({rng.choice(WORDS).title() for _ in range(rng.randint(0, 2))}),
            "tags": sorted({rng.choice(WORDS) for _ in range(rng.randint(0, 3))}),
            "citations": [
                {"source": f"source-{rng.randrange(100)}", "quote": _sentence(rng, 5, 25)}
                for _ in range(rng.randint(1, 2))
            ],
        }
        events.append({k: v for k, v in event.items() if v != []})
    return {
        "title": f"Synthetic timeline of {count:,} events",
        "description": _sentence(rng, 10, 30) + ".",
        "categories": categories,
        "actors": actors,
        "sources": sources,
        "events": events,
    }


def write(count: int, out: Path) -> None:
    """Write the dataset in canonical form (sorted, formatted) to ``out``."""
    from eventline.dates import EventDate

    doc = document(count)
    doc["events"].sort(key=lambda e: (*EventDate.parse(e["date"]).sort_key, e["id"]))
    out.write_text(io.dumps_json(doc), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("events", type=int, help="how many events (N)")
    parser.add_argument("out", type=Path, help="the data file to write (OUT.json)")
    args = parser.parse_args()
    if args.events < 0:
        parser.error("events: give a count of 0 or more")
    write(args.events, args.out)


if __name__ == "__main__":
    main()
