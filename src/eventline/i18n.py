"""Languages for what people read: display dates and interface text.

A :class:`Language` comes from a BCP 47 tag (``de``, ``de-AT``, ``ar``) by
RFC 4647 lookup: the tag is shortened a subtag at a time until CLDR knows
it, and its primary language must be one eventline has a message catalogue
for (:data:`LANGUAGES`). Display dates use that locale's own CLDR patterns
through Babel (skeletons ``yMMMMd``, ``yMMMM``, ``y`` and their interval
formats); the words placed around them ("about", "uncertain", "ongoing",
"end unknown") and the interface text come from gettext catalogues,
``eventline/locale/<lang>/LC_MESSAGES/eventline.po``.

English (``en``) is the default and keeps :meth:`EventDate.display`'s
output byte for byte; it never imports Babel, whose locale data is large
and slow to load. Other languages import it on first use.
"""

from __future__ import annotations

import functools
import gettext
import re
from importlib import resources
from typing import TYPE_CHECKING, Literal

import attrs

if TYPE_CHECKING:
    import datetime as dt

    from babel import Locale

    from eventline.dates import DatePoint, EventDate

__all__ = ["DEFAULT", "LANGUAGES", "Language", "LanguageError", "display_date", "language"]

#: Languages with a message catalogue: BCP 47 primary tag → the language's own name.
LANGUAGES: dict[str, str] = {
    "ar": "العربية",
    "de": "Deutsch",
    "en": "English",
    "fr": "Français",
    "uk": "Українська",
}

#: The language used when none is asked for.
DEFAULT = "en"

_DOMAIN = "eventline"

# language[-script][-region][-variant...]: the parts of BCP 47 (RFC 5646) that
# choose a CLDR locale. Extensions (-u-, -x-) are refused rather than ignored.
_TAG_RE = re.compile(
    r"(?P<language>[A-Za-z]{2,3})"
    r"(?:[-_](?P<script>[A-Za-z]{4}))?"
    r"(?:[-_](?P<region>[A-Za-z]{2}|[0-9]{3}))?"
    r"(?P<variants>(?:[-_](?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*)"
)

# Skeletons (CLDR, UTS #35) for each precision of a date.
_SKELETONS = {"day": "yMMMMd", "month": "yMMMM", "year": "y"}


class LanguageError(ValueError):
    """A tag names no language eventline has; ``str(error)`` says which ones it has."""


def _available() -> str:
    return ", ".join(f"{tag} ({name})" for tag, name in sorted(LANGUAGES.items()))


@attrs.frozen
class Language:
    """A language to show dates and interface text in.

    Build one with :func:`language`.

    Attributes:
        tag: the BCP 47 tag as resolved, for ``<html lang>`` (``"de-AT"``).
        catalogue: the message catalogue's language, a key of :data:`LANGUAGES`.
        locale: the CLDR locale identifier Babel formats with (``"de_AT"``).
    """

    tag: str
    catalogue: str
    locale: str

    @property
    def is_default(self) -> bool:
        """True for plain ``en``: output is exactly eventline's English."""
        return self.tag == DEFAULT

    @property
    def direction(self) -> Literal["ltr", "rtl"]:
        """``"rtl"`` for a right-to-left script (Arabic), else ``"ltr"``; for ``<html dir>``."""
        return "rtl" if self.catalogue in _RTL else "ltr"

    @property
    def translations(self) -> gettext.NullTranslations:
        """The gettext translations (for ``jinja2.ext.i18n``'s ``install_gettext_translations``)."""
        return _translations(self.catalogue)

    def gettext(self, message: str) -> str:
        """``message`` in this language (itself when the catalogue lacks it)."""
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The plural form of a message for ``n``, by the catalogue's ``Plural-Forms``."""
        return self.translations.ngettext(singular, plural, n)

    def format_number(self, n: int) -> str:
        """An integer written as the locale writes numbers: ``12,345``, ``12.345`` (German).

        Digits are Latin (CLDR's default numbering system in Babel), Arabic included.
        """
        if self.is_default:
            return f"{n:,}"
        from babel.numbers import format_decimal

        return format_decimal(n, locale=self.locale)


_RTL = frozenset({"ar"})

ENGLISH = Language(DEFAULT, DEFAULT, DEFAULT)


