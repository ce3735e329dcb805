"""One country and place list (issue 28 §4): the CV reader asks ``jobagent.places`` (pycountry, GeoNames and
data/country_names.tsv) instead of keeping its own country set and city file, so a country a posting's
location resolves to is a country in a CV too."""

from __future__ import annotations

import ast
from importlib.resources import files
from pathlib import Path

import pytest

from jobagent.cv import places as cv_places
from jobagent.places import cities_named, country_of

CV_PLACES = Path(cv_places.__file__)


def test_the_cv_reader_keeps_no_list_of_its_own() -> None:
    tree = ast.parse(CV_PLACES.read_text())
    literals = [n for n in ast.walk(tree) if isinstance(n, ast.Set | ast.List | ast.Tuple)
                and sum(isinstance(e, ast.Constant) and isinstance(e.value, str) and e.value[:1].isupper()
                        for e in n.elts) > 20]
    assert literals == []  # no COUNTRIES set of names
    assert "cities.txt" not in CV_PLACES.read_text()
    assert not (files("jobagent") / "data" / "cities.txt").is_file()


@pytest.mark.parametrize(("name", "code"), [
    ("Deutschland", "DE"), ("Reino Unido", "GB"), ("UK", "GB"), ("USA", "US"), ("Türkei", "TR"),
    ("Turkey", "TR"), ("Russia", "RU"), ("Marruecos", "MA"), ("Großbritannien", "GB"), ("Holanda", "NL"),
    ("The Netherlands", "NL"), ("España", "ES"), ("Schweiz", "CH"), ("Polónia", "PL"), ("Kosovo", "XK"),
])
def test_a_country_in_a_cv_is_the_country_a_posting_resolves_to(name: str, code: str) -> None:
    assert country_of(name) == code
    assert cv_places.is_country(name)


@pytest.mark.parametrize("word", ["Can", "And", "Per", "Col", "Berlin", "Python", "Remote"])
def test_words_are_not_countries(word: str) -> None:
    assert not cv_places.is_country(word)


@pytest.mark.parametrize("name", ["Toronto", "München", "Munich", "Lisboa", "Luxembourg", "Leeds", "Utrecht"])
def test_cities_come_from_the_gazetteer(name: str) -> None:
    assert cities_named(name) and cv_places.is_city(name)


def test_places_in_a_cv_line_use_the_same_tables() -> None:
    assert cv_places.is_place("Amsterdam, Netherlands") and cv_places.is_place("Toronto, ON")
    assert cv_places.is_place("Dublin 2") and cv_places.is_place("Vila Nova de Gaia, Portugal")
    assert not cv_places.is_place("Senior Backend Engineer")
    assert not cv_places.is_city("Remote") and not cv_places.is_city("Hybrid")
