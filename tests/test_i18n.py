"""--lang: display dates by CLDR through Babel, interface text from catalogues."""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from eventline.dates import EventDate
from eventline.i18n import ENGLISH, LANGUAGES, Language, LanguageError, display_date, language

from .conftest import REPO, Run
from .golden import check_golden

# Every precision, qualifier and interval shape the display code distinguishes.
SHAPES = [
    ("day", "2025-02-12"),
    ("month", "2022-02"),
    ("year", "2014"),
    ("approximate year", "2014~"),
    ("uncertain month", "2014-03?"),
    ("approximate and uncertain day", "2025-02-12%"),
    ("days, same month", "2025-02-14/2025-02-16"),
    ("days, across months", "2025-01-30/2025-02-02"),
    ("days, across years", "2024-12-30/2025-01-02"),
    ("months, same year", "2025-01/2025-03"),
    ("months, across years", "2024-11/2025-02"),
    ("years", "2014/2016"),
    ("same day twice", "2025-02-14/2025-02-14"),
    ("qualified interval", "2025-02-14~/2025-02-16~"),
    ("uncertain months", "2014-03?/2014-05?"),
    ("mixed precision", "2014/2014-03"),
    ("mixed qualifiers", "2025-02-14?/2025-03-01"),
    ("ongoing", "2022-02-24/.."),
    ("end unknown", "2022-02-24/"),
    ("approximate start, ongoing", "2014~/.."),
]
GOLDEN_LANGUAGES = ["en", "de", "fr", "uk", "ar"]
ALL_AVAILABLE = "ar (العربية), de (Deutsch), en (English), fr (Français), uk (Українська)"


def _visible(text: str) -> str:
    """Spaces other than U+0020 and format characters spelled out, so the golden file shows them."""
    return "".join(
        f"<U+{ord(c):04X}>" if c != " " and unicodedata.category(c) in ("Zs", "Cf") else c
        for c in text
    )


def test_display_dates_match_the_golden_table() -> None:
    """Each precision, qualifier and interval shape reads as CLDR writes it in de, fr, uk and ar."""
    languages = [language(tag) for tag in GOLDEN_LANGUAGES]
    lines = ["\t".join(["shape", "edtf", *GOLDEN_LANGUAGES])]
    for shape, edtf in SHAPES:
        date = EventDate.parse(edtf)
        lines.append(
            "\t".join([shape, edtf, *(_visible(display_date(date, lang)) for lang in languages)])
        )
    check_golden("display-dates.tsv", "\n".join(lines) + "\n")


@pytest.mark.parametrize(("shape", "edtf"), SHAPES)
def test_english_is_eventdate_display_byte_for_byte(shape: str, edtf: str) -> None:
    """English output is exactly EventDate.display(), as before --lang existed."""
    date = EventDate.parse(edtf)
    assert display_date(date) == display_date(date, language("en")) == date.display()


