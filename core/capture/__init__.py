"""Capture: the log fills itself from the files mail and calendar programs already write.

mail.py reads .mbox, .eml, folders and zips of them, one message's headers at a time (bodies are never
read into memory, let alone stored); calendar.py reads .ics exports and expands recurring events;
plan.py turns either into touches for people on the list (a preview first, then one transaction through
core.interactions.record_touches); contact_presets.py recognises Google and Outlook contact CSVs.
Nothing here imports streamlit, and nothing leaves the machine.
"""
