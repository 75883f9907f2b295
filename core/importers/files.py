"""Reading import files safely: size limits, binary and encoding checks, zips, CSV records, loose dates."""

from __future__ import annotations

import codecs
import csv
import io
import os
import stat
import zipfile
import zlib
from collections.abc import Iterator

from core.errors import ValidationError

MAX_BYTES = 20 * 1024 * 1024  # 20 MB: the page's upload limit (a 30,000-row Connections.csv is about 3 MB)
ZIP_TOTAL_BYTES = 3 * MAX_BYTES  # what the page inflates from a zip, all entries together
STREAM_ZIP_BYTES = 8 * 2**30  # the command line streams a zip's entries; still, no entry over 8 GB
SNIFF_BYTES = 65_536  # read first, to refuse a binary or non-UTF-8 file before anything else
FIELD_CHARS = csv.field_size_limit()  # 131,072: a longer cell is "a field is too long"
HEADER_SCAN_ROWS = 20  # LinkedIn's preamble is 3 lines; look a little further, never assume row 1


# --- Reading files -------------------------------------------------------------------------------


def _sniff(head: bytes, what: str, whole: bool) -> None:
    """Refuse, from its first bytes, a file that is empty, a zip or spreadsheet, binary, or not UTF-8."""
    if whole and not head.strip():
        raise ValidationError(f"The {what} is empty.")
    if head[:4] == b"PK\x03\x04":
        raise ValidationError(f"The {what} is a zip archive or a spreadsheet (.xlsx), not text: "
                              "export or save it as CSV and try again.")
    if b"\x00" in head:
        line = head[:head.index(b"\x00")].count(b"\n") + 1
        raise ValidationError(f"The {what} is a binary file, not text (line {line} holds a NUL byte); "
                              "export or save it as CSV and try again.")
    body = head[3:] if head[:3] == b"\xef\xbb\xbf" else head
    try:
        # A character cut at the end of the sniffed bytes is not an error (final=False).
        codecs.getincrementaldecoder("utf-8")().decode(body, final=whole)
    except UnicodeDecodeError as e:
        line = body[:e.start].count(b"\n") + 1
        raise ValidationError(
            f"Line {line} of the {what} is not UTF-8 text (byte 0x{body[e.start]:02X}); "
            "save it as 'CSV UTF-8' (Excel) or UTF-8 text and try again.") from None


def decode(data: bytes, what: str = "file") -> str:
    """The file's text: checks size, rejects binary files, reads UTF-8 with or without a BOM."""
    if not isinstance(data, bytes | bytearray):
        raise ValidationError(f"The {what} could not be read.")
    if len(data) > MAX_BYTES:
        raise ValidationError(f"The {what} is {len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES // 2**20} MB.")
    _sniff(bytes(data[:SNIFF_BYTES]), what, whole=len(data) <= SNIFF_BYTES)
    if not data.strip():
        raise ValidationError(f"The {what} is empty.")
    try:
        text = bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise ValidationError(
            f"Line {line} of the {what} is not UTF-8 text (byte 0x{data[e.start]:02X}); "
            "save it as 'CSV UTF-8' (Excel) or UTF-8 text and try again.") from None
    return text


class _Chain(io.RawIOBase):
    """The bytes already read (to sniff them), then the rest of the stream."""

    def __init__(self, head: bytes, rest):
        self.head, self.rest = memoryview(head), rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n] = self.head[:n]
            self.head = self.head[n:]
            return n
        data = self.rest.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


class _Capped(io.RawIOBase):
    """A zip entry read in pieces, refused the moment it inflates past what the zip says it holds
    (a zip bomb claims 1 KB and inflates to 1 GB): memory stays bounded, and it fails quickly."""

    def __init__(self, member, limit: int, name: str):
        self.member, self.limit, self.name, self.total = member, limit, name, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            data = self.member.read(len(buffer))
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as e:  # zipfile stops at the claimed size
            raise ValidationError(f"{self.name} in the zip can't be inflated ({e}): the archive is damaged "
                                  "or a zip bomb.") from None
        self.total += len(data)
        if self.total > self.limit:
            raise ValidationError(f"{self.name} in the zip inflates to more than the zip says it holds "
                                  f"({self.limit:,} bytes): the archive is damaged or a zip bomb.")
        buffer[:len(data)] = data
        return len(data)


_ZIP_NAMES = {"connections.csv": "connections", "messages.csv": "messages", "invitations.csv": "invitations"}


