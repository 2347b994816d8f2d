"""Free-text dates become the grammar, keeping exactly the precision the text gave."""

from __future__ import annotations

import pytest

from eventline import DateError, EventDate


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("February 2022", "2022-02"),
        ("Feb 2022", "2022-02"),
        ("Feb. 24, 2022", "2022-02-24"),
        ("24 February 2022", "2022-02-24"),
        ("2022-02-24", "2022-02-24"),
        ("2014", "2014"),
        ("March 18th, 2014", "2014-03-18"),
        ("Sept 2019", "2019-09"),
        ("Feb 14-16, 2025", "2025-02-14/2025-02-16"),
        ("February 14 to 16, 2025", "2025-02-14/2025-02-16"),
        ("14–16 February 2025", "2025-02-14/2025-02-16"),
        ("February 14 – March 2, 2025", "2025-02-14/2025-03-02"),
        ("January 2014 to March 2015", "2014-01/2015-03"),
        ("circa 2014", "2014~"),
        ("c. 2014", "2014~"),
        ("about 12 February 2025", "2025-02-12~"),
        ("2014?", "2014?"),
        ("March 2014?", "2014-03?"),
        ("since February 24, 2022", "2022-02-24/.."),
        ("since 2014", "2014/.."),
        ("24.02.2022", "2022-02-24"),
        ("13/02/2025", "2025-02-13"),
        ("  February   2022 ", "2022-02"),
    ],
)
def test_free_text_keeps_its_precision(text, date):
    """No day or month is invented: the result has exactly the fields the text had."""
    assert str(EventDate.from_text(text)) == date


def test_dayfirst_and_monthfirst_settle_numeric_dates():
    """--dayfirst / --monthfirst choose the reading of 02/03/2025."""
    assert str(EventDate.from_text("02/03/2025", dayfirst=True)) == "2025-03-02"
    assert str(EventDate.from_text("02/03/2025", dayfirst=False)) == "2025-02-03"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "02/03/2025",
            "'02/03/2025' is ambiguous (day first or month first?); write 2025-03-02 or "
            "2025-02-03, or say which with --dayfirst or --monthfirst",
        ),
        ("February 30, 2025", "'February 30, 2025' does not exist: day is out of range for month"),
        (
            "hello",
            "no date found in 'hello'; write e.g. 2025-02-12, 12 February 2025, February 2022 or 2014",
        ),
        (
            "Wednesday",
            "'Wednesday' names a weekday, not a date; give the date, e.g. 12 February 2025",
        ),
        (
            "January 20",
            "'January 20' has no year; write e.g. 2025-02-12, 12 February 2025, February 2022 or 2014",
        ),
        ("Feb 24, 22", "'Feb 24, 22': write the year with four digits"),
        ("2025-02-12 10:00", "times are not stored; give the day only, e.g. 12 February 2025"),
        ("2025-02-30", "day is out of range for month (February 2025 has 28 days)"),
        ("", "is empty; write e.g. 2025-02-12, 12 February 2025, February 2022 or 2014"),
    ],
)
def test_refusals_say_what_to_type(text, message):
    """Each refusal names the problem and an accepted way to write the date."""
    with pytest.raises(DateError) as error:
        EventDate.from_text(text)
    assert str(error.value) == message
