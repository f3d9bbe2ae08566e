"""Each language named in itself, for the language menu ('Español', '日本語').

A stand-in: the theme's translations (Babel) will name every language it knows.
"""

from __future__ import annotations

# Each language named in itself, for the language menu. (The i18n work names every language
# Babel knows; until then, these.)
NAMES = {"ar": "العربية", "de": "Deutsch", "en": "English", "es": "Español", "fa": "فارسی",
         "fr": "Français", "he": "עברית", "it": "Italiano", "ja": "日本語", "ko": "한국어",
         "nl": "Nederlands", "pl": "Polski", "pt": "Português", "ru": "Русский",
         "tr": "Türkçe", "uk": "Українська", "ur": "اردو", "zh": "中文"}


def language_name(code: str) -> str:
    """'Español' for 'es' (and 'es-MX'); the code itself for a language not named here."""
    return NAMES.get(code, NAMES.get(code.split("-")[0].lower(), code))
