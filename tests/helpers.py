"""Helpers for page tests (importable as tests.helpers)."""

from __future__ import annotations


def open_page(at, page: str, **query):
    """Run the frame once (it registers the pages), then switch to pages/<page>.py and run it."""
    at.run()
    for key, value in query.items():
        at.query_params[key] = str(value)
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at
