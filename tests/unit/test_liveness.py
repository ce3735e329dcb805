"""Closed adverts (issue 24 §5) from their text and dates, in six languages, and the false alarms that must
not close a live advert: a "Similar jobs" block, "filled out", a closing date still ahead, "once filled"."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from jobagent.postings.harvest_marks import mark
from jobagent.postings.liveness import closed_by_date, closed_by_text, closed_reason, closing_date, listing_redirect
from jobagent.postings.schema import PostingData

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)

# (title, start of the body): each says the advert is closed, as boards and employers phrase it.
CLOSED = [
    ("Senior Nurse [VACANCY CLOSED]", "Ward 7, full time."),
    ("Data Analyst", "Thank you for your interest. This position has been filled."),
    ("Backend Engineer", "No longer accepting applications"),
    ("Warehouse Operative", "Sorry, this job is no longer available."),
    ("Teacher of Mathematics", "Applications are now closed for this role."),
    ("Koch (m/w/d)", "Vielen Dank für Ihr Interesse. Diese Stelle ist bereits besetzt."),
    ("Elektroniker (m/w/d)", "Die Bewerbungsfrist ist abgelaufen."),
    ("Pflegefachkraft – Stelle bereits besetzt", ""),
    ("Docent wiskunde", "Deze vacature is gesloten."),
    ("Verpleegkundige", "Helaas, deze vacature is vervuld."),
    ("Ingénieur logiciel", "Cette offre a été pourvue. Merci de votre intérêt."),
    ("Infirmière (H/F) – offre expirée", ""),
    ("Enfermera", "Oferta cerrada. Gracias por tu interés."),
    ("Técnico de mantenimiento", "La vacante ha sido cubierta."),
    ("Desenvolvedor Java", "Esta vaga foi encerrada."),
    ("Analista – vaga encerrada", ""),
]

# Live adverts whose text holds words a careless matcher would read as closed.
LIVE = [
    ("Nurse", "Please make sure the application form has been filled out completely."),
    ("Engineer", "We may close this advert early once the position has been filled, so apply soon."),
    ("Engineer", "Build our payment APIs in Go.\nSimilar jobs\nJava Developer – position has been filled"),
    ("Koch (m/w/d)", "Bewerbungsfrist: 31.01.2027. Wir freuen uns auf Sie!"),
    ("Koch (m/w/d)", "Die Ausschreibung läuft, bis die Stelle besetzt ist."),
    ("Docent", "Solliciteer snel: de vacature blijft open tot de vacature is vervuld."),
    ("Développeur", "Postulez dès que possible ; offres similaires : Stage – offre pourvue"),
    ("Vendedor", "Buscamos vendedor hasta que la vacante sea cubierta. Ofertas similares abajo."),
    ("Caixa", "Vagas semelhantes: Auxiliar – vaga encerrada"),
    ("Store Manager", "The store is closed on Sundays. Our filled rolls are famous."),
    ("Trainee closing-team lead", "Help close the books each month; position open until filled."),
]


@pytest.mark.parametrize(("title", "body"), CLOSED, ids=[c[0][:30] for c in CLOSED])
def test_closed_phrases_in_six_languages(title: str, body: str) -> None:
    reason = closed_by_text(title, body)
    assert reason is not None and reason.startswith("the advert says")


@pytest.mark.parametrize(("title", "body"), LIVE, ids=[f"live-{i}" for i in range(len(LIVE))])
def test_false_alarms_stay_open(title: str, body: str) -> None:
    assert closed_by_text(title, body) is None


def test_only_the_start_of_the_body_is_read() -> None:
    body = "We build payment systems. " * 100 + "This position has been filled."
    assert closed_by_text("Payments Engineer", body) is None
    assert closed_by_text("Payments Engineer", body, chars=len(body)) is not None


@pytest.mark.parametrize(("text", "expected"), [
    ("Closing date: 30 November 2026", date(2026, 11, 30)),
    ("Bewerbungsfrist: 31.12.2026", date(2026, 12, 31)),
    ("Bewerbungsschluss ist der 15. März 2027", date(2027, 3, 15)),
    ("Sluitingsdatum: 1 december 2026", date(2026, 12, 1)),
    ("Date limite de candidature : 15/01/2027", date(2027, 1, 15)),
    ("Fecha límite: 30 de noviembre de 2026", date(2026, 11, 30)),
    ("Data limite: 05/12/2026", date(2026, 12, 5)),
    ("Apply by November 30th, 2026", date(2026, 11, 30)),
    ("Closing date for applications: 11/30/2026", date(2026, 11, 30)),
    ("Deadline-driven team since 2019", None),
])
def test_closing_dates(text: str, expected: date | None) -> None:
    assert closing_date(text) == expected


def test_dates_close_only_once_their_day_is_over() -> None:
    assert closed_by_date(datetime(2026, 12, 6, tzinfo=UTC), "", NOW) == "valid through 2026-12-06, which has passed"
    assert closed_by_date(datetime(2026, 12, 7, tzinfo=UTC), "", NOW) is None  # today still runs
    assert closed_by_date(datetime(2026, 12, 7, 9, 0, tzinfo=UTC), "", NOW) is not None  # a time that passed
    assert closed_by_date(None, "Closing date: 30 November 2026", NOW) == "closing date 2026-11-30 has passed"
    assert closed_by_date(None, "Closing date: 30 November 2027", NOW) is None
    # the source's own date wins over a stale one left in the text
    assert closed_by_date(datetime(2027, 1, 31, tzinfo=UTC), "Closing date: 30 November 2026", NOW) is None
    assert closed_reason("Nurse", "Closing date: 1 December 2026", None, NOW) == "closing date 2026-12-01 has passed"


def test_harvest_marks_a_closed_advert_and_keeps_a_source_reason() -> None:
    live = PostingData(source="t", external_id="1", title="Nurse", company="NHS", description="Join us.")
    gone = live.model_copy(update={"title": "Nurse [VACANCY CLOSED]"})
    dated = live.model_copy(update={"valid_through": datetime(2026, 11, 1, tzinfo=UTC)})
    said = live.model_copy(update={"closed_reason": "the source marks it expired"})
    assert mark(live, NOW).closed_reason is None
    assert mark(gone, NOW).closed_reason == 'the advert says "vacancy closed"'
    assert mark(dated, NOW).closed_reason == "valid through 2026-11-01, which has passed"
    assert mark(said, NOW).closed_reason == "the source marks it expired"


@pytest.mark.parametrize(("original", "final", "expected"), [
    ("https://acme.example/careers/jobs/123", "https://acme.example/careers/jobs", True),
    ("https://acme.example/careers/jobs/123", "https://acme.example/", True),
    ("https://boards.example/acme/jobs/77", "https://boards.example/acme?error=true", True),
    ("https://acme.example/vacatures/123-docent", "https://acme.example/vacatures", True),
    ("https://acme.example/jobs/123", "https://acme.example/jobs/123-senior-nurse", False),
    ("https://acme.example/jobs/123", "https://acme.example/en/jobs/123", False),
    ("http://acme.example/jobs/123", "https://acme.example/jobs/123/", False),
])
def test_listing_redirects(original: str, final: str, expected: bool) -> None:
    assert listing_redirect(original, final) is expected
