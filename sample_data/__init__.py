"""The realistic synthetic data generator behind `pmon generate` and `pmon demo`."""

from sample_data.core import SCALES, Story, Summary, beijing_today, default_start, generate

__all__ = ["SCALES", "Story", "Summary", "beijing_today", "default_start", "generate"]
