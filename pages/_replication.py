"""Replication in the UI: started once per process before any page runs, the sidebar's status, "Save now".

Nothing here runs, and nothing touches the network, unless the secrets have a [storage] section.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.db import resolve_path
from core.errors import UserError
from core.replication import Replicator, StartReport, config_from
from pages._ui import attempt, db_path, esc, secret


@dataclass
class Startup:
    replicator: Replicator | None = None
    report: StartReport | None = None
    error: str | None = None  # replication could not start: the app must not run on an empty file


def _stop(startup: Startup) -> None:
    if startup.replicator:
        startup.replicator.stop()


@st.cache_resource(show_spinner="Loading your data from your bucket…", on_release=_stop)
def _start(db_path: str, section: tuple) -> Startup:
    """Once per process (and database path and [storage] settings): restore from the bucket, then upload
    in the background. Errors are returned, not raised, so they are cached too and shown on every run."""
    try:
        replicator = Replicator(config_from(dict(section)), db_path)
        report = replicator.start()
    except UserError as e:  # StorageConfigError, WrongPassphrase
        return Startup(error=str(e))
    replicator.start_uploader()
    return Startup(replicator, report)


def _startup() -> Startup | None:
    """This process's replication start (once per database and [storage] settings), or None without [storage]."""
    section = secret("storage")
    if not section:
        return None
    return _start(str(resolve_path(db_path())), tuple(sorted(dict(section).items())))


def replicator() -> Replicator | None:
    """The running replicator, or None when there is no [storage] section (or it could not start)."""
    startup = _startup()
    return startup.replicator if startup else None


def gate() -> Replicator | None:
    """Start replication before any page runs. When it can't start (a wrong passphrase, unusable [storage]
    settings), show why in place of the sign-in page and stop: never an empty app."""
    startup = _startup()
    if not startup:
        return None
    if startup.error:
        def refused() -> None:
            st.title("Rapport")
            st.error(esc(startup.error), icon=":material/key_off:")
            st.caption("Your data is safe in the bucket: nothing was downloaded into place or uploaded. Fix the "
                       "secrets (App settings → Secrets) and reboot the app.")

        st.navigation([st.Page(refused, title="Sign in", icon=":material/lock:")], position="hidden").run()
        st.stop()
    return startup.replicator


def sidebar_status(rep: Replicator) -> None:
    """'Saved N s ago', or what went wrong."""
    status = rep.status()
    if status.ok:
        st.caption(esc(status.text()), help="Encrypted snapshots of this database go to your bucket a few "
                   "seconds after each change.")
    else:
        st.warning(esc(status.text()), icon=":material/cloud_off:")


def save_section(rep: Replicator) -> None:
    """The Data page's part: where the copies go, Save now, and the user's choices when saving is blocked."""
    st.subheader("Saved to your bucket")
    cfg = rep.config
    st.caption(f"Each change is encrypted on this server and saved to {esc(cfg.where)} within {cfg.delay:g} s; "
               f"the newest {cfg.keep} snapshots are kept. When the app restarts it loads the newest one.")
    status = rep.status()
    if st.button("Save now", key="data_save_now", icon=":material/cloud_upload:"):
        result = rep.save()
        if result.saved:
            st.success(esc(result.message), icon=":material/cloud_done:")
        elif rep.status().ok:
            st.info(esc(result.message), icon=":material/cloud_done:")
        else:
            st.error(esc(result.message), icon=":material/cloud_off:")
        status = rep.status()
    elif status.ok:
        st.caption(esc(status.text()))
    if status.state != "blocked":
        if status.state == "error":
            st.warning(esc(status.text()), icon=":material/cloud_off:")
        return
    st.warning(esc(status.text()), icon=":material/cloud_off:")
    cols = st.columns(2)
    if status.offer and cols[0].button(f"Load snapshot {status.offer} from the bucket", key="data_repl_restore",
                                       icon=":material/cloud_download:"):
        info = attempt(lambda: rep.restore(status.offer), rerun=False)
        if info:
            kept = f"; this copy was kept beside it as {info['kept']}" if info.get("kept") else ""
            st.session_state["_flash"] = f"Loaded snapshot {info['generation']} ({info['people']:,} people){kept}."
            st.rerun()
    if cols[1].button("Save this copy as the newest", key="data_repl_force", icon=":material/cloud_upload:",
                      help="Other snapshots stay in the bucket until the oldest are pruned."):
        result = rep.save(force=True)
        (st.success if result.saved else st.error)(esc(result.message))