def language(tag: str | None = None) -> Language:
    """The language a BCP 47 tag names; None or ``"en"`` is English.

    Matching is case-insensitive and accepts ``_`` for ``-``. A regional or
    script variant CLDR knows keeps its own patterns (``de-AT`` writes
    ``Jänner``); one it does not know falls back to the shorter tag (RFC 4647
    lookup: ``de-XX`` → ``de``).

    Raises:
        LanguageError: the tag is malformed, or its language has no catalogue
            (``pt-BR``); the message lists the languages available.
    """
    if tag is None or tag == DEFAULT:
        return ENGLISH
    match = _TAG_RE.fullmatch(tag)
    if match is None:
        raise LanguageError(
            f"{tag!r} is not a BCP 47 language tag such as 'de' or 'de-AT'; "
            f"available: {_available()}"
        )
    primary = match["language"].lower()
    if primary not in LANGUAGES:
        raise LanguageError(f"no catalogue for {tag!r}; available: {_available()}")
    subtags = [primary]
    if match["script"]:
        subtags.append(match["script"].title())
    if match["region"]:
        subtags.append(match["region"].upper())
    subtags += [v.lower() for v in re.split(r"[-_]", match["variants"]) if v]
    if len(subtags) == 1 and primary == DEFAULT:
        return ENGLISH
    from babel import Locale, UnknownLocaleError

    while len(subtags) > 1:
        try:
            Locale.parse("_".join(subtags))
        except (UnknownLocaleError, ValueError):
            subtags.pop()
        else:
            break
    if subtags == [DEFAULT]:
        return ENGLISH
    return Language("-".join(subtags), primary, "_".join(subtags))


@functools.cache
def _translations(catalogue: str) -> gettext.NullTranslations:
    if catalogue == DEFAULT:
        return gettext.NullTranslations()
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    # The .po is the source of truth and is read as it ships; compiling it in
    # memory here (rather than shipping .mo files) keeps generated binaries out
    # of the repository and cannot go stale. Fuzzy entries are left out.
    po = resources.files("eventline").joinpath(f"locale/{catalogue}/LC_MESSAGES/{_DOMAIN}.po")
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=catalogue, domain=_DOMAIN)
    mo = io.BytesIO()
    write_mo(mo, catalog, use_fuzzy=False)
    mo.seek(0)
    return gettext.GNUTranslations(mo)


def display_date(date: EventDate, lang: Language = ENGLISH) -> str:
    """The date as people who read ``lang`` write it.

    English is :meth:`EventDate.display` (``14–16 February 2025``). Other
    languages use CLDR's patterns for the locale: ``14.–16. Februar 2025``,
    ``14–16 février 2025``, ``14–16 лютого 2025 р.``; a qualifier, an open
    end and an unknown end are whole catalogue messages around the dates
    (German ``ca. 2014``, ``24. Februar 2022 – andauernd``).
    """
    if lang.is_default:
        return date.display()
    return _dates(lang).display(date)


@functools.cache
def _dates(lang: Language) -> _Dates:
    return _Dates(lang)


class _Dates:
    def __init__(self, lang: Language) -> None:
        from babel import Locale

        self.lang = lang
        self.locale = Locale.parse(lang.locale)

    def point(self, point: DatePoint, *, with_qualifier: bool = True) -> str:
        from babel.dates import format_skeleton

        text = format_skeleton(_SKELETONS[point.precision], point.lower, locale=self.locale)
        return self.qualify(text, point.qualifier) if with_qualifier else text

    def qualify(self, text: str, qualifier: str | None) -> str:
        _ = self.lang.gettext
        if qualifier == "~":
            return _("about %(date)s") % {"date": text}
        if qualifier == "?":
            return _("%(date)s (uncertain)") % {"date": text}
        if qualifier == "%":
            return _("about %(date)s (uncertain)") % {"date": text}
        return text

    @functools.lru_cache(maxsize=4096)  # noqa: B019 (one _Dates per language, kept for the process)
    def display(self, date: EventDate) -> str:
        _ = self.lang.gettext
        start, end = date.start, date.end
        if date.end_kind == "open":
            return _("%(start)s – ongoing") % {"start": self.point(start)}
        if date.end_kind == "unknown":
            return _("%(start)s – end unknown") % {"start": self.point(start)}
        if end is None or start == end:
            return self.point(start)
        if start.qualifier == end.qualifier and start.precision == end.precision:
            text = _interval(start.lower, end.lower, _SKELETONS[start.precision], self.locale)
            return self.qualify(text, start.qualifier)
        return _("%(start)s – %(end)s") % {"start": self.point(start), "end": self.point(end)}


