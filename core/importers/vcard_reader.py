"""Reading vCard files as real programs write them, card by card (no vobject: one bad card must not sink a file).

What real exports do, and what this reader does about it:
- Line endings: CRLF (the RFC), LF, CR alone (old Macs) and CR CR LF (older iPhone exports) are all one break.
- Folding: a line starting with a space or tab continues the one before (RFC 2426 / 6350).
- vCard 2.1 (Android, Outlook 2003/2007): ENCODING=QUOTED-PRINTABLE (or a bare QUOTED-PRINTABLE
  parameter) with '=' soft line breaks that continue on the next line, and CHARSET=... for the bytes
  it decodes to; bare parameters (TEL;WORK;FAX:) instead of TYPE=.
- Lotus Notes writes PROFILE:VCARD, sometimes twice: ignored.
- The preferred value: 4.0 PREF=1 (the lowest wins), 3.0 TYPE=pref, 2.1 a bare PREF.
- A fax is never a phone; an extension (4.0 tel:...;ext=23, or 'x23' / 'ext. 23') is kept as ' ext. 23'.
- CATEGORIES is a comma list with \\, escapes.
A card that can't be read (no END:VCARD, a line that is not a property, bad quoted-printable) is
returned as an error with its first line and the reason; the others are read.
"""

from __future__ import annotations

import quopri
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

MAX_CARD_LINES = 5_000  # a card longer than this is not a contact card (a photo is folded into ~1,500 lines)
_ESCAPES = {"n": "\n", "N": "\n", "\\": "\\", ",": ",", ";": ";", ":": ":"}
_EXT = re.compile(r"\s*(?:;?\s*ext\.?\s*[=:]?|x)\s*(\d{1,6})\s*$", re.IGNORECASE)


@dataclass
class Prop:
    name: str  # upper case, without its group
    params: dict[str, list[str]]  # upper-case keys; bare 2.1 params are TYPE values
    value: str  # decoded text, still escaped

    def types(self) -> set[str]:
        return {t.upper() for t in self.params.get("TYPE", [])}

    def pref(self) -> int:
        """Lower is preferred: 4.0 PREF=1..100; 3.0 TYPE=pref and 2.1 PREF count as 1; none is 101."""
        for p in self.params.get("PREF", []):
            if p.isdigit():
                return max(1, min(int(p), 100))
        return 1 if "PREF" in self.types() else 101


@dataclass
class Card:
    line: int
    props: list[Prop] = field(default_factory=list)

    def all(self, name: str) -> list[Prop]:
        return [p for p in self.props if p.name == name]

    def first(self, name: str) -> str:
        found = self.all(name)
        return found[0].value if found else ""


class CardError(ValueError):
    pass


def split_lines(data: bytes) -> list[bytes]:
    """The file's lines, whatever its line endings (CR CR LF counts as one break, as a reader sees it)."""
    return data.replace(b"\r\r\n", b"\n").replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")


def cards(data: bytes) -> Iterator[Card | tuple[int, str]]:
    """Every card of a file: a Card, or (line, reason) for one that can't be read."""
    lines = split_lines(data)
    n = 0
    while n < len(lines):
        if lines[n].strip().upper() != b"BEGIN:VCARD":
            n += 1
            continue
        start = n + 1
        body: list[tuple[int, bytes]] = []
        n += 1
        ended = False
        while n < len(lines) and len(body) <= MAX_CARD_LINES:
            raw = lines[n]
            upper = raw.strip().upper()
            if upper == b"END:VCARD":
                ended = True
                n += 1
                break
            if upper == b"BEGIN:VCARD":  # the next card starts: this one was never closed
                break
            body.append((n + 1, raw))
            n += 1
        if not ended:
            yield (start, "the card has no END:VCARD line (cut short?)" if len(body) <= MAX_CARD_LINES
                   else f"the card is over {MAX_CARD_LINES:,} lines long")
            while len(body) > MAX_CARD_LINES and n < len(lines) and lines[n].strip().upper() not in (
                    b"END:VCARD", b"BEGIN:VCARD"):
                n += 1
            continue
        try:
            yield Card(start, list(_properties(body)))
        except CardError as e:
            yield (start, str(e))


def _logical_lines(body: list[tuple[int, bytes]]) -> Iterator[tuple[int, bytes]]:
    """Unfold: a leading space or tab continues the line; a quoted-printable value ending in '=' goes on."""
    current: bytearray | None = None
    at = 0
    qp_open = False
    for line, raw in body:
        if current is not None and qp_open:
            current += raw
        elif current is not None and raw[:1] in (b" ", b"\t"):
            current += raw[1:]
        else:
            if current is not None:
                yield at, bytes(current)
            current, at = bytearray(raw), line
        head = bytes(current.split(b":", 1)[0]).upper()
        qp_open = b"QUOTED-PRINTABLE" in head and current.endswith(b"=")
        if qp_open:
            del current[-1]  # the soft line break: the value goes on on the next line
    if current is not None:
        yield at, bytes(current)


