"""The ``eventline`` command: a thin click layer over the library."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import textwrap
from collections.abc import Callable, Iterable, Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import click

from eventline import _load_then, bidi, io, load
from eventline.dates import AmbiguousDateError, DateError, EventDate
from eventline.i18n import ENGLISH, LANGUAGES, Language, LanguageError, display_date, language
from eventline.model import Timeline
from eventline.problems import InvalidDataError, Problem, show_value
from eventline.validate import canonical_form, validate

F = TypeVar("F", bound=Callable[..., Any])


class DateParam(click.ParamType):  # type: ignore[type-arg]
    """A date of eventline's grammar (``2025-02-12``) or free text (``Feb 2022``)."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, EventDate):
            return value
        notices: list[str] = []
        try:
            date = EventDate.from_text(value, notices=notices)
        except DateError as error:
            message = str(error)
            self.fail(message if message.startswith("'") else f"{value!r} {message}", param, ctx)
        for notice in notices:
            click.echo(f"notice: {notice}", err=True)
        return date


class LanguageParam(click.ParamType):  # type: ignore[type-arg]
    """A BCP 47 language tag eventline has a catalogue for (``de``, ``de-AT``)."""

    name = "TAG"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, Language):
            return value
        try:
            return language(value)
        except LanguageError as error:
            self.fail(str(error), param, ctx)


def _lang_option(func: F) -> F:
    return click.option(
        "--lang",
        type=LanguageParam(),
        default=None,
        help="Language of dates and labels, a BCP 47 tag: "
        + ", ".join(sorted(LANGUAGES))
        + " (a region such as de-AT uses its own date patterns). Default: en.",
    )(func)


_PROGRESS_BYTES = 32 * 1024 * 1024


@contextlib.contextmanager
def _progress(path: Path, label: str) -> Iterator[Callable[[float], None] | None]:
    """A progress bar on stderr for a large file, only when stderr is a terminal."""
    try:
        large = path.stat().st_size >= _PROGRESS_BYTES
    except OSError:
        large = False
    if not large or not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=1000, label=f"{label} {path}", file=sys.stderr) as bar:

        def update(fraction: float) -> None:
            bar.update(int(fraction * 1000) - bar.pos)

        yield update
        bar.update(1000 - bar.pos)


def _events(count: int) -> str:
    """ "1 event", "2 events": the count in the CLI's English messages."""
    return f"{count} event" if count == 1 else f"{count} events"


def _echo_problems(problems: Sequence[Problem], *, err: bool = False) -> None:
    """Each problem on a line: on stdout where the problems are the command's
    report (validate, fmt, add, import), on stderr (``err``) where stdout
    carries data (list, show, export), so a redirect never captures them."""
    for problem in problems:
        click.echo(str(problem), err=err)


def _load_or_exit(path: Path) -> Timeline:
    try:
        timeline = load(path)
    except InvalidDataError as error:
        _echo_problems(error.problems, err=True)
        raise SystemExit(1) from None
    _freeze_while_running(timeline)
    return timeline


def _freeze_while_running(timeline: Timeline) -> None:
    """Keep what exists now (the loaded records) out of the cyclic garbage
    collector's passes until the command ends.

    The records live until then anyway; at 200,000 events the collector
    would otherwise walk them all, about 0.3 s a time, while the command
    allocates (a page, an export). A large ``timeline`` also lets the
    console script end without freeing it (see :func:`main`).
    """
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        gc.freeze()
        ctx.call_on_close(gc.unfreeze)
    if len(timeline) >= HARD_EXIT_EVENTS:
        _Exit.hard = True


IMPORT_FORMATS = ("xlsx", "csv", "timelinejs", "parquet")
"""The names of :data:`eventline.importer.READERS`, for ``import --from``
without importing the readers (and the writers they reuse) at start-up."""

RENDER_SHARE = 45
"""The percentage of a large file's events that ``eventline render`` proves
in the process that makes the page; the other process proves the rest and
makes the page around the figure: with two cores, both finish together."""

HARD_EXIT_EVENTS = 20_000
"""From this many loaded events, the console script ends with ``os._exit``."""


class _Exit:
    """Whether the running command loaded enough records that freeing them
    one by one at interpreter exit is not worth its time."""

    hard = False
    console = False
    """Running as the console script (:func:`main`), not in-process (tests)."""
    kept: ClassVar[list[Any]] = []
    """What a command decoded and no longer needs, left for a hard exit to
    drop with the process rather than freed object by object."""


def _data_option(func: F) -> F:
    return click.option(
        "--data",
        "data",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Data file. Default: ./data/events.json if it exists, else the packaged dataset.",
    )(func)


