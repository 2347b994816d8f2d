"""Golden files: stored expected outputs compared byte for byte.

Refreshing them is a deliberate step: run ``EVENTLINE_REFRESH_GOLDEN=1 pytest``
and review the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("EVENTLINE_REFRESH_GOLDEN") == "1":
        path.write_bytes(actual.encode("utf-8"))
    expected = path.read_bytes().decode("utf-8")
    assert actual == expected, f"{name} differs from its golden file; see the diff above"
