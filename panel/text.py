"""Rules for text people send us, shared by every form and by imports.

- A NUL character is never part of anything a person meant to write (no keyboard types it), and
  PostgreSQL refuses it in any text: it is taken out of everything a form receives.
- Names and titles (of organisations, projects, rounds, funds, criteria, people) lose the
  invisible characters that change how text around them is shown: bidirectional embeddings,
  overrides, isolates and marks, and zero-width spaces and joiners. In a list of names they can
  make one entry look like another or hide part of it. They are stripped, not refused: they
  cannot be seen, so a person told to remove them could not find them, and a name without them
  reads as the person typed it (in its true order).
"""

import re

NUL = "\x00"
# Bidirectional controls (U+061C, U+200E-U+200F, U+202A-U+202E, U+2066-U+2069) and zero-width
# characters (U+200B-U+200D, U+2060, U+FEFF).
INVISIBLE_IN_NAMES = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")


def without_nul(text: str) -> str:
    """The text with every NUL character taken out."""
    return text.replace(NUL, "")


def plain_name(text: str) -> str:
    """A name or title without bidirectional controls or zero-width characters."""
    return INVISIBLE_IN_NAMES.sub("", text)
