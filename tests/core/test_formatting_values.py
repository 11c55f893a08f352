"""The cached Babel locales and patterns format exactly as Babel's own functions do."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from procure.core import formatting


@pytest.mark.parametrize("locale", ["nl", "en"])
@pytest.mark.parametrize("value", [Decimal("375000"), Decimal("-12.345"), Decimal("0.005"), 1e6])
def test_money_matches_babel(locale, value):
    amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    expected = babel_numbers.format_currency(amount, "EUR", locale=locale)
    assert formatting.money(value, locale) == formatting._plain_spaces(expected)
    # Twice: the second call comes from the cache and must not differ.
    assert formatting.money(value, locale) == formatting._plain_spaces(expected)


def test_figures_in_both_locales():
    assert formatting.money(Decimal("375000"), "nl") == "€ 375.000,00"
    assert formatting.money(Decimal("375000.5"), "nl", cents=False) == "€ 375.001"
    assert formatting.money(Decimal("375000"), "en") == "€375,000.00"
    assert formatting.number(Decimal("1234.125"), "nl") == "1.234,125"
    assert formatting.number(Decimal("8.5"), "en", places=2) == "8.50"
    assert formatting.percent(40, "nl") == "40 %"
    assert formatting.percent(Decimal("8.50"), "en") == "8.5%"
    assert formatting.day(date(2026, 12, 1), "nl") == "01-12-2026"
    assert formatting.day(date(2026, 12, 1), "en") == "1 Dec 2026"
    # 00:30 UTC on 29 March is 01:30 in Amsterdam, before the clocks go forward.
    moment = datetime(2026, 3, 29, 0, 30, 5, tzinfo=UTC)
    assert formatting.moment(moment, "nl") == "29-03-2026 01:30"
    assert formatting.moment(moment, "en", seconds=True) == "29 Mar 2026 01:30:05"
    assert formatting.long_date(date(2026, 12, 1), "nl") == babel_dates.format_date(
        date(2026, 12, 1), "d MMMM yyyy", locale="nl"
    )


@pytest.mark.parametrize("locale", ["nl", "en", "de"])
@pytest.mark.parametrize("cents", [True, False])
def test_money_fast_path_matches_babel_with_currency(locale, cents):
    """The euro symbol is looked up once per locale; the text stays Babel's own."""
    from babel import Locale

    pattern = (
        formatting._currency_pattern(locale) if cents else formatting._number_pattern("¤ #,##0")
    )
    values = [Decimal(0), Decimal("-0.004"), Decimal("-1500000"), Decimal("1234567890.125")]
    values += [Decimal(n * 7919) / 100 - 50000 for n in range(200)]
    for value in values:
        amount = value.quantize(Decimal("0.01") if cents else Decimal(1), rounding="ROUND_HALF_UP")
        expected = pattern.apply(
            amount, Locale.parse(locale), currency="EUR", currency_digits=cents
        )
        assert formatting.money(value, locale, cents) == formatting._plain_spaces(expected)


def test_template_filters_and_gettext_follow_the_request_locale(app):
    from flask import render_template_string
    from flask_babel import force_locale

    source = (
        "{{ 1500|money }}|{{ 8.5|number }}|{{ _('Zoeken') }}|{{ _('100%%') }}|"
        "{{ _('Pagina %(p)d van %(n)d', p=1, n=2) }}|{{ _('%(x)s', x='<b>') }}|"
        "{{ ngettext('%(num)d resultaat', '%(num)d resultaten', 3) }}"
    )
    with app.test_request_context("/"):
        with force_locale("nl"):
            dutch = render_template_string(source)
        with force_locale("en"):
            english = render_template_string(source)
    assert dutch == "€ 1.500,00|8,5|Zoeken|100%|Pagina 1 van 2|&lt;b&gt;|3 resultaten"
    assert english.startswith("€1,500.00|8.5|Search|100%|Page 1 of 2|&lt;b&gt;|3 results")


@pytest.mark.parametrize("locale", ["nl", "en", "de"])
def test_numbers_on_the_fast_path_match_babel(locale):
    """money, number, count and percent put the digits together themselves: the same text
    as Babel's pattern for every sign, size and number of decimals."""
    from babel import Locale

    values = [Decimal(0), Decimal("-0"), Decimal("6E+1"), Decimal("-1E+7"), Decimal("0.1")]
    values += [Decimal(n * 7919) / 10 ** (n % 5) - 50000 for n in range(400)]
    values += [Decimal("123456789012345678901234.5"), Decimal("-999.9995")]
    for value in values:
        normal = value.normalize()
        digits = max(0, -normal.as_tuple().exponent)
        pattern = "#,##0" + ("." + "#" * digits if digits else "")
        expected = babel_numbers.parse_pattern(pattern).apply(normal, Locale.parse(locale))
        assert formatting.number(value, locale) == formatting._plain_spaces(expected), value
        for places in (0, 1, 2, 3):
            fixed = value.quantize(Decimal(1).scaleb(-places), rounding="ROUND_HALF_UP")
            shape = "#,##0" + ("." + "0" * places if places else "")
            expected = babel_numbers.parse_pattern(shape).apply(fixed, Locale.parse(locale))
            assert formatting.number(value, locale, places) == formatting._plain_spaces(expected)
    assert formatting.count(1234567, locale) == formatting._plain_spaces(
        babel_numbers.format_decimal(1234567, "#,##0", locale=locale)
    )


@pytest.mark.parametrize("locale", ["nl", "en"])
def test_dates_on_the_fast_path_match_babel(locale):
    from datetime import timedelta

    days = [date(2025, 1, 1) + timedelta(days=n) for n in range(800)]
    days += [date(1, 1, 1), date(999, 3, 9), date(9999, 12, 31)]
    for value in days:
        for formats in (formatting.DATE_FORMATS, formatting.LONG_DATE_FORMATS):
            expected = babel_dates.format_date(value, formats[locale], locale=locale)
            assert formatting._calendar_day(value, formats, "medium", locale) == expected
    for minute in range(0, 24 * 60, 7):
        moment = datetime(2026, 3, 29, minute // 60, minute % 60, minute % 60)
        for pattern in ("HH:mm", "HH:mm:ss"):
            expected = babel_dates.format_time(moment, pattern, locale=locale)
            assert formatting._FAST_PATTERNS[pattern](moment, locale) == expected