def _filter_options(func: F) -> F:
    options = [
        click.option(
            "--from", "start", type=DateParam(), help="Keep events that reach this date or later."
        ),
        click.option("--to", "end", type=DateParam(), help="Keep events that begin by this date."),
        click.option(
            "--category",
            "categories",
            multiple=True,
            help="Keep this category (repeatable: any of them).",
        ),
        click.option(
            "--actor", "actors", multiple=True, help="Keep events with this actor (repeatable)."
        ),
        click.option(
            "--tag", "tags", multiple=True, help="Keep events with this tag (repeatable)."
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _filtered(
    data: Path | None,
    start: EventDate | None,
    end: EventDate | None,
    categories: Sequence[str],
    actors: Sequence[str],
    tags: Sequence[str],
) -> Timeline:
    timeline = _load_or_exit(data or io.default_data_path())
    with _usage_errors():
        _known_ids(timeline, categories, actors)
    return timeline.filter(start, end, categories, actors, tags)


class _UnknownId(ValueError):
    """A --category or --actor that names no id of the data (a ValueError: a
    large file's fast path, meeting it, falls back to the precise one)."""


def _known_ids(timeline: Timeline, categories: Sequence[str], actors: Sequence[str]) -> None:
    """Raise :class:`_UnknownId` for a filter id the data does not declare: a typo
    would otherwise select nothing without a word."""
    for option, given, table in (
        ("--category", categories, timeline.categories),
        ("--actor", actors, timeline.actors),
    ):
        for wanted in given:
            if wanted not in table:
                ids = sorted(table)
                more = f" and {len(ids) - 12} more" if len(ids) > 12 else ""
                shown = ", ".join(ids[:12]) + more
                kind = option[2:]
                raise _UnknownId(
                    f"{option} {wanted!r}: the data has no {kind} of that id"
                    + (f" ({kind} ids: {shown})" if ids else "")
                )


@contextlib.contextmanager
def _usage_errors() -> Iterator[None]:
    """An unknown filter id, as a usage error (exit 2)."""
    try:
        yield
    except _UnknownId as error:
        raise click.UsageError(str(error)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="eventline")
def cli() -> None:
    """Keep a sourced timeline valid, and publish it.

    Commands that read data use ./data/events.json when it exists, else the
    dataset that ships with eventline; --data names another file.
    """


def _parse_source_texts(values: Sequence[str]) -> dict[str, str]:
    texts: dict[str, str] = {}
    for value in values:
        source_id, sep, path = value.partition("=")
        if not sep or not source_id or not path:
            raise click.BadParameter(
                f"{value!r} is not SOURCE_ID=PATH, e.g. concessions-article=article.txt",
                param_hint="--source-text",
            )
        try:
            texts[source_id] = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise click.BadParameter(
                f"cannot read {path}: {getattr(error, 'strerror', None) or error}",
                param_hint="--source-text",
            ) from None
    return texts


def _parquet_extra(what: str) -> None:
    """Exit 1 with the command that installs the Parquet extra, when it is missing:
    the ImportError eventline's Parquet modules raise names it."""
    try:
        import eventline.duckdb_check  # noqa: F401
    except ImportError as error:
        click.echo(f"{what}: {error}")
        raise SystemExit(1) from None


def _validate_dataset(folder: Path) -> list[Problem]:
    from eventline import rules

    if not rules.looks_like_dataset(folder):
        return [rules.not_a_dataset(str(folder))]
    _parquet_extra(f"{folder}: a Parquet dataset")
    from eventline.duckdb_check import validate_dataset

    return validate_dataset(folder)


@cli.command("validate")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--source-text",
    "source_texts",
    multiple=True,
    metavar="SOURCE_ID=PATH",
    help="Check that every quote citing SOURCE_ID appears in the text file PATH (repeatable)."
    " Data files only: not a Parquet dataset (a folder).",
)
def validate_command(files: tuple[Path, ...], source_texts: tuple[str, ...]) -> None:
    """Check data files against every rule; print each problem on its own line.

    With no FILES, checks ./data/events.json, else the packaged dataset. A
    folder is a Parquet dataset (eventline export --format parquet), checked
    by DuckDB; its problems are located by table and id.
    Exit 0 when every file is valid and canonical, 1 when any is not.

    Example: eventline validate data/events.json --source-text article=article.txt
    """
    texts = _parse_source_texts(source_texts)
    targets = list(files) or [io.default_data_path()]
    folders = [str(target) for target in targets if target.is_dir()]
    if texts and folders:
        # The dataset checkers do not run the quote check: refuse rather than print "ok".
        raise click.UsageError(
            f"--source-text applies to JSON data files, not to a Parquet dataset"
            f" (a folder: {', '.join(folders)}); import it into a data file"
            " (eventline import DIR --data FILE) and check that"
        )
    failed = False
    for target in targets:
        if target.is_dir():
            problems = _validate_dataset(target)
        else:
            with _progress(target, "checking") as progress:
                problems = validate(target, texts, progress=progress)
        if problems:
            failed = True
            _echo_problems(problems)
        else:
            click.echo(f"{target}: ok", err=True)
    if failed:
        raise SystemExit(1)


@cli.command("fmt")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if a file is not canonical.")
def fmt_command(files: tuple[Path, ...], check: bool) -> None:
    """Rewrite data files into canonical order and formatting.

    Events are sorted by (earliest day, latest day, id); keys follow the
    schema's order; 2-space indent; one trailing newline. A second run changes
    nothing. Invalid files are reported and left alone. With no FILES, formats
    ./data/events.json.

    Example: eventline fmt --check data/events.json
    """
    targets = list(files)
    if not targets:
        local = Path("data") / "events.json"
        if not local.is_file():
            raise click.UsageError("no FILES given and ./data/events.json does not exist")
        targets = [local]
    failed = False
    for target in targets:
        raw, problems = io.read_bytes(target, str(target))
        canonical = None
        if raw is not None:
            with _progress(target, "checking") as progress:
                canonical, problems = canonical_form(raw, str(target), progress)
        if raw is None or canonical is None:
            _echo_problems(problems)
            failed = True
            continue
        if canonical == raw:
            click.echo(f"{target}: already canonical", err=True)
        elif check:
            click.echo(f'{target}: not canonical; run "eventline fmt {target}"')
            failed = True
        else:
            try:
                io.atomic_write(target, canonical)
            except io.WriteError as error:
                click.echo(str(error))
                failed = True
                continue
            click.echo(f"{target}: reformatted", err=True)
    if failed:
        raise SystemExit(1)


@cli.command("schema")
def schema_command() -> None:
    """Print the JSON Schema (draft 2020-12) of data files.

    Any JSON Schema validator can use it; `eventline validate` also checks
    what a schema cannot (unique ids, references, real days, order).

    Example: eventline schema > events.schema.json
    """
    click.echo(resources.files("eventline").joinpath("schema.json").read_text("utf-8"), nl=False)


def _width(cell: str) -> int:
    # The isolates around a right-to-left value take no room on screen.
    return len(cell) - cell.count(bidi.FSI) - cell.count(bidi.PDI)


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return [
        "  ".join(
            [
                *(cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=False)),
                row[-1],
            ]
        ).rstrip()
        for row in rows
    ]