def test_english_never_imports_babel() -> None:
    """English dates and labels leave Babel unloaded: `import eventline` and `list` stay fast."""
    code = (
        "import sys, eventline\n"
        "from eventline.i18n import display_date, language\n"
        "from eventline.dates import EventDate\n"
        "lang = language('en')\n"
        "print(display_date(EventDate.parse('2025-02-14/2025-02-16'), lang), lang.gettext('DATE'),"
        " lang.format_number(12345), 'babel' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "14–16 February 2025 DATE 12,345 False\n"


class TestLanguageTags:
    @pytest.mark.parametrize(
        ("tag", "expected"),
        [
            ("de", Language("de", "de", "de")),
            ("DE", Language("de", "de", "de")),
            ("de-AT", Language("de-AT", "de", "de_AT")),
            ("de_at", Language("de-AT", "de", "de_AT")),
            ("fr-CA", Language("fr-CA", "fr", "fr_CA")),
            ("ar-EG", Language("ar-EG", "ar", "ar_EG")),
            ("uk-UA", Language("uk-UA", "uk", "uk_UA")),
            ("en-GB", Language("en-GB", "en", "en_GB")),
        ],
    )
    def test_a_tag_resolves_to_its_catalogue_and_cldr_locale(
        self, tag: str, expected: Language
    ) -> None:
        """Case and '_' are forgiven; a region CLDR knows keeps its own patterns."""
        assert language(tag) == expected

    def test_english_is_the_default(self) -> None:
        """No tag and 'en' are the same English."""
        assert language() is language("en") is ENGLISH
        assert ENGLISH.is_default
        assert ENGLISH.direction == "ltr"

    def test_a_region_cldr_lacks_falls_back_to_the_language(self) -> None:
        """RFC 4647 lookup: de-XX is German as CLDR writes it for 'de'."""
        assert language("de-XX") == Language("de", "de", "de")
        assert language("en-XX") is ENGLISH

    def test_a_region_keeps_its_own_month_names(self) -> None:
        """Austrian German writes January as Jänner (CLDR de_AT)."""
        date = EventDate.parse("2025-01-30/2025-02-02")
        assert display_date(date, language("de-AT")) == "30. Jänner\u2009–\u20092. Februar 2025"
        assert display_date(date, language("de")) == "30. Januar\u2009–\u20092. Februar 2025"

    def test_arabic_is_right_to_left(self) -> None:
        """ar (and its regions) set dir="rtl"; the others are left to right."""
        assert [language(t).direction for t in ("ar", "ar-EG", "de", "uk")] == [
            "rtl",
            "rtl",
            "ltr",
            "ltr",
        ]

    @pytest.mark.parametrize(
        ("tag", "message"),
        [
            ("pt-BR", f"no catalogue for 'pt-BR'; available: {ALL_AVAILABLE}"),
            ("xx", f"no catalogue for 'xx'; available: {ALL_AVAILABLE}"),
            (
                "german",
                f"'german' is not a BCP 47 language tag such as 'de' or 'de-AT'; available: {ALL_AVAILABLE}",
            ),
            (
                "de-DE-u-nu-arab",
                f"'de-DE-u-nu-arab' is not a BCP 47 language tag such as 'de' or 'de-AT'; available: {ALL_AVAILABLE}",
            ),
        ],
    )
    def test_an_unknown_or_malformed_tag_names_the_languages_available(
        self, tag: str, message: str
    ) -> None:
        """A language without a catalogue is refused, never silently shown in English."""
        with pytest.raises(LanguageError) as error:
            language(tag)
        assert str(error.value) == message


class TestCatalogues:
    @pytest.mark.parametrize(
        ("n", "expected"),
        [
            (0, "0 حدث"),
            (1, "حدث واحد"),
            (2, "حدثان"),
            (3, "3 أحداث"),
            (11, "11 حدثًا"),
            (100, "100 حدث"),
        ],
    )
    def test_arabic_counts_take_all_six_plural_forms(self, n: int, expected: str) -> None:
        """The catalogue's Plural-Forms pick the form CLDR's rules give for n."""
        ar = language("ar")
        assert ar.ngettext("%(num)s event", "%(num)s events", n) % {"num": n} == expected

    @pytest.mark.parametrize(
        ("n", "expected"), [(1, "1 подія"), (3, "3 події"), (5, "5 подій"), (21, "21 подія")]
    )
    def test_ukrainian_counts_agree_with_the_number(self, n: int, expected: str) -> None:
        """Ukrainian has one, few and many forms."""
        uk = language("uk")
        assert uk.ngettext("%(num)s event", "%(num)s events", n) % {"num": n} == expected

    def test_numbers_are_written_as_the_locale_writes_them(self) -> None:
        """Group separators follow CLDR: 12.345, 12 345 (narrow no-break space), 12,345."""
        assert [language(t).format_number(12345) for t in ("de", "fr", "ar", "en")] == [
            "12.345",
            "12\u202f345",
            "12,345",
            "12,345",
        ]

    @pytest.mark.parametrize("tag", sorted(set(LANGUAGES) - {"en"}))
    def test_every_message_is_translated(self, tag: str) -> None:
        """Each catalogue has every message of the template, none fuzzy, none empty."""
        from babel.messages.pofile import read_po

        locale_dir = REPO / "src" / "eventline" / "locale"
        with (locale_dir / "eventline.pot").open("rb") as handle:
            template = {m.id for m in read_po(handle) if m.id}
        with (locale_dir / tag / "LC_MESSAGES" / "eventline.po").open("rb") as handle:
            catalogue = read_po(handle, locale=tag)
        messages = {m.id: m for m in catalogue if m.id}
        assert set(messages) == template
        untranslated = [
            m.id
            for m in messages.values()
            if m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string])
        ]
        assert untranslated == []

    def test_the_template_lists_every_message_in_the_source(self) -> None:
        """eventline.pot is up to date: `pybabel extract -F babel.cfg` would find nothing new."""
        from babel.messages.extract import extract_from_dir
        from babel.messages.frontend import parse_mapping_cfg
        from babel.messages.pofile import read_po

        with (REPO / "babel.cfg").open(encoding="utf-8") as handle:
            method_map, options_map = parse_mapping_cfg(handle)
        found = {
            message[2] if isinstance(message[2], str) else message[2][0]
            for message in extract_from_dir(REPO, method_map, options_map)
            if not message[0].startswith((".venv", "node_modules"))
        }
        with (REPO / "src" / "eventline" / "locale" / "eventline.pot").open("rb") as handle:
            listed = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
        assert found == listed


