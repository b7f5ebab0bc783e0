"""The kit's own words in the learner's language: English or Chinese (KIT_LANG=en|zh).

    from kit.i18n import _
    print(_("Score {total}/100").format(total=87))

Messages are gettext catalogues, the ecosystem's convention: the English text is the message id,
and `kit/locale/zh/LC_MESSAGES/*.po` hold the Chinese, one file per part of the kit (kit, core, graders,
shop, ui, cli, classroom) so that translators of different parts never edit the same file. They are
merged and compiled with Babel in memory the first time a Chinese message is needed (a few
milliseconds), so a checkout always speaks its current catalogue and no build step can be forgotten.
The language comes from KIT_LANG, else the
locale (LANG, LC_ALL, LC_MESSAGES starting with "zh"), else English; `set_language("zh")` switches
it in a running notebook. What customers and agents said is never translated: only the kit's words.
An error a tool's model may read is raised with `said()`: the learner reads it in their language, the
model reads its English copy (the conversation does not change with the learner's language).
"""

from __future__ import annotations

import functools
import gettext
import io
import os
from pathlib import Path
from typing import Any, TypeVar

from kit.errors import ConfigError

LANGUAGES = ("en", "zh")
LOCALE = Path(__file__).with_name("locale")
_chosen: str | None = None


def language() -> str:
    """The language the kit speaks now: set_language(), else KIT_LANG, else the locale, else English."""
    if _chosen is not None:
        return _chosen
    wanted = os.environ.get("KIT_LANG", "").strip().lower()
    if wanted:
        if wanted not in LANGUAGES:
            raise ConfigError(f"KIT_LANG={wanted!r}: the kit speaks {' and '.join(LANGUAGES)}; write KIT_LANG=zh for "
                              "Chinese or KIT_LANG=en for English.")
        return wanted
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if value := os.environ.get(name):
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def set_language(code: str) -> None:
    """Switch the kit's language for this process ("zh" or "en"), e.g. in the first cell of a notebook."""
    global _chosen
    if code not in LANGUAGES:
        raise ConfigError(f"set_language({code!r}): the kit speaks {' and '.join(LANGUAGES)}.")
    _chosen = code
    if code == "zh":
        from kit.plots import use_chinese_font

        use_chinese_font()  # the learner's own pictures get Chinese labels too


def catalogue_files(code: str) -> list[Path]:
    """The .po files of one language, in the order they are merged."""
    return sorted((LOCALE / code / "LC_MESSAGES").glob("*.po"))


@functools.cache
def translations(code: str) -> gettext.NullTranslations:
    """The compiled catalogue of one language (English is the message ids themselves)."""
    if code == "en":
        return gettext.NullTranslations()
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalog = Catalog(locale=code)
    for path in catalogue_files(code):
        with path.open("rb") as source:
            for message in read_po(source, locale=code):
                if message.id:
                    catalog[message.id] = message
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _(message: str) -> str:
    """The message in the learner's language (the English message when it has no translation)."""
    return translations(language()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural message for `count`, in the learner's language."""
    return translations(language()).ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks a message for translation where it is defined (a grader's title) and returns it unchanged;
    `_()` translates it where it is shown."""
    return message


E = TypeVar("E", bound=BaseException)


def said(kind: type[E], message: str, **values: Any) -> E:
    """An error for a learner and for a model: its message in the learner's language, its `english` in English.

    `message` is an English message marked with N_(); a value may be a function of a language code ("en",
    "zh") for a part that is itself in words (a product's name, another message). A learner who calls
    the shop's functions in a notebook reads the message in the kit's language; a model that called
    them as a tool reads the English (`Tool.run`): tool results are part of the conversation, and the
    conversation does not change with KIT_LANG.
    """
    def text(lang: str) -> str:
        filled = {key: value(lang) if callable(value) else value for key, value in values.items()}
        return translations(lang).gettext(message).format(**filled)

    error = kind(text(language()))
    error.english = text("en")  # type: ignore[attr-defined]
    return error


def english(error: BaseException) -> str:
    """What a model reads of an error: the English of a `said` error, else its first argument."""
    return getattr(error, "english", None) or str(error.args[0] if error.args else error)
