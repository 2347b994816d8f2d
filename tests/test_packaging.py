"""The built wheel ships the dataset and the schema, and works outside the repository."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from eventline.project import PROJECT_FILES

from .conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(REPO),
        ],
        check=True,
    )
    (built,) = out.glob("eventline-*.whl")
    return built


def test_wheel_contains_data_schema_and_types(wheel):
    """The dataset, its schema and the py.typed marker are inside the wheel."""
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"eventline/data/events.json", "eventline/schema.json", "eventline/py.typed"} <= names
    templates = {f"eventline/project_template/{n}" for n in PROJECT_FILES.values()}
    assert templates <= names, "eventline init needs its template files in the wheel"
    page_files = {"templates/page.html.j2", "assets/page.css", "assets/page.js"}
    assert {f"eventline/render/{name}" for name in page_files} <= names
    shipped = zipfile.ZipFile(wheel).read("eventline/data/events.json")
    assert shipped == (REPO / "data/events.json").read_bytes()


def test_installed_wheel_loads_the_dataset_from_any_folder(wheel, tmp_path):
    """In a fresh venv, outside the repo, `import eventline; eventline.load()` works."""
    env = tmp_path / "venv"
    # Dependencies come from this interpreter; the wheel itself is installed fresh.
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env)
    python = env / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "-q",
            str(wheel),
        ],
        check=True,
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    script = (
        "import json, eventline\n"
        "tl = eventline.load()\n"
        "print(json.dumps([eventline.__file__, len(tl), tl.get('inauguration').date.display()]))\n"
    )
    out = subprocess.run(
        [python, "-c", script], cwd=work, capture_output=True, text=True, check=True
    )
    module_file, count, inauguration = json.loads(out.stdout)
    assert module_file.startswith(str(env))
    assert count == len(json.loads((REPO / "data/events.json").read_text("utf-8"))["events"])
    assert inauguration == "20 January 2025"
    result = subprocess.run(
        [env / "bin" / "eventline", "validate"],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    assert result.stderr.startswith(str(env))


def test_wheel_contains_the_message_catalogues(wheel):
    """Every language's .po catalogue ships, so --lang works from an installed wheel."""
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        f"eventline/locale/{tag}/LC_MESSAGES/eventline.po" for tag in ("ar", "de", "fr", "uk")
    }
    assert expected <= names
