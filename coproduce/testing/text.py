"""Hostile text for tests: the strings real residents and councils will type.

Factories draw names and titles from `hostile_strings(max_length)` so every test
that renders a page also checks escaping, and every test that saves a row also
checks that Welsh letters, emoji, right-to-left scripts and markup survive intact.

Each string is at most `max_length` characters (Python code points, which is
what Django's `max_length` counts) and has no whitespace at either end: forms
and services strip surrounding whitespace on purpose, so invisible characters
sit *inside* the text, where stripping must leave them alone.
"""

from __future__ import annotations

# Circumflexes and grave/acute/diaeresis on w and y, and a soft hyphen.
WELSH = "Pen-y-bont ar Ogwr: ŵ ŷ ẁ ẃ ẅ ỳ ý â ê î ô û Ŵ Ŷ Ẁ, Llanfair\u00adpwll"
EMOJI = (
    # Skin-tone modifiers and zero-width-joiner (ZWJ) sequences: one glyph each.
    "Tîm \U0001f469\U0001f3fd\u200d\U0001f4bb gyda "
    "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466 a "
    "\U0001f3f3\ufe0f\u200d\U0001f308 \U0001f44d\U0001f3ff"
)
ARABIC = "مجلس المدينة والمنطقة"
HEBREW = "מועצת העיר והאזור"
MIXED_DIRECTION = (  # right-to-left and left-to-right marks around each run
    "Cyngor \u200fمجلس\u200f Council \u200eמועצה\u200e 2025"
)
SCRIPT = "<script>alert(1)</script>"
MARKUP = "\"Quotes\" & 'apostrophes' <b>bold</b> <img src=x onerror=alert(1)>"
SQL = "'; DROP TABLE users; --"
TEMPLATE_SYNTAX = "{{ x }} {% if %} %(name)s {0} ${x} %s"
# Zero-width space, no-break space, zero-width joiner, word joiner: all inside.
INVISIBLE = "Zero\u200bwidth\u00a0no-break\u200djoiner\u2060word"

_EXACT_PATTERN = "Ŵŷ<&'\""  # non-space at both ends, and every character escapable
_LONG_PATTERN = "Llanfairpwllgwyngyll Ŵŷ 👍🏽 "
LONG_LENGTH = 5000


def _exactly(max_length: int) -> str:
    repeats = max_length // len(_EXACT_PATTERN) + 1
    return (_EXACT_PATTERN * repeats)[:max_length]


def _long() -> str:
    repeats = LONG_LENGTH // len(_LONG_PATTERN) + 1
    return (_LONG_PATTERN * repeats)[:LONG_LENGTH]


def hostile_strings(max_length: int) -> list[str]:
    """Awkward but valid text for a field that holds at most `max_length` characters.

    Returns, in a fixed order and without duplicates: Welsh diacritics, emoji
    with skin tones and zero-width-joiner sequences, Arabic, Hebrew and mixed
    direction text, `<script>`, other markup and quotes, SQL-looking text,
    template syntax (`{{ x }}`, `{% if %}`, `%(name)s`), invisible spaces, a
    string of exactly `max_length` characters and a 5,000-character string cut
    to `max_length`. Longer samples are cut to `max_length`; samples that would
    be empty after cutting and stripping are left out.

    Raises ValueError if `max_length` is less than 1.
    """
    if max_length < 1:
        raise ValueError("max_length must be at least 1.")
    samples = [
        WELSH,
        EMOJI,
        ARABIC,
        HEBREW,
        MIXED_DIRECTION,
        SCRIPT,
        MARKUP,
        SQL,
        TEMPLATE_SYNTAX,
        INVISIBLE,
        _exactly(max_length),
        _long(),
    ]
    strings: list[str] = []
    for sample in samples:
        text = sample[:max_length].strip()
        if text and text not in strings:
            strings.append(text)
    return strings


def hostile_email_local_parts() -> list[str]:
    """Local parts (before the @) that are valid but break naive code.

    Every one passes Django's EmailValidator as a dot-atom, so a suffix such as
    ``.7`` can be appended to make addresses unique. Lower case only, because
    the User manager lowers addresses.
    """
    return [
        "o'brien",
        "first.last+tag",
        "{{x}}",
        "{%if%}",
        "a#b$c%d&e",
        "x=y?z^w",
        "`tick`~",
        "user/dept|team",
        "under_score-hyphen",
        "drop*table",
    ]