class TestCommands:
    def test_list_in_german(self, run: Run, small_file: Path) -> None:
        """Labels, dates and the count line are German; titles and categories are the data's."""
        result = run("list", "--data", str(small_file), "--lang", "de")
        assert result.exit_code == 0
        assert result.stdout == (
            "DATUM                         KATEGORIE  TITEL\n"
            "2014                          Military   Annexation\n"
            "Februar 2022                  Military   Invasion\n"
            "24. Februar 2022 – andauernd  Military   War\n"
            "12. Februar 2025              Diplomacy  Call\n"
            "14.–16. Februar 2025          Diplomacy  Conference\n"
        )
        assert result.stderr == "5 Ereignisse\n"

    def test_list_in_arabic_counts_with_the_arabic_plural(self, run: Run, small_file: Path) -> None:
        """Three events are 'أحداث', the plural for 3 to 10."""
        result = run("list", "--data", str(small_file), "--lang", "ar", "--category", "military")
        assert result.exit_code == 0
        assert result.stdout.splitlines()[1:] == [
            "2014                    Military  Annexation",
            "فبراير 2022             Military  Invasion",
            "24 فبراير 2022 – مستمر  Military  War",
        ]
        assert result.stderr == "3 أحداث\n"

    def test_show_in_french(self, run: Run, small_file: Path) -> None:
        """Field labels align after the longest French label; the source's date is French too."""
        result = run("show", "call", "--data", str(small_file), "--lang", "fr")
        assert result.exit_code == 0
        assert result.stdout == (
            "Call\n"
            "  id\u00a0:         call\n"
            "  date\u00a0:       12 février 2025 (2025-02-12)\n"
            "  catégorie\u00a0:  Diplomacy\n"
            "  acteurs\u00a0:    Donald Trump, Vladimir Putin\n"
            "  lieux\u00a0:      Washington, Moscow\n"
            "  mots-clés\u00a0:  phone-call\n"
            "\n"
            "  They spoke.\n"
            "\n"
            "  Sources\u00a0:\n"
            "  - An article (A wire, 13 février 2025)\n"
            "    https://example.org/article\n"
            "    “spoke separately”\n"
        )

    @pytest.mark.parametrize("command", [["list"], ["show", "call"]])
    def test_an_unknown_language_is_a_usage_error(
        self, run: Run, small_file: Path, command: list[str]
    ) -> None:
        """Exit 2, naming the languages there are."""
        result = run(*command, "--data", str(small_file), "--lang", "pt-BR")
        assert result.exit_code == 2
        assert result.stderr.splitlines()[-1] == (
            f"Error: Invalid value for '--lang': no catalogue for 'pt-BR'; available: {ALL_AVAILABLE}"
        )


