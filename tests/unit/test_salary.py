"""The one salary parser (issue 24 §6): shapes seen in real adverts, in six languages and many currencies.

Each row is what a source wrote and what a reader of the advert would take from it; the negative rows are
texts that hold figures which are not pay, and must come out with no number at all.
"""

from __future__ import annotations

import pytest

from jobagent.cli.render import compact_salary
from jobagent.postings.feeds import parse_feed, posting_from_dict
from jobagent.postings.salary import annual, currency_of, parse_pay, pay_in_description, period_of, read_pay
from jobagent.postings.schema import PostingData
from jobagent.text import salary_text

# text -> (minimum, maximum, currency, period)
SHAPES = [
    ("$100k - $120k", (100_000, 120_000, "USD", None)),
    ("100-120k USD", (100_000, 120_000, "USD", None)),
    ("€100-120k", (100_000, 120_000, "EUR", None)),
    ("60,000-70,000 EUR", (60_000, 70_000, "EUR", None)),
    ("€65.000", (65_000, 65_000, "EUR", None)),
    ("€65,000 – €80,000 per year", (65_000, 80_000, "EUR", "year")),
    ("USD 100,000 – 120,000 per annum", (100_000, 120_000, "USD", "year")),
    ("$120K/yr", (120_000, 120_000, "USD", "year")),
    ("£50k pa", (50_000, 50_000, "GBP", "year")),
    ("£30,000 - £35,000 a year", (30_000, 35_000, "GBP", "year")),
    ("£450 per day", (450, 450, "GBP", "day")),
    ("£400-£500 day rate", (400, 500, "GBP", "day")),
    ("£45/hr", (45, 45, "GBP", "hour")),
    ("$25 - $30 an hour", (25, 30, "USD", "hour")),
    ("$5,000/week", (5_000, 5_000, "USD", "week")),
    ("$2,500 weekly", (2_500, 2_500, "USD", "week")),
    ("£2,000 pcm", (2_000, 2_000, "GBP", "month")),
    ("salary: 1200-1400 EUR monthly", (1_200, 1_400, "EUR", "month")),
    ("up to $80k", (None, 80_000, "USD", None)),
    ("from £30,000", (30_000, None, "GBP", None)),
    ("Minimum €50k", (50_000, None, "EUR", None)),
    ("Sysadmin €50k", (50_000, 50_000, "EUR", None)),  # "min" inside a word is no lower bound
    ("€50,000 - €60,000 + 10% bonus", (50_000, 60_000, "EUR", None)),
    ("US$90,000–110,000", (90_000, 110_000, "USD", None)),
    ("CA$85,000 - CA$95,000 per year", (85_000, 95_000, "CAD", "year")),
    ("A$130k - A$150k + super", (130_000, 150_000, "AUD", None)),
    # German
    ("1.200 - 1.400 € pro Monat", (1_200, 1_400, "EUR", "month")),
    ("3.100,50 € brutto/Monat", (3_100.5, 3_100.5, "EUR", "month")),
    ("bis zu 70.000 € brutto jährlich", (None, 70_000, "EUR", "year")),
    ("ab 60.000 € p.a.", (60_000, None, "EUR", "year")),
    ("15 €/Std.", (15, 15, "EUR", "hour")),
    ("Stundenlohn 14,50 €", (14.5, 14.5, "EUR", "hour")),
    ("Monatsgehalt: 3.000 €", (3_000, 3_000, "EUR", "month")),
    ("55.000 - 65.000 EUR Jahresgehalt", (55_000, 65_000, "EUR", "year")),
    ("60-70.000 € brutto im Jahr", (60_000, 70_000, "EUR", "year")),
    ("CHF 120'000 - 140'000 p.a.", (120_000, 140_000, "CHF", "year")),
    ("CHF 9’500 pro Monat", (9_500, 9_500, "CHF", "month")),
    ("60 Tsd. € im Jahr", (60_000, 60_000, "EUR", "year")),
    # Dutch
    ("€ 2.500 per maand", (2_500, 2_500, "EUR", "month")),
    ("€3.200 - €4.100 bruto per maand", (3_200, 4_100, "EUR", "month")),
    ("20 - 25 €/uur", (20, 25, "EUR", "hour")),
    ("tot € 4.500 per maand", (None, 4_500, "EUR", "month")),
    ("€ 52.000 per jaar", (52_000, 52_000, "EUR", "year")),
    # French
    ("45 000 € brut annuel", (45_000, 45_000, "EUR", "year")),
    ("2\u202f000 € par mois", (2_000, 2_000, "EUR", "month")),
    ("50k€/an", (50_000, 50_000, "EUR", "year")),
    ("à partir de 40 000 €", (40_000, None, "EUR", None)),
    ("Entre 38 et 42 k€ par an", (38_000, 42_000, "EUR", "year")),
    ("12 € de l'heure", (12, 12, "EUR", "hour")),
    # Spanish
    ("1.500 € al mes", (1_500, 1_500, "EUR", "month")),
    ("entre 30.000 y 35.000 € anuales", (30_000, 35_000, "EUR", "year")),
    ("25.000 - 30.000 € brutos al año", (25_000, 30_000, "EUR", "year")),
    ("hasta 2.000 € mensuales", (None, 2_000, "EUR", "month")),
    # Portuguese
    ("R$ 8.000,00 por mês", (8_000, 8_000, "BRL", "month")),
    ("até R$ 10 mil por mês", (None, 10_000, "BRL", "month")),
    ("1.200 € por mês", (1_200, 1_200, "EUR", "month")),
    ("30.000 € por ano", (30_000, 30_000, "EUR", "year")),
    # Polish and Czech
    ("8 000 - 12 000 zł brutto/mies.", (8_000, 12_000, "PLN", "month")),
    ("PLN 15000 - 20000", (15_000, 20_000, "PLN", None)),
    ("45 000 Kč měsíčně", (45_000, 45_000, "CZK", None)),
    # A currency-less salary field: only shapes that cannot be anything else
    ("65k-80k", (65_000, 80_000, None, None)),
    ("65,000-80,000", (65_000, 80_000, None, None)),
]


