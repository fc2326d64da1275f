"""The Polis open-data CSV layer (opinion-map spec §5): read, validate, write.

Pure: bytes in, plain frozen records out, and back. The conversations app turns
an uploaded folder or zip into a name → bytes mapping (`files_from_zip`), calls
`read_polis_export`, and stores the result; for export it fills a
`PolisExportInput` and writes the bytes `write_polis_export` returns.
"""

from coproduce.analytics.opinion_map.polis_csv.cells import (
    formula_guard,
    formula_unguard,
)
from coproduce.analytics.opinion_map.polis_csv.model import (
    ExportParticipant,
    ExportStatement,
    Polarity,
    PolisComment,
    PolisExport,
    PolisExportInput,
    PolisImportError,
    PolisParticipantRow,
    PolisStatsRow,
    PolisSummary,
    PolisVoteRows,
    Problem,
)
from coproduce.analytics.opinion_map.polis_csv.read import read_polis_export
from coproduce.analytics.opinion_map.polis_csv.write import (
    REMOVED_TEXT,
    polis_datetime,
    write_polis_export,
)
from coproduce.analytics.opinion_map.polis_csv.zipfiles import files_from_zip

__all__ = [
    "REMOVED_TEXT",
    "ExportParticipant",
    "ExportStatement",
    "Polarity",
    "PolisComment",
    "PolisExport",
    "PolisExportInput",
    "PolisImportError",
    "PolisParticipantRow",
    "PolisStatsRow",
    "PolisSummary",
    "PolisVoteRows",
    "Problem",
    "files_from_zip",
    "formula_guard",
    "formula_unguard",
    "polis_datetime",
    "read_polis_export",
    "write_polis_export",
]