@cli.command("list")
@_data_option
@_filter_options
@_lang_option
def list_command(
    data: Path | None,
    start: EventDate | None,
    end: EventDate | None,
    categories: tuple[str, ...],
    actors: tuple[str, ...],
    tags: tuple[str, ...],
    lang: Language | None,
) -> None:
    """List events as a table: date as people read it, category, title.

    Example: eventline list --from 2025-02 --category diplomacy --lang de
    """
    lang = lang or ENGLISH
    _ = lang.gettext
    timeline = _filtered(data, start, end, categories, actors, tags)
    rows = [(_("DATE"), _("CATEGORY"), _("TITLE"))]
    for event in timeline:
        category = timeline.categories.get(event.category)
        label = category.label if category else event.category
        rows.append(
            (display_date(event.date, lang), bidi.isolate(label), bidi.isolate(event.title))
        )
    for line in _table(rows):
        click.echo(line)
    count = len(timeline)
    if lang.is_default:
        click.echo(_events(count), err=True)
    else:
        number = lang.format_number(count)
        click.echo(
            lang.ngettext("%(num)s event", "%(num)s events", count) % {"num": number},
            err=True,
        )


@cli.command("show")
@click.argument("event_id")
@_data_option
@_lang_option
def show_command(event_id: str, data: Path | None, lang: Language | None) -> None:
    """Show one event in full, with its citations.

    Example: eventline show trump-putin-call --lang fr
    """
    lang = lang or ENGLISH
    _ = lang.gettext
    timeline = _load_or_exit(data or io.default_data_path())
    event = timeline.get(event_id)
    if event is None:
        raise click.UsageError(f"no event has the id {event_id!r}; `eventline list` shows them")
    category = timeline.categories.get(event.category)
    labels = {
        "id": _("id:"),
        "date": _("date:"),
        "category": _("category:"),
        "actors": _("actors:"),
        "places": _("places:"),
        "tags": _("tags:"),
    }
    width = max(len(label) for label in labels.values()) + 2
    fields = [
        ("id", event.id),
        ("date", f"{display_date(event.date, lang)} ({event.date})"),
        ("category", category.label if category else event.category),
    ]
    if event.actors:
        names = [timeline.actors[a].name if a in timeline.actors else a for a in event.actors]
        fields.append(("actors", bidi.isolate_join(names)))
    if event.places:
        fields.append(("places", bidi.isolate_join(event.places)))
    if event.tags:
        fields.append(("tags", bidi.isolate_join(event.tags)))
    lines = [event.title, *(f"  {labels[key].ljust(width)}{value}" for key, value in fields)]
    if event.summary:
        lines += [
            "",
            *textwrap.wrap(event.summary, 78, initial_indent="  ", subsequent_indent="  "),
        ]
    lines += ["", "  " + _("Sources:")]
    for citation in event.citations:
        source = timeline.sources.get(citation.source)
        head = source.title if source else citation.source
        if source and source.publisher:
            head += f" ({source.publisher}"
            head += f", {display_date(source.published, lang)})" if source.published else ")"
        lines.append(f"  - {head}")
        if source and source.url:
            lines.append(f"    {source.url}")
        if citation.quote:
            lines.append(f"    “{citation.quote}”")
    for line in lines:
        click.echo(line)