@pytest.mark.parametrize(("text", "expected"), SHAPES, ids=[s[0] for s in SHAPES])
def test_salary_shapes(text: str, expected: tuple[float | None, float | None, str | None, str | None]) -> None:
    pay = parse_pay(text)
    assert (pay.minimum, pay.maximum, pay.currency, pay.period) == expected
    assert pay.text == " ".join(text.split())  # the words as given travel with the figures


NOT_PAY = [
    "competitive",
    "Competitive salary + equity",
    "Nach Vereinbarung",
    "2027",
    "Start in 2027",
    "40 hours",
    "40 hours per week",
    "3-5 years",
    "3-5 years of experience",
    "+49 30 1234567",
    "Call 0800 123 456",
    "(030) 2345 6789",
    "€5 million revenue",
    "a team of 1,200 people",
    "24/7 support",
    "10% bonus",
    "€20 - 1,000 depending on the shift",  # ends a 50x apart: one of them is misread
    "",
    "DOE",
]


@pytest.mark.parametrize("text", NOT_PAY)
def test_figures_that_are_not_pay_get_no_number(text: str) -> None:
    pay = parse_pay(text)
    assert (pay.minimum, pay.maximum, pay.annual_min, pay.annual_max) == (None, None, None, None)
    assert pay.text == (" ".join(text.split()) or None)  # kept, so the advert's words still show


def test_the_period_is_the_one_next_to_the_figures() -> None:
    # "per week" belongs to the hours, not the pay: no period rather than a weekly salary of €3,000.
    assert parse_pay("€3,000, 40 hours per week").period is None
    assert parse_pay("40 hours weekly, €3,000").period is None
    assert parse_pay("€3,000 per month, 40 hours per week").period == "month"


@pytest.mark.parametrize(("value", "period"), [
    ("month", "month"), ("MONTH", "month"), ("per-month-salary", "month"), ("monthly", "month"),
    ("per-year-salary", "year"), ("YEAR", "year"), ("annual", "year"), ("per annum", "year"), ("p.a.", "year"),
    ("yearly", "year"), ("per-hour-wage", "hour"), ("HOUR", "hour"), ("hourly", "hour"), ("DAY", "day"),
    ("daily", "day"), ("WEEK", "week"), ("pro Monat", "month"), ("Stunde", "hour"), ("mensual", "month"),
    ("one-time", None), ("", None), (None, None), ("bonus", None),
])
def test_structured_periods(value: str | None, period: str | None) -> None:
    assert period_of(value) == period


@pytest.mark.parametrize(("value", "code"), [
    ("EUR", "EUR"), ("eur", "EUR"), ("€", "EUR"), ("US$", "USD"), ("£", "GBP"), ("zł", "PLN"), ("R$", "BRL"),
    ("chf", "CHF"), ("Euro", "EUR"), ("", None), (None, None), ("money", None),
])
def test_currencies(value: str | None, code: str | None) -> None:
    assert currency_of(value) == code


