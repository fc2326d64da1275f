"""Compile every .po catalogue under coproduce/ into .mo with polib.

Used instead of Django's compilemessages so that `make demo` needs no system
gettext tools on a fresh machine.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1] / "coproduce"


def main() -> int:
    catalogues = sorted(ROOT.glob("locale*/**/LC_MESSAGES/*.po"))
    for po_path in catalogues:
        mo_path = po_path.with_suffix(".mo")
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
    print(f"Compiled {len(catalogues)} translation catalogue(s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