@cli.command("render")
@_data_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("reports") / "timeline.html",
    show_default=True,
    help="Where to write the page; its folder is created when missing.",
)
@click.option("--title", help="Page title. Default: the dataset's title.")
@click.option(
    "--plotlyjs",
    type=click.Choice(["embed", "cdn"]),
    default="embed",
    show_default=True,
    help="embed: plotly.js inside the page, works offline (about 4.8 MB). "
    "cdn: a small page that loads plotly.js from the network.",
)
@_filter_options
@_lang_option
def render_command(
    data: Path | None,
    output: Path,
    title: str | None,
    plotlyjs: str,
    start: EventDate | None,
    end: EventDate | None,
    categories: tuple[str, ...],
    actors: tuple[str, ...],
    tags: tuple[str, ...],
    lang: Language | None,
) -> None:
    """Write the interactive timeline page (one self-contained HTML file).

    The page has an overview of the whole span, a focus panel on the most
    crowded week, hover details, source links on click, and a chronology of
    every event; readers can search and filter (kept in the URL), link to one
    event (#event-<id>), and read it on a phone. The same data always gives
    the same bytes. --lang writes its interface text, dates and numbers in
    that language (right to left for Arabic); the data's own text stays as is.

    Example: eventline render --from 2025-01 -o reports/2025.html --lang de
    """
    from eventline import quick

    language = lang or ENGLISH
    # For a large file, the process that proves it also makes the page around
    # the figure (from the events it decoded), beside the figure made here.
    options: dict[str, Any] = {
        "title": title,
        "plotlyjs": "cdn" if plotlyjs == "cdn" else "embed",
        "language": language,
    }

    # The page's modules are imported by each process once it needs them: for a
    # large file, after the other process has started, not before reading it.
    def around(header: dict[str, Any], events: list[Any]) -> bytes | None:
        from eventline.render import page as html

        text = html.page_around_figure(header, events, **options)
        return None if text is None else text.encode("utf-8")

    beside = quick.Beside(around, own_share=RENDER_SHARE)

    def page_of(loaded: Timeline) -> tuple[Timeline, str | bytes]:
        from eventline.render import page as html

        _known_ids(loaded, categories, actors)
        shown = loaded.filter(start, end, categories, actors, tags)
        if beside.running and len(shown) == len(loaded):  # every event: that page is its
            return shown, html.to_html_with(beside.result, shown, **options)
        return shown, html.to_html(shown, **options)

    # A large file's page is made while another process proves the file valid;
    # nothing is written before the proof (or the precise check) passes.
    try:
        with _usage_errors():
            _, (timeline, page) = _load_then(
                data or io.default_data_path(),
                page_of,
                keep=_Exit.kept if _Exit.console else None,
                beside=beside,
            )
    except InvalidDataError as error:
        _echo_problems(error.problems)
        raise SystemExit(1) from None
    _freeze_while_running(timeline)
    try:
        io.atomic_write(output, page, make_parents=True)
    except io.WriteError as error:
        click.echo(str(error))
        raise SystemExit(1) from None
    click.echo(f"{output}: {_events(len(timeline))} drawn")


