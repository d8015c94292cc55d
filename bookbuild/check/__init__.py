"""Checks on books and their outputs. Every finding has a stable code, severity and place."""

from __future__ import annotations

from bookbuild.support.diagnostics import SEVERITIES, Diagnostic

# A rule's finding is the one diagnostic type; the name reads better among rules.
Finding = Diagnostic

__all__ = ["SEVERITIES", "Diagnostic", "Finding"]
