"""Place resolution (issue 24 §3) on location strings as postings and CVs write them: postcodes with a city,
local and foreign spellings, "City, Region, Country" in any order, US state codes, regions that steer the
city ("Paris, TX", "London, Ontario"), a village with its county, and text that names no place at all."""

from __future__ import annotations

import pytest

from jobagent.places import distance_km, open_to, remote_scope, resolve, suggest

CASES = [
    # postcodes with a city
    ("80797 München", "Munich", "DE"), ("Leeds LS6", "Leeds", "GB"), ("3011 AB Rotterdam", "Rotterdam", "NL"),
    ("1200-195 Lisboa", "Lisbon", "PT"), ("75011 Paris", "Paris", "FR"), ("28013 Madrid", "Madrid", "ES"),
    ("Manchester M1 1AE", "Manchester", "GB"), ("1010 Wien", "Vienna", "AT"), ("Brooklyn, NY 11201", None, "US"),
    # local and foreign spellings
    ("München", "Munich", "DE"), ("Munich", "Munich", "DE"), ("Lisboa", "Lisbon", "PT"), ("Wien", "Vienna", "AT"),
    ("Köln", "Köln", "DE"), ("Cologne", "Köln", "DE"), ("Den Haag", "The Hague", "NL"), ("Genève", "Geneva", "CH"),
    ("Warszawa", "Warsaw", "PL"), ("Praha", "Prague", "CZ"), ("Москва", "Moscow", "RU"), ("Milano", "Milan", "IT"),
    # "City, Region, Country" in any order
    ("Leeds, West Yorkshire, UK", "Leeds", "GB"), ("UK, Leeds", "Leeds", "GB"), ("Porto, Portugal", "Porto", "PT"),
    ("Deutschland, Hamburg", "Hamburg", "DE"), ("Sydney, New South Wales, Australia", "Sydney", "AU"),
    ("Lyon (France)", "Lyon", "FR"), ("Utrecht | Netherlands", "Utrecht", "NL"),
    # a later region steers the city
    ("Paris, TX", "Paris", "US"), ("London, Ontario", "London", "CA"), ("Hamilton, ON", "Hamilton", "CA"),
    ("Atlanta, Georgia", "Atlanta", "US"), ("Tbilisi, Georgia", "Tbilisi", "GE"),
    ("Cambridge, MA", "Cambridge", "US"), ("Cambridge, UK", "Cambridge", "GB"), ("Cambridge", "Cambridge", "GB"),
    ("Birmingham, AL", "Birmingham", "US"), ("Birmingham", "Birmingham", "GB"), ("Perth, Scotland", "Perth", "GB"),
    ("Springfield, Illinois", "Springfield", "US"), ("Portland, Maine", "Portland", "US"),
    ("Rochester, Kent", "Rochester", "GB"), ("Rochester, NY", "Rochester", "US"), ("Norfolk, VA", "Norfolk", "US"),
    ("Halifax, Nova Scotia", "Halifax", "CA"), ("München, Bayern", "Munich", "DE"),
    # a region that is also a city of that name in its own country
    ("Remote, Berlin", "Berlin", "DE"), ("Hybrid - Madrid", "Madrid", "ES"), ("Hamburg", "Hamburg", "DE"),
    # a village with its county or region: no city, but the country is known
    ("Little Snoring, Norfolk", None, "GB"), ("Much Wenlock, Shropshire", None, "GB"),
    ("Oberammergau, Bayern", None, "DE"), ("Bayern", None, "DE"), ("Texas", None, "US"),
    ("Giethoorn, Overijssel", None, "NL"),
]


@pytest.mark.parametrize(("text", "city", "country"), CASES)
def test_resolves_to_the_right_place(text: str, city: str | None, country: str) -> None:
    place = resolve(text)
    assert place is not None, text
    assert place.country == country, (text, place)
    if city is not None:
        assert place.name == city and place.is_city, (text, place)


def test_a_region_code_picks_the_city_in_that_state() -> None:
    tx, fr = resolve("Paris, TX"), resolve("Paris")
    assert tx is not None and fr is not None and (tx.region, fr.country) == ("TX", "FR")
    assert distance_km(tx, fr) is not None and distance_km(tx, fr) > 7000  # type: ignore[operator]


@pytest.mark.parametrize("text", ["", "   ", "Remote", "Anywhere", "Homeoffice", "Leedz Wst Yrkshr", "TBD", "—"])
def test_text_naming_no_place_is_none(text: str) -> None:
    assert resolve(text) is None


def test_distances_are_great_circle_kilometres() -> None:
    leeds, bradford, lisbon = resolve("Leeds"), resolve("Bradford"), resolve("Lisboa")
    assert leeds and bradford and lisbon
    assert 10 < distance_km(leeds, bradford) < 20  # type: ignore[operator]
    assert 1500 < distance_km(leeds, lisbon) < 2000  # type: ignore[operator]
    assert distance_km(leeds, resolve("Germany")) is None  # type: ignore[arg-type]


def test_unknown_place_gets_near_spellings() -> None:
    assert "Leeds" in suggest("Leedz")
    assert "Rotterdam" in suggest("Roterdam")


@pytest.mark.parametrize(("text", "country", "admitted"), [
    ("Remote (EU)", "DE", True), ("Remote (EU)", "GB", False), ("Remote – US only", "US", True),
    ("Remote – US only", "CA", False), ("Remote, UK", "GB", True), ("Homeoffice innerhalb Deutschlands", "DE", True),
    ("Homeoffice innerhalb Deutschlands", "AT", False), ("Remote (Europe)", "PT", True), ("Remote - EMEA", "NG", True),
    ("Remote - DACH", "CH", True), ("Remote - DACH", "NL", False),
])
def test_remote_scopes(text: str, country: str, admitted: bool) -> None:
    assert open_to(remote_scope(text), country) is admitted


def test_remote_anywhere_has_no_scope() -> None:
    assert remote_scope("Remote (worldwide)") is None and remote_scope("Remote") is None
