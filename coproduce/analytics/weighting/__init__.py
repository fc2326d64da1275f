"""Raking weights to census margins, trimming and the design effect.

Spec: inclusion metrics §7 (raking, trimming, design effect) and §8 (bad input).
Pure library: arrays and mappings in, frozen results out; never imports Django.
"""

from coproduce.analytics.weighting.design_effect import (
    DesignEffectResult,
    WeightedShareResult,
    design_effect,
    effective_sample_size,
    weighted_share,
)

__all__ = [
    "DesignEffectResult",
    "WeightedShareResult",
    "design_effect",
    "effective_sample_size",
    "weighted_share",
]
