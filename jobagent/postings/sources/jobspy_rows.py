"""One row of python-jobspy's results to the project's posting record. Pure: no library, no network.

The row is what ``jobspy.scrape_jobs`` returns per posting, one ``pandas.DataFrame`` row, columns as
``jobspy/model.py`` ``JobPost`` declares them in python-jobspy 1.4.1 and serialises them (``JobPost._row``):
``id, site, job_url, job_url_direct, title, company, location`` (display text, "Berlin, BE, Germany"),
``date_posted`` (a ``datetime.date``), ``job_type`` ("fulltime, parttime"), ``interval`` ("yearly",
"monthly", "weekly", "daily", "hourly"), ``min_amount, max_amount, currency, is_remote, description``
(Markdown by default), ``company_url, company_industry, company_num_employees, company_description``, ...

Older and newer releases add, drop or rename columns, and a DataFrame fills a missing value with NaN, NaT or
``pd.NA``: a column that is absent or empty is simply not mapped, and a row without a title or a URL is
skipped, never a crash.
"""

from __future__ import annotations

import hashlib
import math
import re
from datetime import date, datetime, time
from typing import Any

from jobagent.postings.salary import read_pay
from jobagent.postings.schema import PostingData
from jobagent.postings.sources.base import clean
from jobagent.text import parse_date

# jobspy's JobType values (jobspy/model.py) as a reader writes them; employment.parse_kinds reads these.
_JOB_TYPES = {"fulltime": "Full-time", "parttime": "Part-time", "contract": "Contract", "temporary": "Temporary",
              "internship": "Internship", "perdiem": "Per diem", "volunteer": "Volunteer"}
_MARKDOWN = re.compile(r"\*\*|__|^#{1,6}\s+|\\(?=[\\`*_{}\[\]()#+\-.!|>~])", re.MULTILINE)


def present(value: Any) -> Any:
    """``value``, or None for the DataFrame's holes (NaN, NaT, ``pd.NA``) and empty strings."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        if value != value:  # NaT (and NaN of numpy scalars) is not equal to itself
            return None
    except (TypeError, ValueError):  # pd.NA refuses to be a bool: a hole too (an array: ambiguous, dropped)
        return None
    return value


def records(frame: Any) -> list[dict[str, Any]]:
    """The rows of what ``scrape_jobs`` returned (a DataFrame: ``to_dict("records")``; a list of dicts is
    taken as it is), holes already None."""
    rows = frame.to_dict(orient="records") if hasattr(frame, "to_dict") else frame
    if not isinstance(rows, list):
        return []
    return [{str(k): present(v) for k, v in row.items()} for row in rows if isinstance(row, dict)]


def plain_text(markdown: Any) -> str:
    """jobspy's Markdown description as the plain text the store indexes: emphasis marks, heading hashes and
    markdownify's backslash escapes dropped; lines and list dashes kept."""
    if not isinstance(markdown, str):
        return ""
    return _MARKDOWN.sub("", markdown).strip()


def _posted(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return parse_date(value)
    if isinstance(value, date):  # the DataFrame keeps jobspy's date_posted as a date object
        return parse_date(datetime.combine(value, time()))
    return parse_date(str(value)) if value is not None else None


def _employment(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    named = [_JOB_TYPES.get(part.strip().lower(), "") for part in value.split(",")]
    return ", ".join(n for n in named if n) or None


def _remote(row: dict[str, Any]) -> bool:
    flag = row.get("is_remote")
    if isinstance(flag, bool):
        if flag:
            return True
    elif flag is not None and str(flag).strip().lower() in ("true", "1", "yes"):
        return True
    where = " ".join(str(row.get(k) or "") for k in ("work_from_home_type", "location")).lower()
    return "remote" in where


def posting_from_row(row: dict[str, Any], *, source: str, site: str) -> PostingData | None:
    """The posting a row describes, or None when it lacks a title or a link to the advert."""
    title = clean(row.get("title"))
    url = clean(row.get("job_url")) or clean(row.get("job_url_direct"))
    if not title or not url:
        return None
    external = clean(row.get("id")) or f"{site}-{hashlib.sha1(url.encode()).hexdigest()[:16]}"
    description = plain_text(row.get("description"))
    pay = read_pay(row.get("min_amount"), row.get("max_amount"), row.get("currency"), row.get("interval"),
                   description=description)
    return PostingData(
        source=source, external_id=external, url=url, title=title,
        company=clean(row.get("company")) or "unknown", location=clean(row.get("location")),
        remote=_remote(row), employment_type=_employment(row.get("job_type")),
        posted_at=_posted(row.get("date_posted")), description=description,
        company_url=clean(row.get("company_url_direct")) or clean(row.get("company_url")),
        company_description=clean(row.get("company_description")),
        company_industry=clean(row.get("company_industry")),
        company_size=clean(row.get("company_num_employees")),
        **pay.fields(),
    )
