"""Reading mail exports one message's headers at a time: .mbox (Google Takeout, Apple Mail, Thunderbird),
single .eml files, folders of them and .zip archives of either.

The mbox is streamed line by line: only the header block of the current message is ever held (capped
at HEADER_CAP bytes), so memory stays bounded whatever the file's size, and a body is never read into
memory. Headers are parsed by the standard library's email package (HeaderParser, getaddresses,
parsedate_to_datetime, decode_header); the compat32 policy is used because policy.default costs 6x
the time on a multi-gigabyte Takeout (docs: /work/shared/reference/capture-and-storage.md §A), and the
two places where it matters (encoded names and subjects) are decoded explicitly with decode_header.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from email import policy as email_policy
from email.header import decode_header, make_header
from email.parser import HeaderParser
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path

from core.errors import ValidationError

HEADER_CAP = 256 * 1024  # a header block longer than this is cut (a hostile file can't grow memory)
LINE_CAP = 1 << 20  # a line is read at most this much at a time (a file with no line ends stays bounded too)
READ_CHUNK = 1 << 20  # an mbox is read in blocks of this size
PROGRESS_EVERY = 4 * 2**20  # report progress every 4 MB read
MAIL_SUFFIXES = (".mbox", ".mbx", ".eml")  # the files read from a folder or a zip (and, in a folder, "mbox")
APPLE_MBOX = "mbox"  # Apple Mail's export is a folder holding a file of this name
# A "From " separator line: Takeout's "From 1723853304940284153@xxx Fri Feb 04 17:10:22 +0000 2022",
# Thunderbird's "From - Sat Jan 03 01:05:34 1996", the classic "From bob@x.org Mon Jan  5 10:00:00 2026".
SEPARATOR = re.compile(rb"From \S* +\w{3} \w{3} +\d{1,2} \d{1,2}:\d\d")
_MSGID = re.compile(r"<[^<>\s]+>")
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")
_HEADER_LINE = re.compile(rb"^[!-9;-~]+:")  # an RFC 5322 header field name followed by a colon
_NOREPLY = re.compile(r"(^|[._+-])(no-?reply|do-?not-?reply|donotreply|mailer-daemon|postmaster|bounces?|"
                      r"notifications?|notify|alerts?|newsletters?|news|digest|automated|auto-?confirm)([._+-]|$)")
_FROM_LINE_FORMATS = ("%a %b %d %H:%M:%S %z %Y", "%a %b %d %H:%M:%S %Y")
_PARSER = HeaderParser(policy=email_policy.compat32)


@dataclass(slots=True)
class Message:
    """What Rapport reads of one message: never its body."""

    message_id: str  # "<id@host>", or a stable "<sha1:…>" for a message that has none
    day: date | None
    sender: str  # lower case address ('' when unreadable)
    sender_name: str
    recipients: list[tuple[str, str]]  # (address, name) from To, Cc and Bcc, in order, without repeats
    parent: str  # the message it answers: In-Reply-To, else the last of References ('' when none)
    subject: str
    bulk: str  # why it is a newsletter or automated ('' for a personal message)
    delivered_to: str


def address(value: str) -> str:
    """An address as Rapport compares it: trimmed, lower case; '' when it is not an address."""
    value = (value or "").strip().strip("<>").strip().lower()
    return value if _EMAIL.match(value) else ""


def is_noreply(addr: str) -> bool:
    """An automated sender by its address: no-reply@, notifications@, mailer-daemon@, bounces+…@."""
    return bool(_NOREPLY.search(addr.partition("@")[0]))


def decoded(value: object) -> str:
    """A header's text with RFC 2047 encoded words decoded ('=?UTF-8?B?…?=' → 'Zoë'); never raises."""
    if value is None:
        return ""
    text = str(value)
    if "=?" not in text:
        return " ".join(text.split())
    try:
        return " ".join(str(make_header(decode_header(text))).split())
    except (ValueError, LookupError, UnicodeError, AssertionError):
        return " ".join(text.split())


