"""Source comparison: shared and unique facts, rewrites, and the words in which sources differ."""

from .align import ALIGN_WEIGHTS, AlignWeights
from .facts import COMPARE_WEIGHTS, CompareWeights, compare_store
from .report import ReportLimits, comparison_report
from .results import AlignedPair, Comparison, Difference, Fact, Rewrite

__all__ = ["Comparison", "Fact", "Rewrite", "AlignedPair", "Difference", "compare_store", "CompareWeights",
           "COMPARE_WEIGHTS", "AlignWeights", "ALIGN_WEIGHTS", "comparison_report", "ReportLimits"]
