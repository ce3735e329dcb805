"""Errors a user can act on.

Every face (CLI, HTTP) turns a ``JobagentError`` into one clear line (or a 4xx JSON body),
so the message must make sense without a traceback.
"""


class JobagentError(Exception):
    """Base class: the message is shown to the user as it is."""


class InvalidInput(JobagentError):
    """The user gave something we cannot use (bad path, corrupt file, bad email, refused URL)."""


class NotFound(JobagentError):
    """An id that does not exist in the store."""


class EnqueueFailed(JobagentError):
    """The run was recorded but could not reach the queue; its execution is marked failed."""


class PermanentFailure(JobagentError):
    """Raised by a node when retrying cannot help (the input itself is wrong)."""