def _split_head(line: bytes) -> tuple[bytes, bytes]:
    """The part before the value's ':' (outside quotes) and the value."""
    quoted = False
    for i, ch in enumerate(line):
        if ch == 0x22:
            quoted = not quoted
        elif ch == 0x3A and not quoted:
            return line[:i], line[i + 1:]
    raise CardError("")


def _properties(body: list[tuple[int, bytes]]) -> Iterator[Prop]:
    for line, raw in _logical_lines(body):
        if not raw.strip():
            continue
        try:
            head, value = _split_head(raw)
        except CardError:
            raise CardError(f"line {line} is not a property (no ':'): {raw[:40].decode('utf-8', 'replace')!r}") from None
        parts = _split_params(head.decode("ascii", "replace"))
        name = parts[0].rsplit(".", 1)[-1].strip().upper()
        if not name:
            raise CardError(f"line {line} has a property without a name")
        params: dict[str, list[str]] = {}
        for p in parts[1:]:
            key, eq, val = p.partition("=")
            key = key.strip().upper()
            if not eq:  # vCard 2.1: ;WORK;PREF;QUOTED-PRINTABLE
                if key in ("QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT", "B"):
                    params.setdefault("ENCODING", []).append(key)
                else:
                    params.setdefault("TYPE", []).append(key)
                continue
            values = [x.strip().strip('"') for x in val.split(",")] if key == "TYPE" else [val.strip().strip('"')]
            params.setdefault(key, []).extend(values)
        encoding = {e.upper() for e in params.get("ENCODING", [])}
        if encoding & {"BASE64", "B"}:
            continue  # a photo or a key: nothing we keep
        data = value
        if "QUOTED-PRINTABLE" in encoding:
            try:
                data = quopri.decodestring(value)
            except (ValueError, TypeError):
                raise CardError(f"line {line}: the quoted-printable value can't be decoded") from None
        yield Prop(name, params, _text(data, (params.get("CHARSET") or ["utf-8"])[0]))


def _split_params(head: str) -> list[str]:
    out, buf, quoted = [], [], False
    for ch in head:
        if ch == '"':
            quoted = not quoted
        if ch == ";" and not quoted:
            out.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    out.append("".join(buf))
    return out


def _text(data: bytes, charset: str) -> str:
    """Bytes in the card's declared charset; undeclared bytes are UTF-8, else Windows-1252 (Outlook)."""
    for encoding in (charset.strip().lower() or "utf-8", "utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("latin-1")


def unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            out.append(_ESCAPES.get(value[i + 1], value[i + 1]))
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def split_escaped(value: str, sep: str) -> list[str]:
    """Split on an unescaped separator, then unescape each part."""
    parts, buf, i = [], [], 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            buf.append(value[i:i + 2])
            i += 2
            continue
        if ch == sep:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
        i += 1
    parts.append("".join(buf))
    return [unescape(p) for p in parts]


def phone_value(prop: Prop) -> str:
    """A TEL value as text: a 4.0 tel: URI's ext= kept, any extension written ' ext. N'."""
    value = unescape(prop.value).strip()
    ext = ""
    if value.lower().startswith("tel:"):
        value, *rest = value[4:].split(";")
        for param in rest:
            key, _, val = param.partition("=")
            if key.strip().lower() == "ext" and val.strip():
                ext = val.strip()
    m = _EXT.search(value)
    if m and not ext and re.search(r"\d", value[:m.start()]):
        ext, value = m.group(1), value[:m.start()]
    value = value.strip().rstrip(",;")
    return f"{value} ext. {ext}" if ext else value


def ordered(props: Iterable[Prop]) -> list[Prop]:
    """The preferred value first, then the file's order."""
    return sorted(props, key=Prop.pref)


def phones(card: Card) -> list[str]:
    """The card's phones, preferred first, never a fax (or a pager)."""
    out = []
    for p in ordered(card.all("TEL")):
        if p.types() & {"FAX", "PAGER"}:
            continue
        value = phone_value(p)
        if value and value not in out:
            out.append(value)
    return out


def emails(card: Card) -> list[str]:
    out = []
    for p in ordered(card.all("EMAIL")):
        value = unescape(p.value).strip()
        if value.lower().startswith("mailto:"):
            value = value[7:]
        if value and value.lower() not in [o.lower() for o in out]:
            out.append(value)
    return out


def categories(card: Card) -> list[str]:
    out = []
    for p in card.all("CATEGORIES"):
        out += [c.strip() for c in split_escaped(p.value, ",") if c.strip()]
    return out


def name(card: Card) -> str:
    fn = unescape(card.first("FN")).strip()
    if fn:
        return " ".join(fn.split())
    n = card.first("N")
    if n:
        parts = split_escaped(n, ";") + [""] * 5
        family, given, additional = parts[0].strip(), parts[1].strip(), parts[2].strip()
        return " ".join(p for p in (given, additional, family) if p)
    return ""


def company(card: Card) -> str:
    org = card.first("ORG")
    return split_escaped(org, ";")[0].strip() if org else ""