@cli.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv", "ics", "timelinejs", "xlsx", "parquet"]),
    required=True,
    help="json: the data format, filtered; csv: a spreadsheet; ics: a calendar; "
    "timelinejs: Knight Lab's TimelineJS; xlsx: an Excel workbook, one sheet per table "
    "(needs -o; eventline import reads it back); parquet: a dataset folder for DuckDB "
    "and Spark (-o DIR required).",
)
@_data_option
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write to this file (atomically; missing folders are made; a link's file is "
    "replaced, a device or pipe written into) instead of standard output (or give -); "
    "for parquet, the dataset's folder.",
)
@click.option(
    "--bom",
    is_flag=True,
    help="CSV only: start with a UTF-8 byte-order mark, so that Excel and other "
    "spreadsheet programs read accents and quotes right. Default: plain UTF-8.",
)
@_filter_options
@_lang_option
def export_command(
    fmt: str,
    data: Path | None,
    output: Path | None,
    bom: bool,
    start: EventDate | None,
    end: EventDate | None,
    categories: tuple[str, ...],
    actors: tuple[str, ...],
    tags: tuple[str, ...],
    lang: Language | None,
) -> None:
    """Export events as JSON, CSV, iCalendar, TimelineJS or a Parquet dataset (a folder).

    The same data always gives the same bytes. Text a spreadsheet would run
    as a formula is defused in CSV; no data text becomes live HTML in
    TimelineJS. --lang writes display dates (CSV's display_date, calendar
    summaries, TimelineJS slides) and labels in that language; JSON is the
    data and stays as it is.

    Example: eventline export --format ics --from 2025-02 -o talks.ics

    Example: eventline export --format csv --bom -o talks.csv

    Parquet: one table per record kind, events partitioned by year
    (README, "Large datasets"). Example: eventline export --format parquet -o events-parquet
    """
    if bom and fmt != "csv":
        raise click.UsageError("--bom is for --format csv only")
    if output is not None and str(output) == "-":  # the usual name of standard output
        output = None
    if fmt == "parquet":
        _export_parquet(data, output, start, end, categories, actors, tags)
        return
    if fmt in BINARY_EXPORTS:
        _export_binary(fmt, data, output, start, end, categories, actors, tags)
        return
    from eventline.export import export_file, export_to

    source = data or io.default_data_path()

    def selected(timeline: Timeline) -> Timeline:
        _known_ids(timeline, categories, actors)
        return timeline.filter(start, end, categories, actors, tags)

    select = None if start is end is None and not (categories or actors or tags) else selected
    try:
        with _usage_errors():
            if output is not None:
                # Written in place (atomically): a large export is not read back.
                count = export_to(source, fmt, output, select, bom=bom, lang=lang or ENGLISH)
                click.echo(f"{output}: {_events(count)} exported as {fmt}", err=True)
                return
            pieces, count = export_file(source, fmt, select, bom=bom, lang=lang or ENGLISH)
    except InvalidDataError as error:
        _echo_problems(error.problems, err=True)
        raise SystemExit(1) from None
    except io.WriteError as error:
        click.echo(str(error), err=True)
        raise SystemExit(1) from None
    _write_export(pieces, output, count, fmt)


def _write_export(data: bytes | Iterable[bytes], output: Path | None, count: int, fmt: str) -> None:
    """An export (bytes, whole or in pieces) to standard output, or atomically to
    ``output`` with a note on stderr; pieces are written as they come."""
    if output is None:
        # Bytes (click writes them to the binary stream), so CSV's and
        # iCalendar's CRLF line ends reach the pipe unchanged on every platform.
        try:
            for chunk in [data] if isinstance(data, bytes) else data:
                click.echo(chunk, nl=False)
            sys.stdout.flush()
        except BrokenPipeError:  # the reader stopped (| head): as Python's own exit
            raise SystemExit(120) from None
        except OSError as error:  # a full disk behind a redirect, ...
            click.echo(f"standard output: cannot write: {error.strerror or error}", err=True)
            raise SystemExit(1) from None
        return
    try:
        io.atomic_write(output, data, make_parents=True)
    except io.WriteError as error:
        click.echo(str(error), err=True)
        raise SystemExit(1) from None
    click.echo(f"{output}: {_events(count)} exported as {fmt}", err=True)


def _export_parquet(
    data: Path | None,
    output: Path | None,
    start: EventDate | None,
    end: EventDate | None,
    categories: tuple[str, ...],
    actors: tuple[str, ...],
    tags: tuple[str, ...],
) -> None:
    if output is None:
        raise click.UsageError("--format parquet writes a folder: give it with -o DIR")
    _parquet_extra("--format parquet")
    from eventline import parquet

    timeline = _filtered(data, start, end, categories, actors, tags)
    try:
        count = parquet.write_dataset(io.timeline_to_json(timeline), output)
    except io.WriteError as error:
        click.echo(str(error), err=True)
        raise SystemExit(1) from None
    click.echo(f"{output}: {_events(count)} exported as parquet", err=True)


