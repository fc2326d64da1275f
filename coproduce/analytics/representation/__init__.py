"""Who took part versus who lives there: the inclusion metrics (spec §1–6).

Arrays and mappings in, frozen dataclasses out (`dataclasses.asdict` gives JSON).
Bad input raises `coproduce.analytics.errors.InputError`, naming the category,
row or column and the fix.
"""

from coproduce.analytics.representation.concentration import (
    ConcentrationResult,
    concentration,
    gini,
    top_share,
)
from coproduce.analytics.representation.deprivation import (
    DecileReach,
    DecileTable,
    DeprivationReachResult,
    deprivation_reach,
)
from coproduce.analytics.representation.margins import (
    DEFAULT_UNKNOWN_LABELS,
    AlignedMargins,
    align_margins,
)
from coproduce.analytics.representation.participation import (
    Contribution,
    EngagementUsualSuspects,
    NewcomerResult,
    UsualSuspectsResult,
    newcomer_share,
    usual_suspects,
    usual_suspects_by_engagement,
)
from coproduce.analytics.representation.r_indicator import (
    CategoryPartial,
    RIndicatorResult,
    VariablePartial,
    r_indicator_from_invited_frame,
    r_indicator_from_population_table,
    r_indicator_from_weights,
)
from coproduce.analytics.representation.score import (
    DEFAULT_CHARACTERISTICS,
    CategoryComparison,
    CharacteristicComparison,
    MissingGroup,
    RepresentationScore,
    compare_characteristic,
    missing_groups,
    reading_for,
    representation_score,
)

__all__ = [
    "DEFAULT_CHARACTERISTICS",
    "DEFAULT_UNKNOWN_LABELS",
    "AlignedMargins",
    "CategoryComparison",
    "CategoryPartial",
    "CharacteristicComparison",
    "ConcentrationResult",
    "Contribution",
    "DecileReach",
    "DecileTable",
    "DeprivationReachResult",
    "EngagementUsualSuspects",
    "MissingGroup",
    "NewcomerResult",
    "RIndicatorResult",
    "RepresentationScore",
    "UsualSuspectsResult",
    "VariablePartial",
    "align_margins",
    "compare_characteristic",
    "concentration",
    "deprivation_reach",
    "gini",
    "missing_groups",
    "newcomer_share",
    "r_indicator_from_invited_frame",
    "r_indicator_from_population_table",
    "r_indicator_from_weights",
    "reading_for",
    "representation_score",
    "top_share",
    "usual_suspects",
    "usual_suspects_by_engagement",
]
