"""Which database errors are the store refusing a value (permanent) and which are an outage or a race."""

from __future__ import annotations

import psycopg
from sqlalchemy import exc as sa_exc

from jobagent.errors import DatabaseUnavailable, StoreRefused, translate
from jobagent.retry_policy import is_transient


def _wrapped(cls: type[sa_exc.DBAPIError], orig: Exception) -> sa_exc.DBAPIError:
    return cls("INSERT ...", {}, orig)


def test_data_limit_and_integrity_errors_are_refusals_not_outages() -> None:
    for error in (_wrapped(sa_exc.DataError, psycopg.errors.StringDataRightTruncation("value too long")),
                  _wrapped(sa_exc.OperationalError, psycopg.errors.ProgramLimitExceeded("too long for tsvector")),
                  _wrapped(sa_exc.IntegrityError, psycopg.errors.ForeignKeyViolation("no such profile"))):
        mapped = translate(error)
        assert isinstance(mapped, StoreRefused) and "cannot reach" not in str(mapped), mapped
        assert not is_transient(error)


def test_a_unique_race_and_a_lost_connection_stay_transient() -> None:
    race = _wrapped(sa_exc.IntegrityError, psycopg.errors.UniqueViolation("duplicate key"))
    assert translate(race) is race and is_transient(race)  # another attempt finds the winner's row
    gone = _wrapped(sa_exc.OperationalError, psycopg.errors.AdminShutdown("terminating connection"))
    assert isinstance(translate(gone), DatabaseUnavailable) and is_transient(gone)