def _date_of(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value.strip()).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _from_line_date(from_line: bytes | None) -> date | None:
    if not from_line:
        return None
    text = from_line.decode("ascii", "replace").split(None, 2)
    if len(text) < 3:
        return None
    stamp = " ".join(text[2].split())
    for fmt in _FROM_LINE_FORMATS:
        try:
            return datetime.strptime(stamp, fmt).date()
        except ValueError:
            continue
    return None


def bulk_reason(headers, sender: str) -> str:
    """Why a message is not personal correspondence ('' when it is): a list, a newsletter, an automated
    message or bulk mail by its headers (arp242.net/weblog/autoreply.html), or a no-reply sender."""
    if headers.get("List-Id") or headers.get("List-Post"):
        return "mailing list"
    if headers.get("List-Unsubscribe"):
        return "newsletter"
    auto = str(headers.get("Auto-Submitted") or "").strip().lower()
    if auto and auto != "no":
        return "automated message"
    if headers.get("X-Autoreply") or headers.get("X-Autorespond"):
        return "automated message"
    if str(headers.get("Precedence") or "").strip().lower() in ("bulk", "list", "junk"):
        return "bulk mail"
    if headers.get("Feedback-ID"):
        return "bulk mail"
    if sender and is_noreply(sender):
        return "no-reply sender"
    labels = str(headers.get("X-Gmail-Labels") or "")
    if "Spam" in [p.strip() for p in labels.split(",")]:
        return "spam"
    return ""


def _ids(value: object) -> list[str]:
    return _MSGID.findall(str(value or ""))


def parse_headers(raw: bytes, from_line: bytes | None = None) -> Message:
    """One message from its header block (the bytes before the first blank line)."""
    headers = _PARSER.parsestr(raw.decode("utf-8", "replace"))
    pairs = getaddresses([str(h) for h in headers.get_all("From", [])])
    sender_name, sender = (pairs[0][0], address(pairs[0][1])) if pairs else ("", "")
    bulk = bulk_reason(headers, sender)
    if bulk:  # skipped whatever else it says: no need to read its recipients, threads or subject
        return Message(message_id="", day=_date_of(headers.get("Date")), sender=sender, sender_name="",
                       recipients=[], parent="", subject="", bulk=bulk, delivered_to="")
    recipients: list[tuple[str, str]] = []
    seen: set[str] = set()
    fields = [str(h) for name in ("To", "Cc", "Bcc") for h in headers.get_all(name, [])]
    for name, addr in getaddresses(fields):
        addr = address(addr)
        if addr and addr not in seen:
            seen.add(addr)
            recipients.append((addr, name))
    day = _date_of(headers.get("Date"))
    if day is None:
        received = headers.get_all("Received", [])
        if received:  # the first (topmost) is the last hop: when it arrived
            day = _date_of(str(received[0]).rpartition(";")[2])
    if day is None:
        day = _from_line_date(from_line)
    subject = decoded(headers.get("Subject"))
    found = _ids(headers.get("Message-ID"))
    if found:
        message_id = found[0]
    else:  # no Message-ID: a stable one from what identifies the message, so a re-import still matches
        basis = "\n".join([str(day), sender, ",".join(a for a, _ in recipients), subject])
        message_id = f"<sha1:{hashlib.sha1(basis.encode('utf-8', 'replace')).hexdigest()}>"
    parents = _ids(headers.get("In-Reply-To")) or _ids(headers.get("References"))[-1:]
    delivered = getaddresses([str(h) for h in headers.get_all("Delivered-To", [])])
    return Message(message_id=message_id, day=day, sender=sender, sender_name=decoded(sender_name),
                   recipients=[(a, decoded(n)) for a, n in recipients], parent=parents[-1] if parents else "",
                   subject=subject, bulk="",
                   delivered_to=address(delivered[0][1]) if delivered else "")


# --- Streaming readers ------------------------------------------------------------------------------

