"""Marts queries built from the catalog (the task ledger, the ledger's routes) rendered by the same
Jinja environment as the indicator templates, so they share its macros and its literal escaping."""

from __future__ import annotations

from assets.indicators.queries import _environment


def render(name: str, parameters: dict) -> str:
    """A SQL file of the layer (a path under `sql/`, or a template name) rendered with `parameters`."""
    return _environment().get_template(name).render(parameters)
