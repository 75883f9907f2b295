"""Importing people and messages from files: LinkedIn exports, vCards and CSV, planned then applied.

Every import is two steps. plan_import() reads the file and the database (it writes nothing) and
returns an ImportPlan: the people to add, the people to update with exactly which fields, the rows
skipped with their line and reason, and the interactions to add. The Data page and the command line
show that plan as a preview; apply_import() then writes all of it in one transaction, or none of it.

A file that can't be read as the kind it claims to be (binary, not UTF-8, broken quoting, no header,
too big) raises ValidationError naming the line and the field, before anything is written.

Matching on re-import, in order: the source's own id (a vCard UID), the LinkedIn profile URL, the
email, then name and company. A match is updated, never duplicated, and what the user typed is never
overwritten: an import only fills empty fields and adds tags. The one exception is a LinkedIn job
change: if a person's title or company differs in a newer Connections.csv and nobody has touched
that person since an import last wrote them (people.updated_at is still an import's stamp), the new
title and company replace the old ones.

Where each job lives: files (reading bytes, zips and CSV safely), plan (the ImportPlan value),
matching (who in the file is who in the database), linkedin, vcard (+ vcard_reader), mapped_csv
(one planner per format), apply (writing a plan), run (plan_import, import_stream: choose and run a planner).
"""

from core.importers.apply import apply_import
from core.importers.dates import parse_loose_date, parse_sent_at, parse_vcard_birthday
from core.importers.files import (
    FIELD_CHARS,
    HEADER_SCAN_ROWS,
    MAX_BYTES,
    SNIFF_BYTES,
    STREAM_ZIP_BYTES,
    ZIP_TOTAL_BYTES,
    decode,
    iter_csv,
    read_csv,
)
from core.importers.linkedin import (
    INVITATION_COLUMNS,
    INVITATION_DIRECTIONS,
    LINKEDIN_COLUMNS,
    MESSAGE_COLUMNS,
    MESSAGE_COLUMNS_2018,
    NO_PROFILE,
    NOTE_CHARS,
    OWNER_2018,
)
from core.importers.mapped_csv import (
    CSV_FIELDS,
    GOOGLE_SEPARATOR,
    SYSTEM_GROUPS,
    csv_headers,
    default_mapping,
    group_tags,
    split_emails,
    split_values,
    suggest_mapping,
)
from core.importers.matching import STAMP_KEY, linkedin_key
from core.importers.plan import INVITATION_SOURCE, KIND_LABELS, KINDS, ImportPlan
from core.importers.run import STREAM_CHUNK, import_stream, plan_import

__all__ = [
    "CSV_FIELDS",
    "FIELD_CHARS",
    "GOOGLE_SEPARATOR",
    "HEADER_SCAN_ROWS",
    "INVITATION_COLUMNS",
    "INVITATION_DIRECTIONS",
    "INVITATION_SOURCE",
    "KINDS",
    "KIND_LABELS",
    "LINKEDIN_COLUMNS",
    "MAX_BYTES",
    "MESSAGE_COLUMNS",
    "MESSAGE_COLUMNS_2018",
    "NOTE_CHARS",
    "NO_PROFILE",
    "OWNER_2018",
    "SNIFF_BYTES",
    "STAMP_KEY",
    "STREAM_CHUNK",
    "STREAM_ZIP_BYTES",
    "SYSTEM_GROUPS",
    "ZIP_TOTAL_BYTES",
    "ImportPlan",
    "apply_import",
    "csv_headers",
    "decode",
    "default_mapping",
    "group_tags",
    "import_stream",
    "iter_csv",
    "linkedin_key",
    "parse_loose_date",
    "parse_sent_at",
    "parse_vcard_birthday",
    "plan_import",
    "read_csv",
    "split_emails",
    "split_values",
    "suggest_mapping",
]
