"""`eventline init` starts a project of one's own; `Timeline.to_pandas()` hands events to pandas."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

import eventline
from eventline.project import PROJECT_FILES, requirement_from_direct_url

FILES = list(PROJECT_FILES)


class TestInit:
    def test_writes_the_project_files(self, run, tmp_path):
        """init DIR writes the data file, workflow, pre-commit config and README, naming each."""
        result = run("init", str(tmp_path / "story"))
        assert result.exit_code == 0
        assert result.stdout.splitlines() == [
            *(f"{tmp_path / 'story' / name}: written" for name in FILES),
            f"{tmp_path / 'story' / '.github/workflows/timeline.yml'}: set the repository "
            "variable EVENTLINE to where CI installs eventline from (this eventline was "
            "installed from a folder; the package named eventline on the public package "
            "index is another project)",
            f"next: cd {tmp_path / 'story'}, then edit data/events.json and run: "
            "eventline validate && eventline render",
        ]
        assert all((tmp_path / "story" / name).is_file() for name in FILES)

    def test_the_title_comes_from_the_folder_or_from_title(self, run, tmp_path):
        """`init ceasefire-talks` titles the timeline "Ceasefire talks"; --title overrides."""
        run("init", str(tmp_path / "ceasefire-talks"))
        run("init", str(tmp_path / "other"), "--title", "Talks in Riyadh")
        assert eventline.load(tmp_path / "ceasefire-talks/data/events.json").title == (
            "Ceasefire talks"
        )
        assert eventline.load(tmp_path / "other/data/events.json").title == "Talks in Riyadh"
        readme = (tmp_path / "other/README.md").read_text(encoding="utf-8")
        assert readme.startswith("# Talks in Riyadh\n")

    def test_two_new_projects_do_not_share_calendar_uids(self, run, tmp_path):
        """Projects started in different folders export different UIDs for the same event id."""
        uids = []
        for name in ("desk-one", "desk-two"):
            run("init", str(tmp_path / name))
            ics = eventline.load(tmp_path / name / "data/events.json").to_ics()
            uids.append(set(re.findall(r"^UID:(.*)\r$", ics, flags=re.M)))
        assert uids[0]
        assert uids[1]
        assert uids[0].isdisjoint(uids[1])

    def test_a_blank_title_is_a_usage_error(self, run, tmp_path):
        """--title "  " exits 2 with the reason and writes nothing."""
        result = run("init", str(tmp_path / "x"), "--title", "  ")
        assert result.exit_code == 2
        assert 'Invalid value for --title: "  " is blank' in result.stderr
        assert not (tmp_path / "x").exists()

    def test_validate_fmt_and_render_succeed_straight_after(self, run, tmp_path, monkeypatch):
        """Inside the new folder, validate, fmt --check and render all pass at once."""
        monkeypatch.chdir(tmp_path)
        assert run("init").exit_code == 0
        assert run("validate", "data/events.json").exit_code == 0
        assert run("fmt", "--check", "data/events.json").exit_code == 0
        result = run("render", "--plotlyjs", "cdn")
        assert result.stdout == "reports/timeline.html: 1 event drawn\n"

    def test_workflow_runs_the_checks_with_eventline_from_where_it_came(self, run, tmp_path):
        """CI installs eventline from the repository variable when init ran from a folder."""
        run("init", str(tmp_path))
        workflow = (tmp_path / ".github/workflows/timeline.yml").read_text("utf-8")
        assert 'EVENTLINE: "${{ vars.EVENTLINE }}"' in workflow
        assert 'pip install "$EVENTLINE"' in workflow
        steps = [line.strip() for line in workflow.splitlines() if "- run: eventline" in line]
        assert steps == [
            "- run: eventline validate data/events.json",
            "- run: eventline fmt --check data/events.json",
            "- run: eventline render",
        ]
        hooks = (tmp_path / ".pre-commit-config.yaml").read_text("utf-8")
        assert "id: eventline-validate" in hooks
        assert "id: eventline-fmt" in hooks

    def test_no_file_installs_the_other_project_named_eventline(self, run, tmp_path):
        """No written file tells pip to install the bare name: on the index it is another project."""
        run("init", str(tmp_path))
        for name in FILES:
            text = (tmp_path / name).read_text("utf-8")
            assert re.search(r"pip install \"?eventline(==[^\s\"]*)?\"?(\s|`|$)", text) is None, (
                name
            )
            assert re.search(r"\$(version|install|requirement|origin)\b", text) is None, name

    @pytest.mark.parametrize(
        ("direct_url", "extras", "expected"),
        [
            (
                '{"url": "https://github.com/org/eventline", "vcs_info": '
                '{"vcs": "git", "commit_id": "1f2e3d", "requested_revision": "v0.1.0"}}',
                "",
                "eventline @ git+https://github.com/org/eventline@1f2e3d",
            ),
            (
                '{"url": "https://example.org/eventline-0.1.0-py3-none-any.whl", '
                '"archive_info": {}}',
                "[xlsx]",
                "eventline[xlsx] @ https://example.org/eventline-0.1.0-py3-none-any.whl",
            ),
            ('{"url": "file:///home/me/eventline", "dir_info": {"editable": true}}', "", None),
            ('{"url": "file:///tmp/eventline-0.1.0.whl", "archive_info": {}}', "", None),
            (None, "", None),
            ("not json", "", None),
        ],
    )
    def test_requirement_comes_from_pep_610_direct_url(self, direct_url, extras, expected):
        """A VCS or archive URL is reinstallable elsewhere; a local folder or file is not."""
        assert requirement_from_direct_url(direct_url, extras) == expected

    def test_the_lock_file_import_leaves_is_git_ignored(self, run, tmp_path):
        """data/.gitignore ignores the data file's lock file, which add and import leave."""
        import shutil
        import subprocess

        git = shutil.which("git")
        if git is None:
            pytest.skip("git is not installed")
        run("init", str(tmp_path))
        subprocess.run([git, "init", "-q", str(tmp_path)], check=True)
        (tmp_path / "data/events.json.lock").touch()
        ignored = subprocess.run(
            [git, "-C", str(tmp_path), "check-ignore", "data/events.json.lock", "data/events.json"],
            capture_output=True,
            text=True,
        )
        assert ignored.stdout == "data/events.json.lock\n"

    def test_refuses_to_overwrite_and_writes_nothing(self, run, tmp_path):
        """With README.md present, init names it, exits 1, and writes no other file."""
        (tmp_path / "README.md").write_text("mine\n", encoding="utf-8")
        result = run("init", str(tmp_path))
        assert result.exit_code == 1
        assert result.stdout == (
            f"{tmp_path / 'README.md'}: exists already; init writes nothing over an existing file\n"
        )
        assert (tmp_path / "README.md").read_text("utf-8") == "mine\n"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md"]


