"""Every length limit a face checks and a column enforces, in one place.

The HTTP schema, the CLI and the core API refuse what the store could not hold with the *same* number, so a
value never passes one check and then fails the column ("value too long for type character varying"),
which the faces would otherwise report as a database fault or a 500. Text is measured after casefolding
as well ("ß" folds to "ss"), because the folded form is what matching and the dedup keys work on.
"""

from __future__ import annotations

MAX_QUERY = 300  # runs.query
MAX_LOCATION = 200  # runs.location, user_profiles.location
MAX_ITEM = 200  # one title or skill of a profile (a title becomes a daily search's query)
MAX_DEDUP_KEY = 400  # runs.dedup_key
MAX_SINCE_DAYS = 36_500  # an age of a century: older than any posting, younger than timedelta's limit

# Conditional-request validators a source sends (sources.etag / sources.last_modified): one longer than its
# column is dropped, not cut, since a cut ETag would never match and a cut date would not parse.
MAX_ETAG = 500
MAX_LAST_MODIFIED = 100

# A posting's long texts, in UTF-8 bytes. PostgreSQL refuses a tsvector over 1 MB ("string is too long for
# tsvector"); 100 KB of distinct one-letter words stays far below it, and real adverts are 2-20 KB.
MAX_POSTING_TEXT_BYTES = 100_000


def folded_length(text: str) -> int:
    """The length a limit applies to: the longer of the text and its casefolded form."""
    return max(len(text), len(text.casefold()))