def _zip_members(source, each: int, total: int) -> dict:
    """The first Connections.csv, messages.csv and Invitations.csv of a zip, as streams that are
    inflated only as they are read, each capped; other entries (even 900 more of the same name) are
    never inflated."""
    try:
        archive = zipfile.ZipFile(source)
        found, claimed = {}, 0
        for info in archive.infolist():
            wanted = _ZIP_NAMES.get(info.filename.replace("\\", "/").rsplit("/", 1)[-1].lower())
            if not wanted or wanted in found or info.is_dir():
                continue
            if info.file_size > each:
                raise ValidationError(f"{info.filename} in the zip is over {each // 2**20:,} MB; "
                                      "unzip it and import it on its own from the command line.")
            claimed += info.file_size
            if claimed > total:
                raise ValidationError(f"The files in the zip add up to over {total // 2**20:,} MB.")
            found[wanted] = io.BufferedReader(_Capped(archive.open(info), info.file_size, info.filename))
        return found
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, RuntimeError, NotImplementedError, ValueError,
            EOFError, zlib.error) as e:
        if isinstance(e, ValidationError):
            raise
        raise ValidationError("The zip archive is damaged or encrypted; unzip it and upload "
                              "Connections.csv instead.") from None


def _text(stream, what: str) -> io.TextIOWrapper:
    """A binary stream as UTF-8 text (a BOM dropped), after sniffing its first bytes."""
    head = stream.read(SNIFF_BYTES)
    _sniff(head, what, whole=len(head) < SNIFF_BYTES)
    return io.TextIOWrapper(io.BufferedReader(_Chain(head, stream), SNIFF_BYTES), encoding="utf-8-sig",
                            newline="")


def iter_csv(lines, what: str = "file") -> Iterator[tuple[int, list[str]]]:
    """Every record of a CSV text stream with the line it starts on, read as it goes (bounded memory).
    A broken file is an error naming the line: broken quoting, a field too long, not UTF-8, binary."""
    reader = csv.reader(lines, strict=True)
    start = 1
    try:
        for record in reader:
            yield start, record
            start = reader.line_num + 1
    except csv.Error as e:
        if "field larger than field limit" in str(e):
            raise ValidationError(f"The {what} has a field that is too long (over {FIELD_CHARS:,} characters) "
                                  f"in the record starting on line {start}; is it the right file?") from None
        if "NUL" in str(e):
            raise ValidationError(f"The {what} is a binary file, not text (line {start} holds a NUL byte).") from None
        raise ValidationError(f"The {what} has broken quoting in the record starting on line {start} "
                              f"({e}); check that every quote that opens also closes.") from None
    except UnicodeDecodeError:
        raise ValidationError(f"Line {reader.line_num + 1} of the {what} is not UTF-8 text; save it as "
                              "'CSV UTF-8' (Excel) or UTF-8 text and try again.") from None
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise ValidationError(f"The {what} in the zip archive is damaged; unzip it and try again.") from None


def read_csv(text: str, what: str = "file") -> list[tuple[int, list[str]]]:
    """Every record with the line it starts on; broken quoting is an error naming that line."""
    return list(iter_csv(io.StringIO(text, newline=""), what))


def _records(stream, what: str) -> Iterator[tuple[int, list[str]]]:
    return iter_csv(_text(stream, what), what)


def _find_header(records, required, what: str, expected: str) -> tuple[int, dict[str, int], Iterator]:
    """The header row among the first rows: which of the required column sets it has (required is one
    tuple of names, or a tuple of such tuples, one per layout), {name: position}, and the rows after it."""
    layouts = required if isinstance(required[0], tuple) else (tuple(required),)
    records = iter(records)
    for _ in range(HEADER_SCAN_ROWS):
        found = next(records, None)
        if found is None:
            break
        names = [c.strip().lstrip("\ufeff").lower() for c in found[1]]
        for layout, columns in enumerate(layouts):
            if all(r in names for r in columns):
                return layout, {n: i for i, n in reversed(list(enumerate(names))) if n}, records
    raise ValidationError(f"No header row found in the first {HEADER_SCAN_ROWS} lines of the {what}: "
                          f"expected columns like {expected}.")


def open_file(path, what: str):
    """A file to stream from, refused (one sentence) unless it is a regular file: not a folder, a
    device such as /dev/zero, or a fifo."""
    path = os.path.expanduser(os.fspath(path))
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise ValidationError(f"No such file: {path}") from None
    except OSError as e:
        raise ValidationError(f"The {what} {path} can't be read: {e.strerror}.") from None
    if stat.S_ISDIR(mode):
        raise ValidationError(f"{path} is a folder, not a file.")
    if not stat.S_ISREG(mode):
        raise ValidationError(f"{path} is not a regular file (a device or a pipe?); import a saved file.")
    try:
        return open(path, "rb")  # closed by the caller's ExitStack
    except OSError as e:
        raise ValidationError(f"The {what} {path} can't be read: {e.strerror}.") from None
