"""Merged extractive summaries: fact groups ranked and picked within a word budget, or sumy's rankings."""

from .summaries import DEFAULT_WEIGHTS, METHODS, MIN_WORDS, Weights, summarize_store

__all__ = ["summarize_store", "METHODS", "Weights", "DEFAULT_WEIGHTS", "MIN_WORDS"]