class TestExports:
    @pytest.mark.parametrize(
        ("fmt", "tag", "golden"),
        [
            ("csv", "de", "small-export.de.csv"),
            ("ics", "fr", "small-export.fr.ics"),
            ("timelinejs", "ar", "small-export.ar.timelinejs.json"),
        ],
    )
    def test_export_in_a_language_matches_its_golden_file(
        self, run: Run, small_file: Path, fmt: str, tag: str, golden: str
    ) -> None:
        """Display dates and labels are in the language asked for; ids, columns and data are not."""
        result = run("export", "--format", fmt, "--data", str(small_file), "--lang", tag)
        assert result.exit_code == 0
        check_golden(golden, result.stdout_bytes.decode("utf-8"))

    def test_csv_display_date_is_in_the_language(self, small_file: Path) -> None:
        """Only the display_date column changes; the header stays the column names."""
        import csv
        import io

        import eventline

        rows = list(
            csv.DictReader(
                io.StringIO(
                    eventline.export.export(eventline.load(small_file), "csv", language("uk"))
                )
            )
        )
        assert [r["display_date"] for r in rows] == [
            "2014",
            "лютий 2022\u202fр.",
            "24 лютого 2022\u202fр. – триває досі",
            "12 лютого 2025\u202fр.",
            "14–16 лютого 2025\u202fр.",
        ]

    def test_every_timelinejs_slide_says_its_date_in_the_language(self, small_file: Path) -> None:
        """TimelineJS would write months in its own words; each slide carries the CLDR date instead."""
        import eventline
        from eventline.export.timelinejs import to_timelinejs

        slides = to_timelinejs(eventline.load(small_file), lang=language("de"))["events"]
        assert [s["display_date"] for s in slides] == [
            "2014",
            "Februar 2022",
            "24. Februar 2022 – andauernd",
            "12. Februar 2025",
            "14.–16. Februar 2025",
        ]
        assert "<p>Akteure: Donald Trump, Vladimir Putin</p>" in slides[3]["text"]["text"]

    def test_json_export_is_the_data_in_every_language(self, run: Run, small_file: Path) -> None:
        """The data format has nothing of eventline's to translate: same bytes with --lang."""
        english = run("export", "--format", "json", "--data", str(small_file))
        arabic = run("export", "--format", "json", "--data", str(small_file), "--lang", "ar")
        assert arabic.stdout_bytes == english.stdout_bytes

    def test_an_unknown_language_is_a_usage_error(self, run: Run, small_file: Path) -> None:
        """Exit 2 before anything is written."""
        result = run("export", "--format", "csv", "--data", str(small_file), "--lang", "klingon")
        assert result.exit_code == 2
        assert "'klingon' is not a BCP 47 language tag" in result.stderr


TIMELINEJS = REPO / "node_modules" / "@knight-lab" / "timelinejs" / "dist"


def test_timelinejs_shows_the_german_dates_on_every_slide(
    browser, tmp_path: Path, small_file: Path
) -> None:
    """Knight Lab's TimelineJS, embedded with its own German, shows each slide's date as CLDR writes it."""
    import json

    import eventline
    from eventline.export.timelinejs import to_timelinejs

    if not (TIMELINEJS / "js" / "timeline.js").is_file():
        pytest.skip("TimelineJS is not installed: run `npm ci` in the repository")
    data = to_timelinejs(eventline.load(small_file), lang=language("de"))
    # TimelineJS fetches its language file by XHR, which file:// pages may not do:
    # hand it the same file's contents as the language option instead.
    german = (TIMELINEJS / "js" / "locale" / "de.json").read_text(encoding="utf-8")
    page_file = tmp_path / "timelinejs.html"
    page_file.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<link rel='stylesheet' href='{(TIMELINEJS / 'css' / 'timeline.css').as_uri()}'>"
        f"<script src='{(TIMELINEJS / 'js' / 'timeline.js').as_uri()}'></script></head>"
        "<body><div id='embed' style='width:1000px;height:600px'></div><script>"
        f"window.timeline = new TL.Timeline('embed', {json.dumps(data)}, {{language: {german}}});"
        "window.timeline.on('loaded', () => document.documentElement.dataset.ready = '1');"
        "</script></body></html>",
        encoding="utf-8",
    )
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(page_file.as_uri())
        page.wait_for_selector("html[data-ready]", state="attached", timeout=60_000)
        dates = page.locator(
            ".tl-slide:not(.tl-slide-titleslide) .tl-headline-date"
        ).all_text_contents()
        assert dates == [
            "2014",
            "Februar 2022",
            "24. Februar 2022 – andauernd",
            "12. Februar 2025",
            "14.–16. Februar 2025",
        ]
        assert errors == []
    finally:
        context.close()


# Things a reader sees side by side: none may cover another.
_OVERLAP_CHECK = """() => {
  const boxes = (sel) => Array.from(document.querySelectorAll(sel))
    .filter((el) => el.offsetParent !== null)
    .map((el) => [sel, el.getBoundingClientRect()]);
  const groups = [
    boxes(".controls .field"),
    ...Array.from(document.querySelectorAll("li.event .head")).map((head) =>
      Array.from(head.children).map((el) => ["head " + head.parentElement.id, el.getBoundingClientRect()])),
    boxes(".legend li"),
  ];
  const hits = [];
  for (const group of groups) {
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) {
        const a = group[i][1], b = group[j][1];
        if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) {
          hits.push(group[i][0]);
        }
      }
    }
  }
  return hits;
}"""


