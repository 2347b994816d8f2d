"""A new timeline project: ``eventline init``.

The files come from ``eventline/project_template/`` (package data): a valid,
canonical data file with one example event, a CI workflow, a pre-commit
configuration using eventline's hooks, and a README with the next steps.
"""

from __future__ import annotations

import json
import os
from importlib import resources
from importlib.metadata import PackageNotFoundError, distribution, version
from pathlib import Path
from string import Template

from eventline import io

__all__ = [
    "PROJECT_FILES",
    "ProjectExistsError",
    "init_project",
    "install_requirement",
    "requirement_from_direct_url",
    "title_for",
]

# Where each file of the project goes (relative to the project folder) and
# which template it comes from; the templates' names carry no leading dot so
# that every build tool packages them.
PROJECT_FILES: dict[str, str] = {
    "data/events.json": "events.json",
    "data/.gitignore": "data-gitignore",
    ".github/workflows/timeline.yml": "timeline.yml",
    ".pre-commit-config.yaml": "pre-commit-config.yaml",
    "README.md": "README.md",
}


class ProjectExistsError(FileExistsError):
    """Some files ``init`` would write exist already; ``paths`` names them."""

    def __init__(self, paths: list[Path]) -> None:
        self.paths = paths
        super().__init__(", ".join(str(p) for p in paths))


def requirement_from_direct_url(direct_url: str | None, extras: str = "") -> str | None:
    """The pip requirement that installs the same eventline on another machine.

    Args:
        direct_url: the text of the installed distribution's ``direct_url.json``
            (PEP 610, "Recording the Direct URL Origin of installed
            distributions"), or None when there is none (installed from an index).
        extras: extras to ask for, such as ``"[xlsx]"``.

    Returns:
        ``eventline @ git+https://...@COMMIT`` for an install from a version
        control URL, ``eventline @ https://.../eventline-0.1.0.whl`` for one
        from an archive's URL; None for one from a local folder or file (no other
        machine can reach it) or from an index: the package named
        ``eventline`` on the public package index is another project, so
        a bare ``eventline`` is never the answer.
    """
    if not direct_url:
        return None
    try:
        info = json.loads(direct_url)
    except ValueError:
        return None
    url = info.get("url") if isinstance(info, dict) else None
    vcs = info.get("vcs_info") if isinstance(info, dict) else None
    if not isinstance(url, str) or url.startswith("file:"):
        return None
    if not isinstance(vcs, dict):
        # An archive (a wheel or sdist) at a URL other machines can fetch too.
        return f"eventline{extras} @ {url}" if "archive_info" in info else None
    commit = vcs.get("commit_id")
    return f"eventline{extras} @ {vcs.get('vcs', 'git')}+{url}" + (f"@{commit}" if commit else "")


def install_requirement(extras: str = "") -> str | None:
    """:func:`requirement_from_direct_url` for the eventline running now."""
    try:
        direct_url = distribution("eventline").read_text("direct_url.json")
    except PackageNotFoundError:
        return None
    return requirement_from_direct_url(direct_url, extras)


def title_for(folder: str | os.PathLike[str]) -> str:
    """A timeline title from a project folder's name: ``ceasefire-talks`` gives
    ``Ceasefire talks``; a name with no letters or digits gives ``My timeline``.

    The title is the dataset's identity in calendar UIDs (see
    :func:`eventline.export.ics.uid`), so projects in different folders do not
    collide in one calendar.
    """
    name = Path(folder).resolve().name
    words = " ".join(name.replace("_", " ").replace("-", " ").split())
    if not any(c.isalnum() for c in words):
        return "My timeline"
    return words[0].upper() + words[1:]


def _template(name: str, title: str) -> str:
    text = (
        resources.files("eventline").joinpath("project_template").joinpath(name).read_text("utf-8")
    )
    if name == "events.json":
        doc = json.loads(text)
        doc["title"] = title
        return io.canonical_bytes(doc).decode("utf-8")
    if name == "README.md":
        text = text.replace("# My timeline", f"# {title}", 1)
    here = version("eventline")
    requirement = install_requirement()
    install = install_requirement("[xlsx]") or (
        f"eventline[xlsx] @ git+URL-OF-EVENTLINE'S-REPOSITORY@v{here}"
    )
    # The workflow installs the eventline that made the project when another
    # machine can reach it; else it reads a repository variable and says so.
    return Template(text).safe_substitute(
        version=here,
        requirement=requirement or "${{ vars.EVENTLINE }}",
        origin=(
            'This is the eventline that ran "eventline init".'
            if requirement
            else '"eventline init" ran from a local install: set the repository variable EVENTLINE.'
        ),
        install=install,
    )


def init_project(folder: str | os.PathLike[str] = ".", title: str | None = None) -> list[Path]:
    """Write a new timeline project into ``folder`` (created when missing).

    Args:
        folder: the project folder.
        title: the timeline's title; by default :func:`title_for` the folder.

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
        io.atomic_write(target, _template(name, title or title_for(root)), make_parents=True)
    return targets
