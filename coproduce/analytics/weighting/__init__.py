"""Raking weights to census margins, trimming and the design effect.

Spec: inclusion metrics §7 (raking, trimming, design effect) and §8 (bad input).
Pure library: arrays and mappings in, frozen results out; never imports Django.
"""

from coproduce.analytics.labels import label_key
from coproduce.analytics.weighting.design_effect import (
    DesignEffectResult,
    WeightedShareResult,
    design_effect,
    effective_sample_size,
    weighted_share,
    wilson_interval,
)
from coproduce.analytics.weighting.inputs import UNKNOWN_CELL
from coproduce.analytics.weighting.raking import RakingResult, RakingWeighter
from coproduce.analytics.weighting.reference import rake_reference
from coproduce.analytics.weighting.trimming import trim_weights

__all__ = [
    "UNKNOWN_CELL",
    "DesignEffectResult",
    "RakingResult",
    "RakingWeighter",
    "WeightedShareResult",
    "design_effect",
    "effective_sample_size",
    "label_key",
    "rake_reference",
    "trim_weights",
    "weighted_share",
    "wilson_interval",
]
