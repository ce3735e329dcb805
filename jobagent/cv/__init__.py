"""CV reading (PDF, DOCX, text, URLs) and rule-based profile extraction."""

from jobagent.cv.extraction import extract_profile
from jobagent.cv.readers import read_cv

__all__ = ["extract_profile", "read_cv"]