# CLDR date fields (UTS #35) that d3-time-format, which Plotly uses, can write.
_D3_FIELDS = {
    "d": "%-d",
    "dd": "%d",
    "M": "%-m",
    "MM": "%m",
    "MMM": "%b",
    "LLL": "%b",
    "MMMM": "%B",
    "LLLL": "%B",
    "y": "%Y",
    "yyyy": "%Y",
    "E": "%a",
    "EE": "%a",
    "EEE": "%a",
    "ccc": "%a",
    "EEEE": "%A",
    "cccc": "%A",
}


def d3_date_format(lang: Language, skeleton: str) -> str | None:
    """The CLDR pattern of ``skeleton`` for ``lang`` as a d3-time-format string.

    ``MMMEd`` in German is ``E., d. MMM`` → ``%a., %-d. %b``. None when the
    pattern has a field d3 cannot write.
    """
    from babel import Locale

    pattern = Locale.parse(lang.locale).datetime_skeletons[skeleton].pattern
    out, end = [], 0
    for m in _FIELD_RE.finditer(pattern):
        out.append(pattern[end : m.start()].replace("%", "%%"))  # spaces, punctuation
        text, end = m.group(0), m.end()
        if m.group(1) is None:  # a quoted literal
            out.append(text[1:-1].replace("''", "'").replace("%", "%%") or "'")
        elif text in _D3_FIELDS:
            out.append(_D3_FIELDS[text])
        else:
            return None
    out.append(pattern[end:].replace("%", "%%"))
    return "".join(out)


def plotly_locale(lang: Language) -> dict[str, object]:
    """A plotly.js locale (``config.locales[tag]``) from CLDR: month and day names,
    the date formats of axis ticks, and number separators.
    """
    from babel import Locale
    from babel.numbers import get_decimal_symbol, get_group_symbol

    locale = Locale.parse(lang.locale)

    def names(kind: dict[int, str], order: range) -> list[str]:
        return [kind[i] for i in order]

    months = locale.months["stand-alone"]
    days = locale.days["stand-alone"]
    sunday_first = range(-1, 6)  # Babel counts Monday as 0; d3 starts on Sunday
    formats = {
        key: d3_date_format(lang, skeleton)
        for key, skeleton in (
            ("year", "y"),
            ("month", "yMMM"),
            ("dayMonth", "MMMd"),
            ("dayMonthYear", "yMMMd"),
        )
    }
    return {
        "format": {
            "days": [days["wide"][i % 7] for i in sunday_first],
            "shortDays": [days["abbreviated"][i % 7] for i in sunday_first],
            "months": names(months["wide"], range(1, 13)),
            "shortMonths": names(months["abbreviated"], range(1, 13)),
            "decimal": get_decimal_symbol(locale),
            "thousands": get_group_symbol(locale),
            **{key: value for key, value in formats.items() if value is not None},
        }
    }


# A pattern's fields: quoted literals, or runs of one letter.
_FIELD_RE = re.compile(r"'(?:[^']|'')*'|([A-Za-z])\1*")


def _interval(start: dt.date, end: dt.date, skeleton: str, locale: Locale) -> str:
    """``start``–``end`` by the locale's CLDR interval formats (UTS #35, intervalFormats).

    Like :func:`babel.dates.format_interval`, plus the step it leaves out: a
    format matched for a nearby skeleton (``yMMMd`` for ``yMMMMd``) has its
    month field widened to the width asked for, so ``Feb.`` stays ``Februar``.
    """
    from babel.dates import (
        PATTERN_CHAR_ORDER,
        DateTimeFormat,
        format_interval,
        match_skeleton,
        parse_pattern,
    )

    formats = locale.interval_formats
    matched = skeleton if skeleton in formats else match_skeleton(skeleton, formats)
    if matched is None or matched == skeleton:
        return format_interval(start, end, skeleton, locale=locale)
    widths = {m.group(1): len(m.group(0)) for m in _FIELD_RE.finditer(skeleton) if m.group(1)}

    def widen(pattern: str) -> str:
        def field(m: re.Match[str]) -> str:
            letter = m.group(1)
            if letter in ("M", "L") and len(m.group(0)) >= 3 and widths.get("M", 0) >= 3:
                return letter * widths["M"]
            return m.group(0)

        return _FIELD_RE.sub(field, pattern)

    parts = formats[matched]
    start_fields, end_fields = DateTimeFormat(start, locale), DateTimeFormat(end, locale)
    for letter in PATTERN_CHAR_ORDER:
        if letter in parts and start_fields.extract(letter) != end_fields.extract(letter):
            return "".join(
                parse_pattern(widen(pattern)).apply(instant, locale)
                for pattern, instant in zip(parts[letter], (start, end), strict=True)
            )
    return format_interval(start, end, skeleton, locale=locale)