def test_fields_given_as_strings_are_read_like_text() -> None:
    # Today's bugs: "65,000-80,000" became 6,500,080,000 and "€65.000" became 65.
    assert read_pay("65,000-80,000") == read_pay(minimum="65,000-80,000")
    wide = read_pay("65,000-80,000")
    assert (wide.minimum, wide.maximum) == (65_000, 80_000)
    euro = read_pay("€65.000", "€80.000")
    assert (euro.minimum, euro.maximum, euro.currency) == (65_000, 80_000, "EUR")
    assert read_pay("2027").minimum == 2027  # a field that holds only pay may hold a small-looking figure
    assert read_pay("1 200", "1 400", "EUR", "month").fields()["salary_annual_max"] == 16_800


def test_structured_fields_win_over_the_text() -> None:
    pay = read_pay(1200, 1400, "eur", "MONTH", text="about 15k a year")
    assert (pay.minimum, pay.maximum, pay.currency, pay.period, pay.text) == (1200, 1400, "EUR", "month",
                                                                               "about 15k a year")
    gaps = read_pay(currency="GBP", text="£40,000 - £45,000 per annum")
    assert (gaps.minimum, gaps.maximum, gaps.currency, gaps.period) == (40_000, 45_000, "GBP", "year")


def test_unreadable_figures_keep_their_words_and_no_number() -> None:
    pay = read_pay("competitive", None, "EUR")
    assert (pay.minimum, pay.maximum, pay.text) == (None, None, "competitive")
    assert pay.fields()["salary_annual_min"] is None
    assert read_pay(float("nan"), -5).minimum is None


@pytest.mark.parametrize(("value", "period", "currency", "yearly"), [
    (25, "hour", "EUR", 52_000), (450, "day", "GBP", 117_000), (1_000, "week", "USD", 52_000),
    (1_200, "month", "EUR", 14_400), (65_000, "year", "EUR", 65_000),
    (65_000, None, "EUR", 65_000),  # no period: a large figure is yearly
    (4_000, None, "EUR", None),  # no period and small: a month or a year, so no yearly figure at all
    (65_000, "hour", "EUR", None),  # 135 million a year: the period is wrong, so no figure
    (300_000, None, "JPY", None),  # small currency units: no guess
    (300_000, "month", "JPY", 3_600_000),
    (10_000, "one-time", "EUR", None),
])
def test_annual(value: float, period: str | None, currency: str, yearly: float | None) -> None:
    assert annual(value, period, currency) == yearly


def test_feed_posting_with_a_monthly_interval() -> None:
    raw = {"title": "Kassierer", "company": "Markt", "salary_min": 1200, "salary_max": 1400,
           "salary_currency": "EUR", "salary_interval": "month"}
    p = posting_from_dict(raw, "feed:x")
    assert p is not None
    assert (p.salary_min, p.salary_max, p.salary_interval) == (1200, 1400, "month")
    assert (p.salary_annual_min, p.salary_annual_max) == (14_400, 16_800)
    assert compact_salary(p.salary_min, p.salary_max, p.salary_currency, p.salary_interval) == "€1,200–1,400/month"
    assert salary_text(p.salary_min, p.salary_max, p.salary_currency, p.salary_interval) == "1,200–1,400 EUR/month"


@pytest.mark.parametrize(("raw", "expected"), [
    ({"salary": {"min": "4.000", "max": "5.000", "currency": "EUR", "interval": "monthly"}},
     (4_000, 5_000, "EUR", "month", 48_000, 60_000)),
    ({"salary": "£40,000 - £45,000 per annum"}, (40_000, 45_000, "GBP", "year", 40_000, 45_000)),
    ({"baseSalary": {"currency": "EUR", "value": {"minValue": 20, "maxValue": 25, "unitText": "HOUR"}}},
     (20, 25, "EUR", "hour", 41_600, 52_000)),
    ({"salary_min": "65,000-80,000", "currency": "USD"}, (65_000, 80_000, "USD", None, 65_000, 80_000)),
    ({"salary": "competitive"}, (None, None, None, None, None, None)),
])
def test_feed_salary_shapes(raw: dict[str, object], expected: tuple[object, ...]) -> None:
    p = posting_from_dict({"title": "Engineer", "company": "Acme", **raw}, "feed:x")
    assert p is not None
    assert (p.salary_min, p.salary_max, p.salary_currency, p.salary_interval, p.salary_annual_min,
            p.salary_annual_max) == expected


def test_postings_from_older_rows_get_yearly_figures() -> None:
    # Stored before the parser: the source's own interval word, no yearly figures.
    p = PostingData(source="s", external_id="1", title="t", company="c", salary_min=4000, salary_max=5000,
                    salary_currency="EUR", salary_interval="per-month-salary")
    assert (p.salary_interval, p.salary_annual_min, p.salary_annual_max) == ("month", 48_000, 60_000)


