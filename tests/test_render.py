"""The timeline page and figure, outside the browser."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys

import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from plotly.offline import get_plotlyjs

import eventline
from eventline import render

from .conftest import REPO, write_json
from .golden import check_golden
from .test_dates import event_dates
from .test_hardening import timelines


def _without_plotlyjs(page: str) -> str:
    bundle = get_plotlyjs()
    assert page.count(bundle) == 1
    return page.replace(bundle, "/* plotly.js */")


def test_page_matches_its_golden_file(small_file):
    """The page (without the bulky plotly.js) is byte for byte the reviewed one."""
    page = render.to_html(eventline.load(small_file))
    check_golden("small-timeline.html", _without_plotlyjs(page))


def test_committed_report_is_current():
    """reports/timeline.html is what `eventline render` makes of data/events.json."""
    expected = render.to_html(eventline.load(REPO / "data" / "events.json"))
    committed = (REPO / "reports" / "timeline.html").read_text(encoding="utf-8")
    assert committed == expected, "reports/timeline.html is stale: run `eventline render`"


def test_same_data_same_bytes_across_processes(tmp_path, small_file):
    """Two separate processes (different hash seeds) write identical pages."""
    digests = set()
    for seed in ("1", "2"):
        out = tmp_path / f"page-{seed}.html"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "eventline",
                "render",
                "--data",
                str(small_file),
                "-o",
                str(out),
            ],
            check=True,
            capture_output=True,
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
        )
        digests.add(hashlib.sha256(out.read_bytes()).hexdigest())
    assert len(digests) == 1


def reachable(fig, panel="overview"):
    """Event ids a reader can reach in a panel: own markers, then cluster members."""
    ids = []
    for t in fig.data:
        if t.meta == (panel, "events"):
            ids += [c[0] for c in t.customdata]
        elif t.meta == (panel, "clusters"):
            ids += [m for c in t.customdata for m in c[2].split(" ")]
    return ids


def test_figure_is_a_plotly_figure_with_every_event(small_file):
    """figure() returns a go.Figure whose overview reaches every event exactly once."""
    tl = eventline.load(small_file)
    fig = render.figure(tl)
    assert isinstance(fig, go.Figure)
    assert sorted(reachable(fig)) == sorted(e.id for e in tl)
    assert [t.name for t in fig.data if t.showlegend] == ["Diplomacy", "Military"]
    assert all(t.type == "scatter" for t in fig.data)


def test_events_on_one_spot_become_a_cluster_that_counts_them(tmp_path, small_doc):
    """Nine same-day events in one lane overflow its slots: the extra ones share a marker
    that says how many it holds and names them in its hover; none is lost or doubled."""
    base = small_doc["events"][3]
    small_doc["events"] += [{**base, "id": f"same-{i}", "title": f"Same {i}"} for i in range(8)]
    tl = eventline.load(write_json(tmp_path / "same.json", small_doc))
    fig = render.figure(tl)
    (focus,) = [t for t in fig.data if t.meta == ("focus", "clusters")]
    assert list(focus.text) == ["2"]
    assert [c[2] for c in focus.customdata] == ["call same-7"]
    assert list(focus.hovertext) == [
        "<b>2 events</b><br>• Call<br>• Same 7<br><i>Click or tap to list them</i>"
    ]
    assert sorted(reachable(fig)) == sorted(e.id for e in tl)
    in_focus = reachable(fig, "focus")
    assert len(in_focus) == len(set(in_focus))
    assert {f"same-{i}" for i in range(8)} <= set(in_focus)
    overview = [t for t in fig.data if t.meta == ("overview", "clusters")]
    for t in overview:
        assert [str(len(c[2].split(" "))) for c in t.customdata] == list(t.text)


def test_hover_isolates_right_to_left_names(tmp_path, small_doc):
    """A right-to-left actor name is wrapped in FSI…PDI in the hover's Actors line."""
    small_doc["actors"][1]["name"] = "דוד"
    tl = eventline.load(write_json(tmp_path / "rtl.json", small_doc))
    fig = render.figure(tl)
    hovers = [h for t in fig.data if t.meta == ("focus", "events") for h in t.hovertext]
    assert any("Actors: ⁨דוד⁩, Vladimir Putin" in h for h in hovers)


