"""A new timeline project: ``eventline init``.

The files come from ``eventline/project_template/`` (package data): a valid,
canonical data file with one example event, a CI workflow, a pre-commit
configuration using eventline's hooks, and a README with the next steps.
"""

from __future__ import annotations

import os
from importlib import resources
from importlib.metadata import version
from pathlib import Path
from string import Template

from eventline import io

__all__ = ["PROJECT_FILES", "ProjectExistsError", "init_project"]

# Where each file of the project goes (relative to the project folder) and
# which template it comes from; the templates' names carry no leading dot so
# that every build tool packages them.
PROJECT_FILES: dict[str, str] = {
    "data/events.json": "events.json",
    ".github/workflows/timeline.yml": "timeline.yml",
    ".pre-commit-config.yaml": "pre-commit-config.yaml",
    "README.md": "README.md",
}


class ProjectExistsError(FileExistsError):
    """Some files ``init`` would write exist already; ``paths`` names them."""

    def __init__(self, paths: list[Path]) -> None:
        self.paths = paths
        super().__init__(", ".join(str(p) for p in paths))


def _template(name: str) -> str:
    text = (
        resources.files("eventline").joinpath("project_template").joinpath(name).read_text("utf-8")
    )
    # The workflow installs the eventline that made the project.
    return Template(text).safe_substitute(version=version("eventline"))


def init_project(folder: str | os.PathLike[str] = ".") -> list[Path]:
    """Write a new timeline project into ``folder`` (created when missing).

    Returns:
        The files written, in :data:`PROJECT_FILES` order.

    Raises:
        ProjectExistsError: any of the files exists; nothing is written.
        io.WriteError: a file or folder cannot be written.
    """
    root = Path(folder)
    targets = [root / relative for relative in PROJECT_FILES]
    existing = [t for t in targets if t.exists() or t.is_symlink()]
    if existing:
        raise ProjectExistsError(existing)
    for target, name in zip(targets, PROJECT_FILES.values(), strict=True):
        io.atomic_write(target, _template(name), make_parents=True)
    return targets