@pytest.mark.parametrize(("args", "cell", "short"), [
    ((1200, 1400, "EUR", "month"), "€1,200–1,400/month", "€1.2–1.4k/mo"),
    ((4000, 5000, "EUR", "month"), "€4,000–5,000/month", "€4–5k/mo"),
    ((65000, 80000, "EUR", "year"), "€65k–80k/year", "€65–80k/yr"),
    ((65500, 65500, "GBP", None), "£65.5k", "£65.5k"),
    ((14.5, None, "EUR", "hour"), "€14.50/hour", "€14.50/h"),
    ((8000, 12000, "PLN", "month"), "8,000–12,000 PLN/month", "8–12k PLN/mo"),
])
def test_table_cells_show_the_period(args: tuple[float, float | None, str, str | None], cell: str,
                                     short: str) -> None:
    assert compact_salary(*args) == cell
    assert compact_salary(*args, short=True) == short


def test_table_cell_without_figures_shows_the_words() -> None:
    assert compact_salary(None, None, None, None, "competitive") == "competitive"
    assert compact_salary(None, None, None, None, "Competitive salary plus equity") == "Competitive…"


BODIES = [
    ("Wir bieten: Gehalt: 55.000 – 65.000 € brutto jährlich, 30 Tage Urlaub.", (55_000, 65_000, "EUR", "year")),
    ("The salary range for this role is $120,000 - $150,000 per year plus equity.",
     (120_000, 150_000, "USD", "year")),
    ("Salaire : 45 000 € brut annuel selon profil", (45_000, 45_000, "EUR", "year")),
    ("Salario: 1.500 € al mes", (1_500, 1_500, "EUR", "month")),
    ("Stundenlohn ab 14,50 €", (14.5, None, "EUR", "hour")),  # the pay word names the period
    ("Salaris: €3.200 - €4.100 bruto per maand", (3_200, 4_100, "EUR", "month")),
    ("Remuneração: R$ 6.000 por mês", (6_000, 6_000, "BRL", "month")),
    ("Salary £30,000 pa (pro rata)", (30_000, 30_000, "GBP", "year")),
]


@pytest.mark.parametrize(("body", "expected"), BODIES, ids=[b[0][:30] for b in BODIES])
def test_pay_stated_in_the_advert_body(body: str, expected: tuple[object, ...]) -> None:
    pay = pay_in_description(f"We build logistics software.\n\n{body}\n\nApply now.")
    assert (pay.minimum, pay.maximum, pay.currency, pay.period) == expected
    assert pay.text is not None and pay.text in " ".join(body.split())


@pytest.mark.parametrize("body", [
    "Benefits and compensation: 30 days vacation, €1,000 learning budget.",
    "Salary: competitive. We raised €50 million in 2024.",
    "Our salary bands are public. Typical offer €60k.",  # another sentence: not said to be the salary
    "We pay well. Team of 12.",
    "salary 2027 review, €5k bonus",
    "A paying customer base of 2,000 companies",
    "Revenue of €40,000,000 and a salary that matches",
    "Gehalt nach Vereinbarung, Tel. 030 1234567",
])
def test_figures_in_the_body_that_are_not_the_salary(body: str) -> None:
    pay = pay_in_description(body)
    assert (pay.minimum, pay.maximum, pay.text) == (None, None, None)


def test_sources_without_pay_fields_read_the_body() -> None:
    feed = posting_from_dict({"title": "Lagerist", "company": "Logistik AG",
                              "description": "<p>Gehalt: 2.800 € brutto pro Monat</p>"}, "feed:x")
    assert feed is not None
    assert (feed.salary_min, feed.salary_interval, feed.salary_annual_min) == (2_800, "month", 33_600)
    assert feed.salary_text == "Gehalt: 2.800 € brutto pro Monat"
    rss = parse_feed(b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Jobs</title><item>
        <title>Developer at Acme (Leeds)</title><link>https://acme.example/1</link>
        <description>Salary: &#163;40,000 - &#163;45,000 per annum</description></item></channel></rss>""",
                     "jobs.xml")
    assert [(p.salary_min, p.salary_max, p.salary_currency, p.salary_interval) for p in rss.postings] == [
        (40_000, 45_000, "GBP", "year")]
    # A pay field wins over the body, which is never read then.
    both = posting_from_dict({"title": "t", "company": "c", "salary": "€50,000", "description": "Gehalt: 9 €/Std."},
                             "feed:x")
    assert both is not None and (both.salary_min, both.salary_interval) == (50_000, None)
