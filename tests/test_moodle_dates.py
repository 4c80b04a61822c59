"""lib.moodle_dates: dates as Moodle's userdate() writes them, read with CLDR names (Babel).

Formats are the langconfig strings of the language packs (projectestac/moodle-langpacks
upstream_45: LP <lang>/langconfig.php; core English: moodle/moodle lang/en/langconfig.php);
Moodle drops the leading zero of %d and %I (lib/moodlelib.php userdate). Expected values
are worked out by hand from a calendar.
"""

import pandas as pd
import pytest

from lib.moodle_dates import parse_userdate

ES_LONG = "%A, %d de %B de %Y, %H:%M"  # LP es/langconfig.php strftimedaydatetime
AR_LONG = "%A\u060c %d %B %Y\u060c %I:%M %p"  # LP ar/langconfig.php strftimedaydatetime
AR_SHORT = "%d/%m/%y\u060c %H:%M"  # LP ar/langconfig.php strftimedatetimeshort
EN_LONG = "%A, %d %B %Y, %I:%M %p"  # M lang/en/langconfig.php strftimedaydatetime
FR_SHORT = "%d %b %y, %H:%M"  # LP fr/langconfig.php strftimedatetimeshort


def one(text, fmt, lang):
    return parse_userdate(pd.Series([text]), fmt, lang).iloc[0]


def test_spanish_long_date_parses_exactly():
    # 19 March 2020 was a Thursday (jueves)
    assert one("jueves, 19 de marzo de 2020, 01:27", ES_LONG, "es") == pd.Timestamp("2020-03-19 01:27")


def test_spanish_day_without_leading_zero():
    assert one("domingo, 5 de julio de 2020, 23:59", ES_LONG, "es") == pd.Timestamp("2020-07-05 23:59")


def test_weekday_must_match_the_date():
    assert pd.isna(one("lunes, 19 de marzo de 2020, 01:27", ES_LONG, "es"))


def test_arabic_long_date_with_pm_marker():
    # CLDR ar: الخميس = Thursday, مارس = March, م = PM (ص = AM)
    assert one("الخميس\u060c 19 مارس 2020\u060c 1:27 م", AR_LONG, "ar") == pd.Timestamp("2020-03-19 13:27")
    assert one("الخميس\u060c 19 مارس 2020\u060c 12:05 ص", AR_LONG, "ar") == pd.Timestamp("2020-03-19 00:05")


def test_arabic_short_date_and_arabic_indic_digits():
    assert one("19/03/20\u060c 01:27", AR_SHORT, "ar") == pd.Timestamp("2020-03-19 01:27")
    assert one("١٩/٠٣/٢٠\u060c ٠١:٢٧", AR_SHORT, "ar") == pd.Timestamp("2020-03-19 01:27")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Thursday, 19 March 2020, 1:27 AM", "2020-03-19 01:27"),
        ("Thursday, 19 March 2020, 12:27 PM", "2020-03-19 12:27"),
        ("Thursday, 19 March 2020, 12:27 AM", "2020-03-19 00:27"),
        ("Sunday, 1 November 2020, 11:00 PM", "2020-11-01 23:00"),
    ],
)
def test_english_12_hour_clock(text, expected):
    assert one(text, EN_LONG, "en") == pd.Timestamp(expected)


def test_french_abbreviated_month():
    assert one("5 mars 20, 14:03", FR_SHORT, "fr") == pd.Timestamp("2020-03-05 14:03")


def test_order_of_day_and_month_is_the_formats():
    # 03/05 is 3 May in a day-first format, never 5 March
    assert one("3/05/20, 10:00", "%d/%m/%y, %H:%M", "en") == pd.Timestamp("2020-05-03 10:00")
    assert pd.isna(one("13/13/20, 10:00", "%d/%m/%y, %H:%M", "en"))


def test_customcert_date_and_blanks():
    fmt = "%Y-%m-%d %H:%M"  # mod_customcert classes/report_table.php
    got = parse_userdate(pd.Series(["2021-04-8 20:23", "", None, "8 April 2021"]), fmt, "en")
    assert got.iloc[0] == pd.Timestamp("2021-04-08 20:23")
    assert got.iloc[1:].isna().all()


def test_system_locale_names_are_not_used():
    # an English month name in a Spanish format is not a Spanish date
    assert pd.isna(one("Thursday, 19 de March de 2020, 01:27", ES_LONG, "es"))
