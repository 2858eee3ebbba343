"""The knowledge base: exercises, causes, red flags, advice and their sources, as validated data."""

from backstride.knowledge.load import load_knowledge
from backstride.knowledge.models import KnowledgeBase

__all__ = ["KnowledgeBase", "load_knowledge"]
