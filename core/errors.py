"""Errors the user can fix: core raises them having changed nothing, pages show them as-is."""


class UserError(Exception):
    """Something the user can fix; the message is written for them and shown verbatim."""


class ValidationError(UserError, ValueError):
    """A value the user typed or a file held is not acceptable."""


class NotFound(UserError, LookupError):
    """A record the user referred to does not exist (any more)."""
