"""The ImportPlan: what an import will add, update, skip and log, and how it describes itself."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.words import plural

KINDS = ("linkedin", "messages", "invitations", "vcard", "csv")
KIND_LABELS = {
    "linkedin": "LinkedIn connections (Connections.csv or the export .zip)",
    "messages": "LinkedIn messages (messages.csv)",
    "invitations": "LinkedIn connection requests (Invitations.csv)",
    "vcard": "Contacts (vCard .vcf from Apple or Google Contacts)",
    "csv": "Any CSV file (you choose the columns)",
}
INVITATION_SOURCE = "linkedin"  # interactions.source of a connection request (messages use linkedin_messages)
_FIELD_LABELS = {"name": "Name", "title": "Title", "company": "Company", "email": "Email", "phone": "Phone",
                 "linkedin_url": "LinkedIn URL", "website": "Website", "location": "Location",
                 "industry": "Industry", "role": "Role", "notes": "Notes"}
# Text fields an import may fill when they are empty on a matched person.
_FILLABLE = ("title", "email", "phone", "linkedin_url", "website", "location", "industry", "role", "notes")
# Every column a new person is inserted with (the rest take the schema's defaults), in one fixed order.
_BLANK = {"name": "", **dict.fromkeys(_FILLABLE, ""), "source": "", "source_uid": "", "tags": "[]",
          "connected_on": None, "tier": "network", "stage": "stranger", "how_met": ""}


@dataclass
class ImportPlan:
    """What an import will do; built by plan_import(), written by apply_import().

    add: new people ({"line", "person": columns, "company": name, "birthday": (m, d, y) | None}).
    update: matched people ({"line", "person_id", "name", "changes": columns, "company": name | None,
    "tags": [...], "birthday": ...}). skip: rows left out ({"line", "name", "reason"}).
    interactions: LinkedIn messages ({"line", "ref": ("id", person_id) | ("new", index into add),
    "name", "record": columns; the write path decides the stage each touch proves}). warnings: rows imported with a field left out.
    """

    kind: str
    add: list[dict] = field(default_factory=list)
    update: list[dict] = field(default_factory=list)
    skip: list[dict] = field(default_factory=list)
    interactions: list[dict] = field(default_factory=list)
    interaction_updates: list[tuple[int, int]] = field(default_factory=list)  # (responded, id)
    warnings: list[dict] = field(default_factory=list)
    fingerprint: str = ""
    owner_url: str = ""
    flushed_add: int = 0  # a streamed import's people already written (add and update hold the rest)
    flushed_update: int = 0
    first_ids: list[int] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        invitations = sum(1 for i in self.interactions if i["record"]["source"] == INVITATION_SOURCE)
        return {"added": len(self.add) + self.flushed_add, "updated": len(self.update) + self.flushed_update,
                "skipped": len(self.skip),
                "interactions": len(self.interactions), "warnings": len(self.warnings),
                "messages": len(self.interactions) - invitations, "invitations": invitations}

    def describe(self) -> str:
        """One sentence: what confirming will do."""
        s = self.summary()
        parts = [f"add {plural(s['added'], 'person')}", f"update {s['updated']:,}", f"skip {plural(s['skipped'], 'row')}"]
        if self.kind == "messages" or (self.kind == "linkedin" and s["messages"]):
            parts.append(f"log {plural(s['messages'], 'LinkedIn message exchange')}")
        if self.kind == "invitations" or s["invitations"]:
            parts.append(f"log {plural(s['invitations'], 'connection request')}")
        return "This import will " + ", ".join(parts) + "."

    def preview_interactions(self, limit: int = 50) -> list[dict]:
        """The first touches the import will log (messages and connection requests), as plain rows."""
        out = []
        for item in self.interactions[:limit]:
            r = item["record"]
            what = "connection request" if r["source"] == INVITATION_SOURCE else "LinkedIn messages"
            out.append({"line": item["line"], "day": r["day"], "name": item.get("name", ""),
                        "touch": f"{what} {'you sent' if r['direction'] == 'me' else 'they sent'}",
                        "notes": r["notes"]})
        return out

    def preview(self, limit: int = 50) -> list[dict]:
        """The first rows of each action, as plain rows for a table."""
        out = []
        for a in self.add[:limit]:
            out.append({"action": "add", "line": a["line"], "name": a["person"]["name"],
                        "company": a["company"] or "", "detail": a["person"].get("title", "")})
        for u in self.update[:limit]:
            out.append({"action": "update", "line": u["line"], "name": u["name"], "company": u.get("company") or "",
                        "detail": "fills " + ", ".join(_describe_changes(u))})
        for s in self.skip[:limit]:
            out.append({"action": "skip", "line": s["line"], "name": s["name"], "company": "",
                        "detail": s["reason"]})
        for w in self.warnings[:limit]:
            out.append({"action": "warning", "line": w["line"], "name": w["name"], "company": "",
                        "detail": w["message"]})
        return out


def _describe_changes(update: dict) -> list[str]:
    names = [k.replace("_", " ") for k in update["changes"]]
    if update.get("company"):
        names.append("company")
    if update.get("tags"):
        names.append("tags")
    if update.get("birthday"):
        names.append("birthday")
    return names or ["nothing new"]
