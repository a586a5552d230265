"""Source comparison: shared and unique facts, rewrites, and the words in which sources differ."""

from .compare import AlignedPair, Comparison, Difference, Fact, Rewrite, compare_store

__all__ = ["Comparison", "Fact", "Rewrite", "AlignedPair", "Difference", "compare_store"]
