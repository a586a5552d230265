"""Merged extractive summaries: fact groups rated by a learned ranker (or by hand or by sumy), picked within a budget."""

from .focus import Focus
from .summaries import (DEFAULT_WEIGHTS, LEARNED_WEIGHTS, METHODS, MIN_WORDS, RATIO, LearnedWeights, Weights,
                        summarize_store)

__all__ = ["summarize_store", "METHODS", "Weights", "DEFAULT_WEIGHTS", "LearnedWeights", "LEARNED_WEIGHTS", "MIN_WORDS",
           "RATIO", "Focus"]
