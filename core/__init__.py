"""Rapport's core: storage, the relationship score, follow-ups and goals. Never imports streamlit."""

__version__ = "0.1.0"