# Formats whose output is bytes, not text: format -> (module, function).
BINARY_EXPORTS: dict[str, tuple[str, str]] = {"xlsx": ("eventline.export.xlsx", "to_xlsx")}


def _export_binary(
    fmt: str,
    data: Path | None,
    output: Path | None,
    start: EventDate | None,
    end: EventDate | None,
    categories: Sequence[str],
    actors: Sequence[str],
    tags: Sequence[str],
) -> None:
    import importlib

    if output is None and sys.stdout.isatty():
        raise click.UsageError(
            f"{fmt} is a binary format; name the file with -o, e.g. -o events.{fmt}"
        )
    timeline = _filtered(data, start, end, categories, actors, tags)
    module, name = BINARY_EXPORTS[fmt]
    try:
        payload: bytes = getattr(importlib.import_module(module), name)(timeline)
    except ImportError as error:
        raise click.ClickException(str(error)) from None
    _write_export(payload, output, len(timeline), fmt)


@cli.command("init")
@click.argument(
    "folder", default=".", type=click.Path(file_okay=False, path_type=Path), metavar="[DIR]"
)
@click.option(
    "--title",
    help="The timeline's title. Default: from DIR's name (my-story gives \"My story\"). "
    "It also keys the calendar export's UIDs, so give each timeline its own.",
)
def init_command(folder: Path, title: str | None) -> None:
    """Start a timeline project of your own in DIR (default: this folder).

    Writes data/events.json (a title, a category, a source and one example
    event, valid and canonical), data/.gitignore (for the lock file that add
    and import leave), .github/workflows/timeline.yml (CI that
    validates, checks the format and renders), .pre-commit-config.yaml
    (eventline's hooks) and README.md (the next steps). Refuses, writing
    nothing, when any of these files exists.

    Example: eventline init my-timeline && cd my-timeline && eventline render
    """
    from eventline.project import ProjectExistsError, init_project, install_requirement
    from eventline.validate import check_line

    if title is not None and (problem := check_line(title)) is not None:
        raise click.BadParameter(f"{show_value(title)} {problem}", param_hint="--title")
    try:
        written = init_project(folder, title)
    except ProjectExistsError as error:
        for path in error.paths:
            click.echo(f"{path}: exists already; init writes nothing over an existing file")
        raise SystemExit(1) from None
    except io.WriteError as error:
        click.echo(str(error))
        raise SystemExit(1) from None
    for path in written:
        click.echo(f"{path}: written")
    if install_requirement() is None:
        workflow = folder / ".github" / "workflows" / "timeline.yml"
        click.echo(
            f"{workflow}: set the repository variable EVENTLINE to where CI installs "
            "eventline from (this eventline was installed from a folder; the package named "
            "eventline on the public package index is another project)"
        )
    where = "" if folder == Path() else f"cd {folder}, then "
    click.echo(
        f"next: {where}edit data/events.json and run: eventline validate && eventline render"
    )


@cli.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--data",
    "data",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The data file to create or update. Default: ./data/events.json.",
)
@click.option(
    "--from",
    "kind",
    type=click.Choice(list(IMPORT_FORMATS)),
    default=None,
    help="The format of FILE. Default: by its suffix (.xlsx, .csv; .json is TimelineJS), "
    "and a .csv whose header is the TimelineJS template's is TimelineJS. "
    "timelinejs reads TimelineJS JSON or its Google Sheets template saved as CSV.",
)
@click.option(
    "--dry-run", is_flag=True, help="Print what would be added and changed; write nothing."
)
def import_command(file: Path, data: Path | None, kind: str | None, dry_run: bool) -> None:
    """Import a spreadsheet, a TimelineJS timeline or a Parquet dataset (a folder) into a data file.

    Creates the data file, or adds and updates records by id. Reads the
    workbook `eventline export --format xlsx` writes, an events table alone
    (.xlsx or .csv) whose category, actors and sources columns name declared
    ids, and TimelineJS. Date cells take the grammar or free text, as `add
    --date` does. The whole result is validated before one atomic write; on
    any problem, each is printed with its place (events.xlsx: events!C7
    (date): ...) and the data file is left untouched.

    Example: eventline import events.xlsx --data data/events.json --dry-run
    """
    from eventline.importer import import_file

    target = data or Path("data") / "events.json"
    if data is None and not target.parent.is_dir():
        raise click.UsageError(
            "there is no ./data folder here; name the data file with --data, "
            "or start a project with `eventline init`"
        )
    try:
        result = import_file(file, target, kind=kind, dry_run=dry_run)
    except InvalidDataError as error:
        _echo_problems(error.problems)
        raise SystemExit(1) from None
    except io.WriteError as error:
        click.echo(str(error))
        raise SystemExit(1) from None
    for note in result.notes:
        click.echo(f"{note}", err=True)
    for change in result.changes:
        if dry_run or change.table == "timeline":
            click.echo(f"{target}: {'would ' if dry_run else ''}{change}")
    added = sum(1 for c in result.changes if c.table == "events" and c.action == "add")
    changed = sum(1 for c in result.changes if c.table == "events" and c.action == "change")
    tables = sum(1 for c in result.changes if c.table in ("categories", "actors", "sources"))
    summary = (
        f"{target}: {'would have' if dry_run else 'now has'} {_events(result.events)} "
        f"({added} added, {changed} changed"
        + (f"; {tables} categories, actors or sources added or changed" if tables else "")
        + ")"
    )
    click.echo(summary + ("; nothing written (--dry-run)" if dry_run else ""))


