"""mailto links within the length mail clients accept."""

from __future__ import annotations

from urllib.parse import quote

# --- mailto ------------------------------------------------------------------------------------

MAILTO_MAX = 2000  # Outlook's MAPI limit is 2083; some clients cut far earlier (formats.md §3e)


def mailto(to: str, subject: str, body: str) -> str:
    """A mailto: URL per RFC 6068: %20 for spaces, %0D%0A line breaks, To in the path, never '+'."""
    body = (body or "").replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    subject = (subject or "").replace("\r", " ").replace("\n", " ")
    return f"mailto:{quote((to or '').strip(), safe='@')}?subject={quote(subject, safe='')}" \
           f"&body={quote(body, safe='')}"


def mail_link(to: str, subject: str, body: str) -> tuple[str | None, str]:
    """The mailto URL when it is short enough for mail clients, else None and why to copy instead."""
    url = mailto(to, subject, body)
    if len(url) > MAILTO_MAX:
        return None, (f"This message is too long for a mail link ({len(url):,} characters encoded; mail apps "
                      f"cut links after about {MAILTO_MAX:,}): copy it instead.")
    return url, ""
