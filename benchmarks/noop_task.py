"""The bare-RQ baseline: a task that does nothing, run by a stock ``rq worker``."""


def noop(i: int) -> int:
    return i
