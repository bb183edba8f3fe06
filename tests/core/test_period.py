import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.core.errors import ArgumentError, ConfigurationError
from analysis.core.period import Period, latest_delar


@pytest.mark.parametrize(
    "text, label, short",
    [
        ("2023-04", "Delår 1, januari–april 2023", "jan–apr 2023"),
        ("2023-08", "Delår 2, januari–augusti 2023", "jan–aug 2023"),
        ("2023-12", "Helår 2023", "jan–dec 2023"),
        ("2023-03", "Månadsrapport januari–mars 2023", "jan–mar 2023"),
        ("2024-01", "Månadsrapport januari 2024", "jan 2024"),
    ],
)
def test_labels(text, label, short):
    p = Period.parse(text)
    assert p.label == label
    assert p.short_label == short
    assert str(p) == text


def test_year_to_date_months():
    p = Period.parse("2023-08")
    assert [str(m) for m in p.months] == [f"2023-{m:02d}" for m in range(1, 9)]
    assert p.month_codes == [202301 + i for i in range(8)]
    assert p.is_delar and not p.is_full_year
    assert not Period.parse("2023-05").is_delar
    assert str(p.previous_year) == "2022-08"


@pytest.mark.parametrize("bad", ["2023-13", "2023-00", "2023/04", "april 2023", "", "23-04"])
def test_bad_periods_are_rejected_with_the_expected_form(bad):
    with pytest.raises(ConfigurationError) as e:
        Period.parse(bad)
    assert "2023-04" in str(e.value) or "1–12" in str(e.value)


def test_parse_accepts_single_digit_month():
    assert Period.parse("2023-4") == Period(2023, 4)


@given(st.integers(1990, 2100), st.integers(1, 12), st.integers(-40, 40))
def test_month_arithmetic_round_trips(year, month, k):
    p = Period(year, month)
    q = p + k
    assert q - k == p
    assert (q.year * 12 + q.month) - (year * 12 + month) == k
    assert Period.from_code(p.code) == p


@given(st.integers(1990, 2100), st.integers(1, 12))
def test_latest_delar_is_the_last_delar_at_or_before(year, month):
    p = Period(year, month)
    d = latest_delar(p)
    assert d <= p and d.month in (4, 8, 12)
    assert all(
        (d + i).month not in (4, 8, 12) for i in range(1, (p.code - d.code) % 100 + 1) if d + i <= p
    )


@pytest.mark.parametrize("text", ["1899-12", "2201-01", "0000-04"])
def test_a_period_text_with_an_unreasonable_year_is_a_configuration_error(text):
    with pytest.raises(ConfigurationError, match="året"):
        Period.parse(text)


@pytest.mark.parametrize(
    "year, month, argument", [(2023, 13, "month"), (2023, 0, "month"), (1800, 4, "year")]
)
def test_a_bad_year_or_month_argument_is_an_argument_error(year, month, argument):
    with pytest.raises(ArgumentError) as err:
        Period(year, month)
    assert err.value.argument == argument
    assert isinstance(err.value, ValueError)
    with pytest.raises(ArgumentError):
        Period.from_code(year * 100 + month)


def test_parse_returns_a_period_unchanged():
    p = Period(2023, 4)
    assert Period.parse(p) is p
    assert Period.parse(" 2023 - 04 ") == p