class TestToPandas:
    def test_one_row_per_event_with_the_documented_columns(self, small_file):
        """Columns and dtypes are as documented; lists stay lists of ids."""
        frame = eventline.load(small_file).to_pandas()
        assert list(frame.columns) == [
            "id",
            "title",
            "date",
            "earliest",
            "latest",
            "precision",
            "qualifier",
            "category",
            "category_label",
            "actors",
            "places",
            "tags",
            "summary",
            "sources",
        ]
        assert list(frame["id"]) == ["annexation", "invasion", "war", "call", "conference"]
        assert str(frame["earliest"].dtype) == str(frame["latest"].dtype) == "datetime64[s]"
        call = frame.set_index("id").loc["call"]
        assert call["actors"] == ["trump", "putin"]
        assert call["sources"] == ["article"]
        assert call["category_label"] == "Diplomacy"
        assert call["earliest"] == pd.Timestamp(2025, 2, 12)

    def test_open_end_is_nat_and_bounds_follow_precision(self, small_file):
        """An open end gives NaT; a month spans its first to last day."""
        frame = eventline.load(small_file).to_pandas().set_index("id")
        assert pd.isna(frame.loc["war", "latest"])
        assert frame.loc["invasion", "latest"].date() == dt.date(2022, 2, 28)
        assert frame.loc["annexation", "precision"] == "year"
        assert frame.loc["annexation", "qualifier"] is None

    def test_years_outside_pandas_nanosecond_range_fit(self, tmp_path, small_doc):
        """Year 1 and 9999 are within the grammar, and within the frame."""
        from .conftest import write_json

        small_doc["events"][0]["date"] = "0001"
        small_doc["events"][1]["date"] = "9999-12"
        frame = eventline.load(write_json(tmp_path / "e.json", small_doc)).to_pandas()
        assert frame["earliest"].iloc[0] == pd.Timestamp("0001-01-01")
        assert frame["latest"].iloc[-1] == pd.Timestamp("9999-12-31")