@pytest.mark.parametrize(
    ("tag", "direction", "search_label", "chronology"),
    [
        ("ar", "rtl", "البحث في الأحداث", "التسلسل الزمني"),
        ("de", "ltr", "Ereignisse suchen", "Chronik"),
    ],
)
@pytest.mark.parametrize(("width", "phone"), [(1280, False), (360, True)])
def test_translated_page_fits_and_reads_in_its_language(
    browser,
    run: Run,
    tmp_path: Path,
    tag: str,
    direction: str,
    search_label: str,
    chronology: str,
    width: int,
    phone: bool,
) -> None:
    """`render --lang` in Chromium: lang and dir set, text translated, no sideways scroll, nothing overlapping."""
    page_file = tmp_path / f"{tag}.html"
    result = run("render", "--lang", tag, "-o", str(page_file))
    assert result.exit_code == 0
    context = browser.new_context(
        viewport={"width": width, "height": 800}, is_mobile=phone, has_touch=phone
    )
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.goto(page_file.as_uri())
        page.wait_for_selector("html[data-eventline-ready]", state="attached", timeout=60_000)
        assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == [
            tag,
            direction,
        ]
        assert page.locator("label[for='eventline-timeline-q']").text_content() == search_label
        assert page.locator("#chronology-heading").text_content() == chronology
        scroll = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert scroll == [width, width]
        assert page.evaluate(_OVERLAP_CHECK) == []
        page.fill("#eventline-timeline-q", "Munich")
        page.wait_for_function("document.getElementById('eventline-timeline-status').textContent")
        status = page.locator("#eventline-timeline-status").text_content()
        assert status == {"ar": "يُعرض 1 من أصل 41", "de": "1 von 41 Ereignissen angezeigt"}[tag]
        assert errors == []
    finally:
        context.close()


def test_arabic_page_writes_dates_numbers_and_the_chart_axes_in_arabic(tmp_path: Path) -> None:
    """Chronology dates, header counts and plotly's month names come from CLDR for ar."""
    import json
    import re

    import eventline
    from eventline import render

    page = render.to_html(eventline.load(), plotlyjs="cdn", language=language("ar"))
    assert page.startswith('<!DOCTYPE html>\n<html lang="ar" dir="rtl">\n')
    assert '<p class="facts">41 حدثًا · 42 مصدرًا · آخر حدث: 14–16 فبراير 2025</p>' in page
    assert '<time datetime="2025-02-12" data-edtf="2025-02-12">12 فبراير 2025</time>' in page
    config = json.loads(
        re.search(r'id="eventline-timeline-config">(.*?)</script>', page, re.S).group(1)
    )
    assert config["locale"] == "ar"
    arabic = config["locales"]["ar"]["format"]
    assert arabic["months"][1] == "فبراير"
    assert arabic["dayMonthYear"] == "%-d %b %Y"


@pytest.mark.parametrize("fmt", ["csv", "ics", "timelinejs"])
def test_a_large_file_exported_in_two_halves_is_in_the_language_too(
    monkeypatch: pytest.MonkeyPatch, small_file: Path, fmt: str
) -> None:
    """The two-process path for large files gives the same German text as the single pass."""
    import eventline
    from eventline import quick
    from eventline.export import export, export_file

    german = language("de")
    whole = export(eventline.load(small_file), fmt, german)
    monkeypatch.setattr(quick, "PARALLEL_BYTES", 0)
    pieces, count = export_file(small_file, fmt, lang=german)
    assert (b"".join(pieces), count) == (whole.encode(), 5)
    assert "Februar 2022" in whole


@pytest.mark.parametrize("tag", ["ar", "de"])
@pytest.mark.parametrize("device", [None, "Pixel 5"])
def test_axe_finds_no_serious_violation_in_a_translated_page(
    browser, run: Run, tmp_path: Path, tag: str, device: str | None
) -> None:
    """axe-core reports no serious or critical violation on the ar and de pages, desktop and phone."""
    from .test_page import AXE, Page, _phone

    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm ci)")
    page_file = tmp_path / f"{tag}.html"
    assert run("render", "--lang", tag, "-o", str(page_file)).exit_code == 0
    page = Page(browser, page_file, device=_phone(device) if device else None)
    try:
        page.page.add_script_tag(path=str(AXE))
        violations = page.page.evaluate(
            """async () => { const r = await axe.run(document);
              return r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
                .map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", ")); }"""
        )
        assert violations == []
        assert page.errors == []
    finally:
        page.close()