@cli.command("add")
@_data_option
@click.option("--id", "event_id", help="The event's id. Default: a slug of the title, made unique.")
@click.option("--title", required=True, help="A one-line headline.")
@click.option(
    "--date",
    "date_text",
    required=True,
    metavar="TEXT",
    help="2025-02-12, 'February 2022', 'the 1st of March, 2025', 'Feb 14-16, 2025', "
    "'25 Dec - 2 Jan 2016', 'circa 2014', 'since February 24, 2022', ... The precision "
    "the text gives is kept; a time of day is dropped with a notice on stderr.",
)
@click.option("--category", required=True, help="A declared category id.")
@click.option("--actor", "actors", multiple=True, help="A declared actor id (repeatable).")
@click.option("--place", "places", multiple=True, help="A place name (repeatable).")
@click.option("--tag", "tags", multiple=True, help="A tag slug (repeatable).")
@click.option("--source", required=True, help="The id of the declared source to cite.")
@click.option("--quote", help="A short verbatim excerpt of the source (at most 300 characters).")
@click.option("--summary", help="One to three sentences in your own words.")
@click.option(
    "--dayfirst/--monthfirst",
    "dayfirst",
    default=None,
    help="How to read an all-numeric date such as 02/03/2025 (refused unless one is given).",
)
def add_command(
    data: Path | None,
    event_id: str | None,
    title: str,
    date_text: str,
    category: str,
    actors: tuple[str, ...],
    places: tuple[str, ...],
    tags: tuple[str, ...],
    source: str,
    quote: str | None,
    summary: str | None,
    dayfirst: bool | None,
) -> None:
    """Add an event to the data file, validated, in its canonical place.

    The whole file is checked before anything is written; on any problem the
    file stays as it was, byte for byte. Several `add`s may run at once.

    Example: eventline add --title "Trump and Putin speak by phone" --date "Feb 12, 2025"
    --category diplomacy --actor trump --actor putin --source concessions-article
    """
    from eventline.authoring import add_event

    notices: list[str] = []
    try:
        date = EventDate.from_text(date_text, dayfirst=dayfirst, notices=notices)
    except DateError as error:
        message = str(error)
        detail = message if message.startswith("'") else f"{date_text!r} {message}"
        if isinstance(error, AmbiguousDateError):
            detail += ", or say which with --dayfirst or --monthfirst"
        raise click.BadParameter(detail, param_hint="--date") from None
    for notice in notices:
        click.echo(f"notice: {notice}", err=True)
    target = data or Path("data") / "events.json"
    if data is None and not target.is_file():
        raise click.UsageError("./data/events.json does not exist; name the file with --data")
    try:
        event = add_event(
            target,
            title=title,
            date=date,
            category=category,
            source=source,
            event_id=event_id,
            actors=actors,
            places=places,
            tags=tags,
            quote=quote,
            summary=summary,
        )
    except InvalidDataError as error:
        _echo_problems(error.problems)
        raise SystemExit(1) from None
    except io.WriteError as error:
        click.echo(str(error))
        raise SystemExit(1) from None
    click.echo(f"{target}: added {event.id} ({event.date})")