def test_interface_text_follows_the_language(small_file):
    """The French catalogue translates headings, hints, counts and dates; lang and dir follow."""
    from eventline.i18n import language

    tl = eventline.load(small_file)
    page = render.to_html(tl, plotlyjs="cdn", language=language("fr"))
    assert page.startswith('<!DOCTYPE html>\n<html lang="fr" dir="ltr">\n')
    assert '<label for="eventline-timeline-q">Rechercher des événements</label>' in page
    assert '<h2 id="chronology-heading" tabindex="-1">Chronologie</h2>' in page
    assert (
        '<p class="facts">5 événements · 1 source citée · dernier événement\u00a0: 14–16 février 2025</p>'
        in page
    )
    assert (
        '<time datetime="2022-02-24" data-edtf="2022-02-24/..">24 février 2022 – en cours</time>'
        in page
    )
    figure_json = re.search(r'id="eventline-timeline-figure">(.*?)</script>', page, re.S)
    assert figure_json is not None
    layout = json.loads(figure_json.group(1))["layout"]
    assert layout["annotations"][0]["text"] == "<b>Vue d’ensemble\u00a0: 2014–2025</b>"
    assert "Search events" not in page


def test_many_events_switch_to_webgl(tmp_path, small_doc):
    """Above the threshold, markers and bars are scattergl and the chronology is capped."""
    base = small_doc["events"][3]
    small_doc["events"] = [
        {
            **base,
            "id": f"e{i:05d}",
            "date": f"20{10 + i % 15:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}",
        }
        for i in range(render.WEBGL_THRESHOLD + 1)
    ]
    tl = eventline.load(write_json(tmp_path / "many.json", small_doc))
    fig = render.figure(tl)
    markers = [t for t in fig.data if t.meta in (("overview", "events"), ("overview", "clusters"))]
    assert {t.type for t in markers} == {"scattergl"}
    assert sorted(reachable(fig)) == sorted(e.id for e in tl)
    page = render.to_html(tl, plotlyjs="cdn")
    assert page.count('<li class="event"') == render.CHRONOLOGY_LIMIT
    assert f"shows the first 1,000 of {len(tl):,} events" in page


def test_hostile_text_is_escaped_everywhere(hostile_file):
    """Data text never reaches the page or the figure JSON as markup."""
    tl = eventline.load(hostile_file)
    page = _without_plotlyjs(render.to_html(tl))
    figure_json = re.search(r'id="eventline-timeline-figure">(.*?)</script>', page, re.S)
    assert figure_json is not None
    assert "<" not in figure_json.group(1)
    html_part = page.replace(figure_json.group(1), "")
    assert "<img" not in html_part
    assert not re.search(r"href=[\"']?javascript:", html_part)
    assert len(re.findall(r"<script\b", page)) == 6
    assert page.count("</script>") == 6


class TestRenderCommand:
    def test_render_writes_the_default_report(self, run, monkeypatch, tmp_path, small_file):
        """With no -o, render creates reports/ and writes reports/timeline.html."""
        monkeypatch.chdir(tmp_path)
        result = run("render", "--data", str(small_file))
        assert result.exit_code == 0
        assert result.stdout == "reports/timeline.html: 5 events drawn\n"
        page = (tmp_path / "reports" / "timeline.html").read_text("utf-8")
        assert page == render.to_html(eventline.load(small_file))
        assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["timeline.html"]

    def test_render_with_filters_title_and_cdn(self, run, tmp_path, small_file):
        """Filters pick the events, --title names the page, --plotlyjs cdn makes it small."""
        out = tmp_path / "out.html"
        result = run(
            "render",
            "--data",
            str(small_file),
            "-o",
            str(out),
            "--from",
            "2025",
            "--title",
            "Only 2025",
            "--plotlyjs",
            "cdn",
        )
        assert result.stdout == f"{out}: 3 events drawn\n"
        page = out.read_text("utf-8")
        assert "<title>Only 2025</title>" in page
        assert len(page) < 200_000
        assert 'integrity="sha384-' in page

    def test_unwritable_output_fails_cleanly(self, run, tmp_path, small_file):
        """An output whose folder cannot be made is exit 1 with the reason, no traceback."""
        (tmp_path / "file.txt").write_text("not a folder")
        result = run(
            "render", "--data", str(small_file), "-o", str(tmp_path / "file.txt" / "out.html")
        )
        assert result.exit_code == 1
        assert result.stdout.startswith(f"{tmp_path / 'file.txt' / 'out.html'}: cannot write")

    def test_output_that_is_a_folder_is_a_usage_error(self, run, tmp_path, small_file):
        """-o naming a folder is refused before any work, exit 2."""
        result = run("render", "--data", str(small_file), "-o", str(tmp_path))
        assert result.exit_code == 2
        assert "is a directory" in result.stderr


