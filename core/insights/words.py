"""How insights phrase numbers: percentages, levels, the worst of several, a day."""

from __future__ import annotations

from datetime import date


def _pct(x: float) -> str:
    return f"{round(100 * x)}%"


def _level(value: float | None, amber: float, red: float, higher_is_worse: bool = True) -> str:
    if value is None:
        return "ok"
    if higher_is_worse:
        return "red" if value > red else "amber" if value > amber else "ok"
    return "red" if value < red else "amber" if value < amber else "ok"


def _worst(*levels: str) -> str:
    order = ("ok", "amber", "red")
    return max(levels, key=order.index)


def _day_text(d: date) -> str:
    return f"{d.day} {d.strftime('%b')}"