class _Counter:
    """Bytes read so far, reported to a callback every PROGRESS_EVERY bytes."""

    def __init__(self, total: int, progress: Callable[[int, int], None] | None):
        self.done, self.total, self.progress, self._next = 0, total, progress, PROGRESS_EVERY

    def add(self, n: int) -> None:
        self.done += n
        if self.progress and self.done >= self._next:
            self._next = self.done + PROGRESS_EVERY
            self.progress(self.done, self.total)


class _Buffer:
    """A stream read in READ_CHUNK blocks: lines for the headers, a C-speed search to skip a body."""

    def __init__(self, stream, counter: _Counter | None):
        self.stream, self.counter = stream, counter
        self.data, self.pos, self.eof = b"", 0, False

    def more(self) -> bool:
        """Read the next block, keeping two bytes before pos (to see whether a blank line ends there)."""
        if self.eof:
            return False
        chunk = self.stream.read(READ_CHUNK)
        if not chunk:
            self.eof = True
            return False
        if self.counter:
            self.counter.add(len(chunk))
        keep = max(self.pos - 2, 0)
        self.data = self.data[keep:] + chunk
        self.pos -= keep
        return True

    def line(self) -> bytes:
        """The next line (at most LINE_CAP bytes of it); b'' at the end."""
        while True:
            end = self.data.find(b"\n", self.pos, self.pos + LINE_CAP)
            if end >= 0:
                found, self.pos = self.data[self.pos:end + 1], end + 1
                return found
            if len(self.data) - self.pos >= LINE_CAP or not self.more():
                found = self.data[self.pos:self.pos + LINE_CAP]
                self.pos += len(found)
                return found

    def next_separator(self) -> bool:
        """Move to the next "From " line that follows a blank line (the line just read was one); False at
        the end. A body is searched by bytes.find, never split into lines."""
        while True:
            if len(self.data) - self.pos < 128 and self.more():
                continue
            if self.data.startswith(b"From ", self.pos) and SEPARATOR.match(self.data, self.pos):
                return True
            start = self.pos
            while True:
                i = self.data.find(b"\nFrom ", start)
                if i < 0:
                    break
                if len(self.data) - i < 128 and not self.eof:
                    break  # too near the end to check the whole separator: read on first
                blank = self.data[i - 1:i] == b"\n" or self.data[i - 2:i] == b"\n\r"
                if blank and SEPARATOR.match(self.data, i + 1):
                    self.pos = i + 1
                    return True
                start = i + 1
            if self.eof:  # everything was searched, to the last byte
                return False
            if i < 0:
                self.pos = max(self.pos, len(self.data) - 8)  # a separator may be cut at the block's end
            else:
                self.pos = max(self.pos, i - 2)
            self.more()  # at the end, one more search that no longer waits for what follows a candidate


def iter_mbox(stream, counter: _Counter | None = None) -> Iterator[tuple[bytes, bytes]]:
    """(From line, header block) for each message of an mbox stream; bodies are skipped, never held.

    A message starts at a "From " line (SEPARATOR) that follows a blank line; its headers run to the
    first blank line; the body after it is skipped by searching for the next separator."""
    buf = _Buffer(stream, counter)
    line = buf.line()
    while line in (b"\n", b"\r\n"):
        line = buf.line()
    if not (line.startswith(b"From ") and SEPARATOR.match(line)):
        return
    while True:
        header: list[bytes] = []
        size, ended = 0, False
        while True:
            part = buf.line()
            if not part:
                break
            if part in (b"\n", b"\r\n"):
                ended = True
                break
            if size < HEADER_CAP:
                header.append(part)
                size += len(part)
        yield line.rstrip(), b"".join(header)
        if not ended or not buf.next_separator():
            return
        line = buf.line()


def read_eml_headers(stream, counter: _Counter | None = None) -> bytes:
    """The header block of one .eml message: the lines before the first blank one (the body is not read)."""
    buf: list[bytes] = []
    size = 0
    for line in iter(lambda: stream.readline(LINE_CAP), b""):
        if counter:
            counter.add(len(line))
        if line in (b"\n", b"\r\n"):
            break
        if size < HEADER_CAP:
            buf.append(line)
            size += len(line)
    return b"".join(buf)


