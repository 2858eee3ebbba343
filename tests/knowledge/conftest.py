"""Fixtures for the knowledge-base tests."""

from __future__ import annotations

import pytest

from backstride.knowledge import KnowledgeBase, load_knowledge


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    """The knowledge base shipped with Backstride."""
    return load_knowledge()
