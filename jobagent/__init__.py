"""jobagent: a job-search agent on RQ workers, with PostgreSQL as the source of truth."""

__version__ = "0.1.0"
