"""Classes: a teacher's students and the documents they study."""

from __future__ import annotations