def test_import_eventline_does_not_import_plotly():
    """`import eventline` stays light: plotly, Jinja2, openpyxl and pandas load only when used."""
    code = (
        "import sys, eventline; eventline.load(); "
        "print([m for m in ('plotly', 'jinja2', 'openpyxl', 'pandas') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_template_and_assets_are_package_data():
    """The page's template, stylesheet and script are read from the installed package."""
    from importlib import resources

    root = resources.files("eventline.render")
    for name in ("templates/page.html.j2", "assets/page.css", "assets/page.js"):
        assert root.joinpath(name).read_text(encoding="utf-8").strip()


@pytest.mark.parametrize("plotlyjs", ["embed", "cdn"])
def test_page_has_no_share_to_cloud_or_logo(small_file, plotlyjs):
    """A published page does not invite readers to upload the chart."""
    page = render.to_html(eventline.load(small_file), plotlyjs=plotlyjs)
    config = re.search(r'id="eventline-timeline-config">(\{.*?\})</script>', page)
    assert config is not None
    settings = json.loads(config.group(1))
    assert settings["showSendToCloud"] is False
    assert settings["displaylogo"] is False


@settings(max_examples=40, deadline=None)
@given(st.lists(event_dates(), min_size=1, max_size=12))
def test_any_valid_dates_render(dates):
    """Whatever dates a valid file holds, the figure builds with one overview marker each."""
    events = [
        eventline.Event(
            id=f"e{i}", title="An event", date=d, category="c", citations=(eventline.Citation("s"),)
        )
        for i, d in enumerate(dates)
    ]
    tl = eventline.Timeline(
        title="Any",
        events=tuple(events),
        categories={"c": eventline.Category("c", "C")},
        sources={"s": eventline.Source("s", "S")},
    )
    fig = render.figure(tl)
    assert sorted(reachable(fig)) == sorted(e.id for e in events)


def test_each_right_to_left_value_is_isolated_in_the_page_and_hover(tmp_path, small_doc):
    """Names, places, labels, source titles and quotes each sit in FSI…PDI (UAX #9)."""
    small_doc["actors"][1]["name"] = "موسكو"
    small_doc["events"][3]["places"] = ["القدس", "Washington"]
    small_doc["categories"][0]["label"] = "دبلوماسية"
    small_doc["sources"][0]["title"] = "تقرير"
    small_doc["events"][3]["citations"][0]["quote"] = "قال"
    page = render.to_html(eventline.load(write_json(tmp_path / "e.json", small_doc)))
    assert "Actors: \u2068موسكو\u2069, Vladimir Putin" in page
    assert "Places: \u2068القدس\u2069, Washington" in page
    assert "<bdi>دبلوماسية</bdi>" in page  # HTML isolates with <bdi>; SVG text with FSI…PDI
    assert "<blockquote>“<bdi>قال</bdi>”</blockquote>" in page
    figure = json.loads(re.search(r'id="eventline-timeline-figure">(.*?)</script>', page, re.S)[1])
    hover = next(t for trace in figure["data"] for t in trace.get("hovertext") or [] if "Call" in t)
    assert "Actors: \u2068موسكو\u2069, Vladimir Putin" in hover
    assert "Sources: \u2068تقرير\u2069" in hover
    assert " · \u2068دبلوماسية\u2069" in hover


def test_a_hover_line_break_inside_an_isolated_name_keeps_both_parts_isolated(tmp_path, small_doc):
    """Each hover line (its own text chunk in Plotly's SVG) opens and closes its isolates."""
    long_name = "عبد الرحمن بن محمد بن عبد الله بن إبراهيم بن فيصل بن تركي آل سعود الكبير"
    small_doc["actors"][1]["name"] = long_name
    small_doc["actors"][0]["name"] = "نائب الرئيس محمد بن عبد الرحمن بن عبد العزيز"
    page = render.to_html(eventline.load(write_json(tmp_path / "e.json", small_doc)))
    figure = json.loads(re.search(r'id="eventline-timeline-figure">(.*?)</script>', page, re.S)[1])
    hover = next(t for trace in figure["data"] for t in trace.get("hovertext") or [] if "Call" in t)
    actors = [line for line in hover.split("<br>") if "\u2068" in line or "\u2069" in line]
    assert len(actors) > 1
    assert actors[0].endswith("\u2069")  # the break falls inside the first name
    for line in actors:
        assert line.count("\u2068") == line.count("\u2069")
        assert line.index("\u2068") < line.index("\u2069")
    assert " ".join(actors).replace("\u2069 \u2068", " ") == (
        f"Actors: \u2068{long_name}\u2069, \u2068{small_doc['actors'][0]['name']}\u2069"
    )


def _unpack(page: str, name: str) -> dict:
    """A compressed data block of the page, read back as the page's script reads it."""
    import base64
    import gzip

    block = re.search(
        rf'<script type="application/octet-stream" id="eventline-timeline-{name}"[^>]*>([^<]*)</script>',
        page,
    )
    assert block is not None
    return json.loads(gzip.decompress(base64.b64decode(block.group(1))))


@pytest.fixture
def later(tmp_path, small_doc):
    """1,200 events, one a day; the 1,101st has a summary, places and tags, and hostile text."""
    base = small_doc["events"][3]
    small_doc["events"] = [
        {**base, "id": f"e{i:05d}", "title": f"Call {i}", "date": f"{2000 + i // 365}-01-01"}
        for i in range(1200)
    ]
    small_doc["events"][1100] |= {
        "title": "</script><img src=x onerror=alert(1)>",
        "summary": "Talks on the Bodensee.",
        "places": ["Świnoujście", "كييف"],
        "tags": ["grain-corridor"],
    }
    return eventline.load(write_json(tmp_path / "later.json", small_doc))


def test_later_events_travel_compressed_with_every_searched_field(later):
    """Past the first 1,000 events, every event's title, summary, actors, places, tags,
    dates and sources are in the page: gzip and base64, which no text can break out of."""
    page = render.to_html(later, plotlyjs="cdn")
    table = _unpack(page, "rest")
    assert len(table["events"]) == 200
    row = next(r for r in table["events"] if r[0] == "e01100")
    date = table["dates"][row[2]]
    assert row[1] == "</script><img src=x onerror=alert(1)>"
    assert table["categories"][row[3]]["id"] == "diplomacy"
    assert [table["actors"][k] for k in row[4]] == [
        ["trump", "Donald Trump"],
        ["putin", "Vladimir Putin"],
    ]
    assert row[5:8] == [
        "Świnoujście, \u2068كييف\u2069",
        "grain-corridor",
        "Talks on the Bodensee.",
    ]
    assert date == ["2003-01-01", "1 January 2003"]
    assert table["sources"][row[8][0]] == [
        "An article",
        "https://example.org/article",
        "A wire, 13 February 2025",
    ]
    assert "<img" not in page
    assert page.count("</script>") == 7  # six blocks and plotly.js from the CDN
    figure = _unpack(page, "figure")
    assert {t["meta"][0] for t in figure["data"]} >= {"overview"}


FORKED = """
import sys
import eventline
from eventline.render import page
tl = eventline.load(sys.argv[1])
here = page.to_html(tl, plotlyjs="cdn")
calls = []
forked = page._forked
page._forked = lambda work: calls.append(1) or forked(work)
page.FORK_EVENTS = 1000
print(page.to_html(tl, plotlyjs="cdn") == here, calls == [1], page.to_html(tl) == page.to_html(tl))
"""


def test_a_forked_helper_gives_the_same_page(later, tmp_path):
    """The later events made in a forked process (large timelines) give the very bytes
    made in this one, and the same data gives the same bytes again. (In a fresh
    interpreter: the page forks only where no other thread runs.)"""
    from eventline.render import page as module

    if module._FORK is None:
        pytest.skip("this platform cannot fork")
    out = subprocess.run(
        [sys.executable, "-c", FORKED, str(tmp_path / "later.json")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout == "True True True\n"


@settings(max_examples=40, deadline=None)
@given(timelines(), st.sampled_from(["en", "de", "ar"]))
def test_the_page_around_the_figure_made_from_decoded_json_gives_the_same_page(timeline, tag):
    """`eventline render` has the process that proves a large file make the page but
    its figure (the header's facts, the later events' table, the template) from the
    JSON it decoded: the page is byte for byte the one made from the records, in any
    language and with a title of its own; a page that does not come is made here."""
    from eventline import io
    from eventline.i18n import language
    from eventline.render import page

    doc = json.loads(io.dumps(timeline))
    loaded = io.timeline_from_json(doc)
    options = {"title": "Talks & <deals>", "plotlyjs": "cdn", "language": language(tag)}
    header = {key: value for key, value in doc.items() if key != "events"}
    old = page.CHRONOLOGY_LIMIT
    page.CHRONOLOGY_LIMIT = 1
    try:
        expected = page.to_html(loaded, **options)
        around = page.page_around_figure(header, doc["events"], **options)
        made = page.to_html_with(lambda: around and around.encode("utf-8"), loaded, **options)
        here = page.to_html_with(lambda: None, loaded, **options)
    finally:
        page.CHRONOLOGY_LIMIT = old
    assert made == expected.encode("utf-8")
    assert here == expected.encode("utf-8")
    assert expected.count("Talks &amp; &lt;deals&gt;") == 2  # <title> and <h1>
