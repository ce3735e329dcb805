"""Settings: a few explicit knobs with sane defaults, from the environment or an optional ``.env``.

Leaving both ``DATABASE_URL`` and ``REDIS_URL`` unset selects the embedded default (a SQLite file under
the user's data directory, workflows run in-process), so ``jobagent demo`` works on a bare laptop.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    redis_url: str | None = Field(default=None, validation_alias="REDIS_URL")
    sentry_dsn: str | None = Field(default=None, validation_alias="SENTRY_DSN")
    environment: str = Field(default="development", validation_alias="ENVIRONMENT")
    release_version: str | None = Field(default=None, validation_alias="RELEASE_VERSION")

    data_dir: Path = Field(default_factory=lambda: Path(user_data_dir("jobagent")),
                           validation_alias="JOBAGENT_DATA_DIR")
    task_time_limit: int = Field(default=1800, validation_alias="JOBAGENT_TASK_TIME_LIMIT")
    soft_time_limit: int = Field(default=1500, validation_alias="JOBAGENT_SOFT_TIME_LIMIT")
    max_retries: int = Field(default=3, validation_alias="JOBAGENT_MAX_RETRIES")
    retry_backoff_base: int = Field(default=30, validation_alias="JOBAGENT_RETRY_BACKOFF_BASE")
    retry_backoff_cap: int = Field(default=600, validation_alias="JOBAGENT_RETRY_BACKOFF_CAP")
    result_ttl: int = Field(default=300, validation_alias="JOBAGENT_RESULT_TTL")
    failure_ttl: int = Field(default=7 * 24 * 3600, validation_alias="JOBAGENT_FAILURE_TTL")

    allow_private_urls: bool = Field(default=False, validation_alias="JOBAGENT_ALLOW_PRIVATE_URLS")
    cv_max_bytes: int = Field(default=10 * 1024 * 1024, validation_alias="JOBAGENT_CV_MAX_BYTES")
    http_timeout: float = Field(default=20.0, validation_alias="JOBAGENT_HTTP_TIMEOUT")
    postings_feed: str | None = Field(default=None, validation_alias="JOBAGENT_POSTINGS_FEED")
    sources: str = Field(default="", validation_alias="JOBAGENT_SOURCES")
    source_base_urls: dict[str, str] = Field(default_factory=dict, validation_alias="JOBAGENT_SOURCE_BASE_URLS")
    smtp_host: str | None = Field(default=None, validation_alias="SMTP_HOST")
    smtp_port: int = Field(default=587, validation_alias="SMTP_PORT")
    smtp_sender: str = Field(default="jobagent@localhost", validation_alias="SMTP_SENDER")
    smtp_username: str | None = Field(default=None, validation_alias="SMTP_USERNAME")
    smtp_password: str | None = Field(default=None, validation_alias="SMTP_PASSWORD")
    smtp_starttls: bool = Field(default=True, validation_alias="SMTP_STARTTLS")
    webhook_url: str | None = Field(default=None, validation_alias="JOBAGENT_WEBHOOK_URL")
    research_cache_hours: float = Field(default=24.0, validation_alias="JOBAGENT_RESEARCH_CACHE_HOURS")
    research_fetch_websites: bool = Field(default=False, validation_alias="JOBAGENT_RESEARCH_FETCH_WEBSITES")
    research_max_bytes: int = Field(default=1024 * 1024, validation_alias="JOBAGENT_RESEARCH_MAX_BYTES")
    llm_base_url: str | None = Field(default=None, validation_alias="LLM_BASE_URL")
    llm_api_key: str | None = Field(default=None, validation_alias="LLM_API_KEY")
    llm_model: str = Field(default="gpt-4o-mini", validation_alias="LLM_MODEL")
    templates_dir: str | None = Field(default=None, validation_alias="JOBAGENT_TEMPLATES_DIR")
    workflow_modules: str = Field(default="", validation_alias="JOBAGENT_WORKFLOW_MODULES")

    # Scheduling (daily search fan-out) and reconcile.
    daily_search_cron: str = Field(default="0 9 * * *", validation_alias="JOBAGENT_DAILY_SEARCH_CRON")
    fanout_batch_size: int = Field(default=1000, validation_alias="JOBAGENT_FANOUT_BATCH_SIZE")
    reconcile_interval: int = Field(default=600, validation_alias="JOBAGENT_RECONCILE_INTERVAL")
    reconcile_grace_seconds: int = Field(default=120, validation_alias="JOBAGENT_RECONCILE_GRACE_SECONDS")
    max_requeues: int = Field(default=3, validation_alias="JOBAGENT_MAX_REQUEUES")

    # Nothing twice / resource bombs (issue 11, h3): execution leases and the CV parsing sandbox.
    lease_seconds: int = Field(default=90, validation_alias="JOBAGENT_LEASE_SECONDS")
    cv_parse_memory_mb: int = Field(default=512, validation_alias="JOBAGENT_CV_PARSE_MEMORY_MB")
    cv_parse_timeout: float = Field(default=30.0, validation_alias="JOBAGENT_CV_PARSE_TIMEOUT")
    # 20 pages: a long academic CV fits; a 40-page file is a thesis or a bomb, not a CV (issue 26).
    cv_max_pages: int = Field(default=20, validation_alias="JOBAGENT_CV_MAX_PAGES")
    cv_max_chars: int = Field(default=300_000, validation_alias="JOBAGENT_CV_MAX_CHARS")
    # Scanned PDFs (issue 26): the Tesseract binary, run inside the sandbox, and the languages it tries.
    cv_tesseract: str = Field(default="tesseract", validation_alias="JOBAGENT_CV_TESSERACT")
    cv_ocr_languages: str = Field(default="eng+deu+nld+fra+spa+por", validation_alias="JOBAGENT_CV_OCR_LANGUAGES")
    # Stored CV bytes and text are deleted this long after a profile was built from them (issue 26 §4).
    cv_retention_days: int = Field(default=30, ge=1, validation_alias="JOBAGENT_CV_RETENTION_DAYS")
    # Postings index (issue 12): harvest once per source, search the store per profile.
    harvest_interval: int = Field(default=3 * 3600, validation_alias="JOBAGENT_HARVEST_INTERVAL")
    host_min_interval: float = Field(default=2.0, validation_alias="JOBAGENT_HOST_MIN_INTERVAL")
    # Per-host intervals (issue 27 §5), "api.example.com=2.0,*.recruitee.com=0.5"; other hosts use the above.
    host_min_intervals: str = Field(default="", validation_alias="JOBAGENT_HOST_MIN_INTERVALS")
    close_after_misses: int = Field(default=2, validation_alias="JOBAGENT_CLOSE_AFTER_MISSES")
    search_candidates: int = Field(default=300, validation_alias="JOBAGENT_SEARCH_CANDIDATES")
    source_freshness: int = Field(default=3600, validation_alias="JOBAGENT_SOURCE_FRESHNESS")
    source_max_bytes: int = Field(default=20 * 1024 * 1024, validation_alias="JOBAGENT_SOURCE_MAX_BYTES")
    # jsonld:URL sources (issue 27 §2): pages read per harvest, the careers page and the same-host pages it links.
    jsonld_max_pages: int = Field(default=200, ge=1, validation_alias="JOBAGENT_JSONLD_MAX_PAGES")
    # jobspy:SITE aggregator sources (issue 27 §4, `pip install 'jobagent[aggregators]'`): one harvest asks the
    # site once per search term, the stored profiles' suggested titles x locations, deduplicated and capped.
    jobspy_max_queries: int = Field(default=10, ge=1, le=200, validation_alias="JOBAGENT_JOBSPY_MAX_QUERIES")
    jobspy_results_wanted: int = Field(default=50, ge=1, le=1000, validation_alias="JOBAGENT_JOBSPY_RESULTS_WANTED")
    jobspy_hours_old: int = Field(default=72, ge=0, validation_alias="JOBAGENT_JOBSPY_HOURS_OLD")  # 0: any age
    jobspy_country: str = Field(default="usa", validation_alias="JOBAGENT_JOBSPY_COUNTRY")  # when a place names none
    # Search results are a sample of a site, not its whole board: by default a posting missing from them is not
    # closed (the liveness check still closes what people are shown). True: misses close as for a company board.
    jobspy_close_missing: bool = Field(default=False, validation_alias="JOBAGENT_JOBSPY_CLOSE_MISSING")
    # Liveness re-check (issue 24 §5): after each harvest, the postings shown or saved in the last days are
    # fetched again (at most once a day each, paced per host) and closed when gone.
    liveness_check: bool = Field(default=True, validation_alias="JOBAGENT_LIVENESS_CHECK")
    liveness_days: int = Field(default=7, ge=1, validation_alias="JOBAGENT_LIVENESS_DAYS")
    liveness_budget: float = Field(default=600.0, gt=0, validation_alias="JOBAGENT_LIVENESS_BUDGET")
    liveness_cron: str = Field(default="30 8 * * *", validation_alias="JOBAGENT_LIVENESS_CRON")  # UTC
    # ... and before a digest goes out, its postings not checked today, within this many seconds per run.
    liveness_delivery_budget: float = Field(default=20.0, gt=0, validation_alias="JOBAGENT_LIVENESS_DELIVERY_BUDGET")

    # Monitoring and alerts.
    queue_alert_thresholds: dict[str, int] = Field(default_factory=lambda: {"high": 100, "default": 1000},
                                                   validation_alias="JOBAGENT_QUEUE_ALERT_THRESHOLDS")
    expected_workers: dict[str, int] = Field(default_factory=lambda: {"high": 1, "default": 1},
                                             validation_alias="JOBAGENT_EXPECTED_WORKERS")
    alert_rate_limit_seconds: int = Field(default=3600, validation_alias="JOBAGENT_ALERT_RATE_LIMIT_SECONDS")

    # HTTP shim and dashboard.
    api_tokens: str = Field(default="", validation_alias="API_TOKENS")
    web_host: str = Field(default="127.0.0.1", validation_alias="JOBAGENT_WEB_HOST")
    web_port: int = Field(default=8000, validation_alias="JOBAGENT_WEB_PORT")
    web_max_body_bytes: int = Field(default=1024 * 1024, validation_alias="JOBAGENT_WEB_MAX_BODY_BYTES")
    # Seconds a client may take to send a whole request body before the shim answers 408 and frees the
    # thread (issue 23: trickled bodies held every gunicorn thread). 0 turns the deadline off.
    web_body_timeout: float = Field(default=15.0, ge=0, validation_alias="JOBAGENT_WEB_BODY_TIMEOUT")
    # Dashboard behind Caddy (issue 11): the secret Caddy adds to /rq requests only after basicauth passed.
    # Empty: /rq is served to bearer tokens only (loopback is not an identity behind a proxy).
    dashboard_proxy_secret: str = Field(default="", validation_alias="JOBAGENT_DASHBOARD_PROXY_SECRET")

    # Backups.
    backup_dir: Path = Field(default=Path("/var/backups/jobagent"), validation_alias="JOBAGENT_BACKUP_DIR")
    backup_retention_days: int = Field(default=14, validation_alias="JOBAGENT_BACKUP_RETENTION_DAYS")
    backup_rsync_target: str | None = Field(default=None, validation_alias="JOBAGENT_BACKUP_RSYNC_TARGET")

    # Fetching user-supplied URLs (issue 11, h1): an allow-list instead of all-or-nothing, and a deadline
    # for the whole download (httpx's timeout is per read).
    allowed_private_hosts: str = Field(default="", validation_alias="JOBAGENT_ALLOWED_PRIVATE_HOSTS")
    fetch_deadline: float = Field(default=30.0, validation_alias="JOBAGENT_FETCH_DEADLINE")

    @field_validator("host_min_intervals")
    @classmethod
    def _check_host_intervals(cls, value: str) -> str:
        parse_host_intervals(value)  # a typo fails at start-up, naming the entry
        return value

    def host_intervals(self) -> dict[str, float]:
        """JOBAGENT_HOST_MIN_INTERVALS as {host: seconds} (``jobagent.pacing`` reads it per request)."""
        return _parsed_intervals(self.host_min_intervals)

    @property
    def embedded(self) -> bool:
        """No Redis configured: run workflows in-process instead of on workers."""
        return not self.redis_url

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'jobagent.sqlite3'}"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"

    def default_sources(self) -> list[str]:
        """Sources a search uses when it names none: JOBAGENT_SOURCES, else the feed, else the sample."""
        specs = [x.strip() for x in self.sources.split(",") if x.strip()]
        if specs:
            return specs
        if self.postings_feed:
            return [f"feed:{self.postings_feed}"]
        from importlib import resources

        return [f"feed:{resources.files('jobagent') / 'data' / 'sample_postings.json'}"]

    def api_token_list(self) -> list[str]:
        return [t.strip() for t in self.api_tokens.split(",") if t.strip()]

    def retry_intervals(self) -> list[int]:
        """Exponential backoff, capped, so a flapping outside service is not hammered."""
        return [min(self.retry_backoff_base * 2**i, self.retry_backoff_cap) for i in range(self.max_retries)]


@lru_cache(maxsize=8)
def _parsed_intervals(text: str) -> dict[str, float]:
    return parse_host_intervals(text)


def parse_host_intervals(text: str) -> dict[str, float]:
    """``"api.example.com=2.0, *.recruitee.com=0.5"`` as {host: seconds}; raises ValueError naming the bad
    entry, so a typo fails at start-up instead of silently pacing at the default."""
    found: dict[str, float] = {}
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        host, sep, value = entry.partition("=")
        host = host.strip().lower().rstrip(".")
        try:
            seconds = float(value) if sep else float("nan")
        except ValueError:
            seconds = float("nan")
        if not host or not seconds >= 0 or seconds == float("inf"):  # NaN fails >= 0
            raise ValueError(f"JOBAGENT_HOST_MIN_INTERVALS: {entry!r} is not HOST=SECONDS (seconds >= 0)")
        found[host] = seconds
    return found


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