def _kind(head: bytes, name: str) -> str:
    """'mbox', 'eml' or 'zip' from a file's first bytes (its name only breaks a tie)."""
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    text = head.lstrip(b"\r\n\t ")
    if text.startswith(b"From ") and SEPARATOR.match(text):
        return "mbox"
    if b"\x00" in head[:4096]:
        raise ValidationError(f"{name} is not a mail file (it looks like a binary file): export your mail "
                              "as .mbox or .eml.")
    if _HEADER_LINE.match(text):
        return "eml"
    raise ValidationError(f"{name} doesn't look like mail: an .mbox starts with a 'From ' line and an .eml "
                          "with headers such as 'From:' and 'Date:'.")


def _messages_in(stream, name: str, counter: _Counter) -> Iterator[Message]:
    head = stream.peek(8192)[:8192] if hasattr(stream, "peek") else b""
    kind = _kind(head, name)
    if kind == "mbox":
        for from_line, raw in iter_mbox(stream, counter):
            yield parse_headers(raw, from_line)
    elif kind == "eml":
        yield parse_headers(read_eml_headers(stream, counter))
    else:
        raise ValidationError(f"{name}: a zip inside a zip is not read; unzip the outer one first.")


def _zip_messages(source, name: str, counter: _Counter) -> Iterator[Message]:
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as e:
        raise ValidationError(f"{name} is not a readable zip file ({e}).") from None
    with archive:
        members = sorted((m for m in archive.infolist() if not m.is_dir()
                          and Path(m.filename).suffix.lower() in MAIL_SUFFIXES
                          and not Path(m.filename).name.startswith(".")), key=lambda m: m.filename)
        if not members:
            raise ValidationError(f"{name} holds no .mbox or .eml file.")
        for member in members:
            try:
                with archive.open(member) as raw:
                    yield from _messages_in(io.BufferedReader(raw, 1 << 16), member.filename, counter)
            except (zipfile.BadZipFile, RuntimeError, EOFError) as e:  # damaged or encrypted entry
                raise ValidationError(f"{name}: {member.filename} can't be read ({e}).") from None


Source = str | Path | list[tuple[str, bytes]]


def _files(source: Source) -> list[tuple[str, object, int]]:
    """(name, opener, size) for each file of a source: a path (file or folder) or uploaded (name, bytes)."""
    if isinstance(source, list):
        return [(name, (lambda d=data: io.BufferedReader(io.BytesIO(d))), len(data)) for name, data in source]
    path = Path(source).expanduser()
    if path.is_dir():
        found = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
                       and (p.suffix.lower() in MAIL_SUFFIXES or p.name == APPLE_MBOX))
        if not found:
            raise ValidationError(f"The folder {path} holds no .eml or .mbox file.")
        return [(str(p), (lambda p=p: open(p, "rb")), p.stat().st_size) for p in found]
    if not path.is_file():
        raise ValidationError(f"No such file: {source}")
    return [(str(path), (lambda: open(path, "rb")), path.stat().st_size)]


def read_messages(source: Source, progress: Callable[[int, int], None] | None = None) -> Iterator[Message]:
    """Every message of a mail export, in file order: one .mbox / .eml / .zip path, a folder of them, or
    uploaded files as (name, bytes). progress(bytes read, total bytes) is called every few megabytes.
    A file that is not mail raises ValidationError before any message of it is yielded."""
    files = _files(source)
    counter = _Counter(sum(size for _, _, size in files), progress)
    for name, opener, _ in files:
        with opener() as stream:
            head = stream.peek(8192)[:8192]
            if not head.strip():
                continue
            if _kind(head, Path(name).name) == "zip":
                yield from _zip_messages(stream, Path(name).name, counter)
            else:
                yield from _messages_in(stream, Path(name).name, counter)
    if progress:
        progress(counter.total, counter.total)