@cli.command("extract")
@click.argument("article", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--published",
    required=True,
    type=DateParam(),
    help="The article's publication day, which relative dates are resolved against.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "table"]),
    default="table",
    show_default=True,
    help="json: a list of objects (text, date, start, end, rule, sentence).",
)
def extract_command(article: Path, published: EventDate, fmt: str) -> None:
    """List every date mentioned in a plain-text article, resolved to the grammar.

    Dates are read as `add --date` reads them, with four-digit years and
    capitalised month and weekday names; each mention names its rule:

    \b
    absolute-date     a day with its year: "the 24th of February, 2022", "JAN. 27, 2017";
                      13/02/2025 but not the ambiguous 02/03/2025
    weekday-conflict  such a date whose weekday contradicts it (the date as written)
    absolute-range    "Feb 14-16, 2025", "25 Dec - 2 Jan 2016" (start borrows
                      from the end, a year earlier when only that runs forward),
                      "2014-2022", "between 2014 and 2022", "from 2014 to 2022"
    month-year        "February 2022", "Sept. 2019"
    month-day         "January 20", "February 14-16": the occurrence nearest --published
    year              a bare year only after in, since, by, until, till, before,
                      after, from, of, during, through, early, mid, late, "the year",
                      as pre-2014, post-2022, mid-2014, or listed after a mention
                      ("in 2014, 2015 and 2019"); a number before a
                      counted noun is an amount ("of 2000 troops", "of 1500
                      people", "2000-3000 soldiers"), as are "1500-page" and
                      "ATOL 1010"
    weekday-of-week   "Tuesday (of) next week", "Friday last week", "Monday this week",
                      "next week on Tuesday", "last week, on Friday"
    relative          yesterday, today, tomorrow, "the day before yesterday",
                      "the day after tomorrow", "two days ago", "a week ago",
                      "three months ago", "two days from now", "in three
                      weeks' time", this/last weekend, this/last/next
                      week|month|year,
                      "later this week" (the days after --published up to Sunday)
    next-weekday      "next Tuesday", "this coming Tuesday": the first after --published
    last-weekday      "last Friday": the latest before --published
    weekday           "on Wednesday": the first after --published when will, 'll,
                      shall, is/are to, is/are (not) due/set/expected/
                      scheduled/planned (to, for, in ...) or this coming
                      comes before it in its sentence, or after it in its
                      clause (up to a comma, ;, :, bracket, that, and, but,
                      which, who, because, after, before, while, when, as), or
                      anywhere in it when the weekday opens it; otherwise the
                      latest on or before --published. A past-tense verb
                      (said, was, met ...) in its own clause after any such
                      marker, or after it with none, makes it past; "this
                      Friday" otherwise is the one of --published's week.
                      "a Saturday", "every Friday" are no dates.

    Sentences end at . ! ? (with a closing quote or bracket) before a capital,
    digit or quote, and at line breaks; not after an abbreviation (Jan.,
    Sept., Mr., Dr., U.S., an initial). "the" joins a mention only before a
    day ("the 3rd of March").
    Durations ("three-year-long", "for 20 years") are left out.

    Example: eventline extract article.txt --published 2025-02-13 --format json
    """
    import json

    from eventline.extract import extract

    try:
        text = article.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise click.BadParameter("is not UTF-8 text", param_hint="ARTICLE") from None
    try:
        mentions = extract(text, published)
    except DateError as error:
        raise click.BadParameter(str(error), param_hint="--published") from None
    if fmt == "json":
        click.echo(json.dumps([m.to_json() for m in mentions], indent=2, ensure_ascii=False))
        return
    rows = [("OFFSET", "TEXT", "DATE", "RULE")]
    rows += [(str(m.start), m.text, str(m.date), m.rule) for m in mentions]
    for line in _table(rows):
        click.echo(line)
    click.echo(f"{len(mentions)} date mentions", err=True)


def main(argv: Sequence[str] | None = None, prog_name: str | None = None) -> None:
    """Run the CLI (the ``eventline`` console script).

    After a command that loaded :data:`HARD_EXIT_EVENTS` events or more, the
    process ends with ``os._exit`` once standard output and error are
    flushed, as mypy ends its runs: freeing a large timeline's records one by
    one at interpreter exit took 0.3–1 s at 200,000 events, and the operating
    system frees the whole process at once. Every file was written and
    renamed and every forked helper had sent its answer before this point
    (one still freeing its own memory ends by itself); only atexit
    handlers are skipped. The click group itself (``cli``, which tests call
    in-process) never exits this way.
    """
    _Exit.console = True
    try:
        cli.main(args=argv, prog_name=prog_name or "eventline")
    except SystemExit as done:
        if _Exit.hard and (done.code is None or isinstance(done.code, int)):
            code = done.code or 0
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            except OSError:  # a closed pipe: as Python's own exit, status 120
                code = code or 120
            os._exit(code)
        raise
