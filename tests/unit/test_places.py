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
    # a town's own bracketed or connected name is one name, not a city and a region
    ("Frankfurt (Oder)", "Frankfurt (Oder)", "DE"), ("Frankfurt an der Oder", "Frankfurt (Oder)", "DE"),
    ("15230 Frankfurt (Oder)", "Frankfurt (Oder)", "DE"), ("Frankfurt", "Frankfurt am Main", "DE"),
    ("Frankfurt am Main", "Frankfurt am Main", "DE"), ("Halle (Saale)", "Halle (Saale)", "DE"),
    ("Halle an der Saale", "Halle (Saale)", "DE"), ("Mülheim an der Ruhr", "Mülheim", "DE"),
    ("Freiburg im Breisgau", "Freiburg", "DE"), ("Newcastle upon Tyne", "Newcastle upon Tyne", "GB"),
    ("Leeds (West Yorkshire)", "Leeds", "GB"), ("München (Bayern)", "Munich", "DE"),
]


@pytest.mark.parametrize(("text", "city", "country"), CASES)
def test_resolves_to_the_right_place(text: str, city: str | None, country: str) -> None:
    place = resolve(text)
    assert place is not None, text
    assert place.country == country, (text, place)
    if city is not None:
        assert place.name == city and place.is_city, (text, place)


@pytest.mark.parametrize(("text", "prefer", "country"), [
    ("Valencia", "ES", "ES"), ("Valencia", "VE", "VE"), ("Valencia", None, "VE"), ("Córdoba", "ES", "ES"),
    ("Cordoba", "AR", "AR"), ("León", "ES", "ES"), ("Mérida", "ES", "ES"), ("Toledo", "ES", "ES"),
    ("Victoria", "CA", "CA"), ("Perth", "GB", "GB"),
    # the text's own country or region beats the preference
    ("Valencia, Venezuela", "ES", "VE"), ("Paris, TX", "FR", "US"), ("Cambridge, MA", "GB", "US"),
    # a preference for a country with no city of that name changes nothing
    ("Leeds", "ES", "GB"),
])
def test_an_ambiguous_bare_name_is_read_in_the_preferred_country(text: str, prefer: str | None,
                                                                  country: str) -> None:
    place = resolve(text, prefer)
    assert place is not None and place.country == country, (text, prefer, place)


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


@pytest.mark.parametrize(("posting_at", "wanted"), [
    ("Valencia", "Valencia, España"), ("Valencia, Spain", "Valencia"), ("46001 Valencia", "Valencia, Spain"),
    ("Frankfurt (Oder)", "Frankfurt an der Oder"), ("Córdoba", "Córdoba, Andalucía"),
])
def test_an_ambiguous_name_on_either_side_fits_the_same_city(posting_at: str, wanted: str) -> None:
    from jobagent.postings.location_fit import location_fit, same_city
    from jobagent.postings.schema import PostingData

    posting = PostingData(source="feed:x", external_id="1", title="Teacher", company="C", location=posting_at)
    fit = location_fit(posting, wanted)
    assert fit.fit == 1.0 and not fit.abroad, fit
    assert same_city(wanted, posting_at)


def test_frankfurt_on_the_oder_is_not_frankfurt_on_the_main() -> None:
    from jobagent.postings.location_fit import location_fit
    from jobagent.postings.schema import PostingData

    posting = PostingData(source="feed:x", external_id="1", title="Teacher", company="C", location="Frankfurt (Oder)")
    fit = location_fit(posting, "60311 Frankfurt am Main")
    assert fit.fit < 1.0 and "km" in fit.reason, fit  # 440 km apart, one country
    far = PostingData(source="feed:x", external_id="2", title="T", company="C", location="Valencia, Venezuela")
    assert location_fit(far, "Valencia, Spain").abroad
