"""The realistic synthetic data generator behind `pmon generate` and `pmon demo`."""

from sample_data.core import SCALES, Summary, default_start, generate

__all__ = ["SCALES", "Summary", "default_start", "generate"]
