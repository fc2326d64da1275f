"""The Welsh interface: both catalogues complete, translated and actually used.

`coproduce/locale` is our own catalogue (extracted from our sources by
`make messages`); `coproduce/locale_thirdparty` holds Welsh for django-allauth,
which ships none, and for Django strings that Django's own Welsh lacks.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.signals import setting_changed
from django.test import Client
from django.utils import translation

import coproduce

PACKAGE_DIR = Path(coproduce.__file__).resolve().parent
MAIN_PO = PACKAGE_DIR / "locale" / "cy" / "LC_MESSAGES" / "django.po"
THIRDPARTY_PO = PACKAGE_DIR / "locale_thirdparty" / "cy" / "LC_MESSAGES" / "django.po"
CATALOGUES = [MAIN_PO, THIRDPARTY_PO]

# The same options as `make messages`, so the test sees what developers extract.
MAKEMESSAGES_ARGS = [
    "makemessages",
    "--locale",
    "cy",
    "--no-obsolete",
    "--ignore",
    "static/*",
    "--ignore",
    "*/tests/*",
    "--add-location",
    "file",
]

# %(name)s, %s, %d, %r, %i, %f (with optional flags), and {name} / {} fields.
PLACEHOLDER = re.compile(
    r"%\((?P<named>[^)]+)\)[-#0 +]*\d*(?:\.\d+)?[sdifrx]"
    r"|%[-#0 +]*\d*(?:\.\d+)?(?P<positional>[sdifrx])"
    r"|\{(?P<brace>\w*)\}"
)


def placeholders(text: str) -> set[str]:
    text = text.replace("%%", "")
    return {match.group(0) for match in PLACEHOLDER.finditer(text)}


def django_welsh_plural_forms() -> str:
    django_dir = Path(translation.__file__).resolve().parents[2]
    django_po = django_dir / "conf" / "locale" / "cy" / "LC_MESSAGES" / "django.po"
    return polib.pofile(str(django_po)).metadata["Plural-Forms"]


def entry_label(entry: polib.POEntry) -> str:
    context = f"[{entry.msgctxt}] " if entry.msgctxt else ""
    return f"{context}{entry.msgid!r}"


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues() -> None:
    """Compile .po to .mo if stale (.mo files are not committed), as `make` does."""
    changed = False
    for po_path in CATALOGUES:
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            changed = True
    if changed:
        # Make Django forget the catalogues this process has already loaded.
        setting_changed.send(
            sender=None,
            setting="LOCALE_PATHS",
            value=settings.LOCALE_PATHS,
            enter=False,
        )


@pytest.mark.parametrize(
    "po_path", CATALOGUES, ids=lambda p: p.parent.parent.parent.name
)
class TestCatalogue:
    def test_header(self, po_path: Path) -> None:
        catalogue = polib.pofile(str(po_path))
        assert catalogue.metadata.get("Language") == "cy"
        assert "charset=UTF-8" in catalogue.metadata.get("Content-Type", "")
        assert catalogue.metadata.get("Plural-Forms") == django_welsh_plural_forms()
        assert not catalogue.metadata_is_fuzzy

    def test_every_entry_is_translated_and_not_fuzzy(self, po_path: Path) -> None:
        catalogue = polib.pofile(str(po_path))
        match = re.search(r"nplurals=(\d+)", catalogue.metadata["Plural-Forms"])
        assert match, "no nplurals in Plural-Forms"
        nplurals = int(match[1])
        problems = []
        for entry in catalogue:
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags:
                problems.append(f"fuzzy: {entry_label(entry)}")
            if entry.msgid_plural:
                forms = entry.msgstr_plural
                if sorted(forms) != list(range(nplurals)) or not all(forms.values()):
                    problems.append(
                        f"plural forms not all filled: {entry_label(entry)}"
                    )
            elif not entry.msgstr.strip():
                problems.append(f"untranslated: {entry_label(entry)}")
        assert len(catalogue) > 0
        assert not problems, f"{po_path}:\n" + "\n".join(problems)

    def test_placeholders_are_kept(self, po_path: Path) -> None:
        catalogue = polib.pofile(str(po_path))
        problems = []
        for entry in catalogue:
            if entry.obsolete:
                continue
            if entry.msgid_plural:
                singular = placeholders(entry.msgid)
                plural = placeholders(entry.msgid_plural)
                for index, text in sorted(entry.msgstr_plural.items()):
                    found = placeholders(text)
                    # Form 0 is Welsh n == 1, which may follow either English form.
                    allowed = [plural, singular] if index == 0 else [plural]
                    if found not in allowed:
                        problems.append(
                            f"{entry_label(entry)} msgstr[{index}]: "
                            f"has {sorted(found)}, expected {sorted(plural)}"
                        )
            else:
                expected = placeholders(entry.msgid)
                found = placeholders(entry.msgstr)
                if found != expected:
                    problems.append(
                        f"{entry_label(entry)}: has {sorted(found)}, "
                        f"expected {sorted(expected)}"
                    )
        assert not problems, f"{po_path}:\n" + "\n".join(problems)

    def test_no_duplicate_entries(self, po_path: Path) -> None:
        catalogue = polib.pofile(str(po_path))
        keys = [
            (entry.msgctxt, entry.msgid) for entry in catalogue if not entry.obsolete
        ]
        duplicates = sorted({key for key in keys if keys.count(key) > 1}, key=str)
        assert not duplicates


SKIPPED_DIRS = {"__pycache__", "static", "node_modules", "locale_thirdparty"}


def _copy_sources(destination: Path) -> None:
    """Copy what makemessages reads (.py, .html, .txt) and the locale dir."""

    def ignore(directory: str, names: list[str]) -> set[str]:
        skipped = set()
        for name in names:
            path = Path(directory) / name
            if path.is_dir():
                if name in SKIPPED_DIRS:
                    skipped.add(name)
            elif path.suffix not in {".py", ".html", ".txt", ".po"}:
                skipped.add(name)
        return skipped

    shutil.copytree(PACKAGE_DIR, destination, ignore=ignore)


def test_main_catalogue_covers_every_string_in_the_sources(tmp_path: Path) -> None:
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        if os.environ.get("COPRODUCE_REQUIRE_BROWSER") != "1":
            pytest.skip(
                "GNU gettext (xgettext, msgmerge) is not installed, so the sources "
                "cannot be re-extracted here; CI installs gettext and runs this test."
            )
        pytest.fail("COPRODUCE_REQUIRE_BROWSER=1 but GNU gettext is not installed.")

    copy = tmp_path / "coproduce"
    _copy_sources(copy)
    # No DJANGO_SETTINGS_MODULE: makemessages then only knows the copy's own
    # locale dir, so the committed catalogue can never be written to.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own interpreter
        [sys.executable, "-m", "django", *MAKEMESSAGES_ARGS],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr

    extracted = polib.pofile(str(copy / "locale" / "cy" / "LC_MESSAGES" / "django.po"))
    committed = polib.pofile(str(MAIN_PO))
    have = {(entry.msgctxt, entry.msgid) for entry in committed if not entry.obsolete}
    missing = [
        entry_label(entry)
        for entry in extracted
        if not entry.obsolete and (entry.msgctxt, entry.msgid) not in have
    ]
    assert not missing, (
        f"{len(missing)} string(s) in the sources are missing from {MAIN_PO}; "
        "run `make messages` and translate:\n" + "\n".join(missing)
    )


class TestWelshIsUsed:
    @pytest.mark.parametrize(
        ("english", "welsh"),
        [
            ("Skip to main content", "Neidio i’r prif gynnwys"),
            ("Accessibility statement", "Datganiad hygyrchedd"),
            ("Privacy notice", "Hysbysiad preifatrwydd"),
            # django-allauth, from locale_thirdparty
            ("Forgot your password?", "Wedi anghofio eich cyfrinair?"),
            # Django's own Welsh lacks this; locale_thirdparty supplies it
            ("This password is too common.", "Mae’r cyfrinair hwn yn rhy gyffredin."),
            # Django's own Welsh has this, but locale_thirdparty comes first
            ("Enter a valid email address.", "Rhowch gyfeiriad e-bost dilys."),
        ],
    )
    def test_gettext_in_welsh(self, english: str, welsh: str) -> None:
        with translation.override("cy"):
            assert translation.gettext(english) == welsh
        with translation.override("en"):
            assert translation.gettext(english) == english

    def test_plural_forms(self) -> None:
        singular = "There is %(unused_count)s out of %(total_count)s recovery codes"
        plural = "There are %(unused_count)s out of %(total_count)s recovery codes"
        welsh = "Mae %(unused_count)s o %(total_count)s cod adfer ar gael."
        webauthn = "You have added %(count)s security key."
        with translation.override("cy"):
            # Every Welsh plural form (n = 1, 2, 3, 8) is filled in.
            for count in (1, 2, 3, 8):
                text = translation.ngettext(
                    f"{singular} available.", f"{plural} available.", count
                )
                assert text == welsh
            # Entries we deliberately left out (WebAuthn) fall back to English.
            assert translation.ngettext(webauthn, webauthn, 1) == webauthn

    def test_welsh_home_page(self, client: Client, db: None) -> None:
        response = client.get("/cy/")
        assert response.status_code == 200
        page = response.content.decode()
        assert 'lang="cy"' in page
        assert "Neidio i’r prif gynnwys" in page
        assert "Skip to main content" not in page

    def test_welsh_login_page(self, client: Client, db: None) -> None:
        response = client.get("/cy/accounts/login/")
        assert response.status_code == 200
        page = response.content.decode()
        assert 'lang="cy"' in page
        assert "Mewngofnodi" in page
        assert "Forgot your password?" not in page
