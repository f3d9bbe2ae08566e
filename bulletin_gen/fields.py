"""Typed reading of YAML mappings, shared by the settings and the content model.

A `FieldReader` wraps one mapping from one file. Each accessor returns a clean Python value and
records a `Problem` (with the key's line) when the value has the wrong shape, so a stage can read
every field, then report everything at once. `finish()` warns about keys nobody asked for.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import Counter
from typing import Any

from .errors import Location, Problems, did_you_mean
from .i18n import language_mistake
from .yamlio import NO_EXTRA, Extra, Mapping

MISSING_FIELD = "missing required field"


def _plain(value: Any) -> Any:
    """A YAML value as plain Python values: mappings as dicts, their keys as text."""
    if isinstance(value, dict):
        return {str(key): _plain(each) for key, each in value.items()}
    if isinstance(value, list):
        return [_plain(each) for each in value]
    return value


class FieldReader:
    """Reads the fields of one mapping, collecting problems against `path`."""

    def __init__(self, data: Any, path: str, problems: Problems, what: str = "",
                 prefix: str = "") -> None:
        self.path = path
        self.problems = problems
        self.what = what  # 'brief 2': said after a message ("... in brief 2")
        self.prefix = prefix  # 'contact.': put before the keys of a nested mapping
        self.seen: set[str] = set()
        # Something else than fields is one mistake: its fields are not also said missing.
        self.not_fields = not isinstance(data, Mapping) and data is not None
        if isinstance(data, Mapping):
            self.data: Mapping = data
        elif data is None:
            self.data = Mapping()
        else:
            self.data = Mapping()
            problems.add(Location(path, 1), f"expected a mapping of fields{self._in()}, "
                         f"got {describe(data)}", "write one 'key: value' per line")

    def _in(self) -> str:
        return f" in {self.what}" if self.what and not self.prefix else ""

    def label(self, key: str) -> str:
        """The key as messages name it: 'email', or 'contact.email' inside `contact:`."""
        return self.prefix + key

    def at(self, key: str) -> Location:
        return Location(self.path, self.data.line_of(key))

    def error(self, key: str, message: str, hint: str = "") -> None:
        self.problems.add(self.at(key), message, hint)

    def _missing(self, key: str, example: str) -> None:
        if self.not_fields:
            return
        self.problems.add(Location(self.path, self.data.start_line or 1),
                          f"{MISSING_FIELD} '{self.label(key)}'{self._in()}",
                          f"add '{key}: {example}'")

    def raw(self, key: str) -> Any:
        self.seen.add(key)
        return self.data.get(key)

    def text(self, key: str, default: str = "", required: bool = False) -> str:
        value = self.raw(key)
        if value is None or value == "":
            if required:
                self._missing(key, "...")
            return default
        if isinstance(value, bool | dict | list):
            self.error(key, f"{self.label(key)}: expected text, got {describe(value)}",
                       _quote_hint(value))
            return default
        return str(value).strip()

    def line(self, key: str, default: str = "", required: bool = False) -> str:
        """Text of one line: a title, a language, an address, which mail headers carry."""
        value = self.text(key, default, required)
        if len(value.splitlines()) > 1:
            self.error(key, f"{self.label(key)}: a line break in {value!r}",
                       "write it on one line ('|', '>-' or \\n in quotes make line breaks)")
            return " ".join(value.split())
        return value

    def language(self, key: str, default: str = "") -> str:
        """A language code (`language:`, `lang:`), which becomes lang="..." and picks words
        and date formats; `default`, with an error saying what to write, for one that is none.
        Left out, `lang:` is no language (''); `language:` is `default`."""
        code = self.line(key, default)
        mistake = language_mistake(code) if code or default else None
        if mistake:
            self.error(key, f"{key}: {mistake[0]}", mistake[1])
            return default
        return code

    def integer(self, key: str, default: int | None = None) -> int | None:
        value = self.raw(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(key, f"{self.label(key)}: expected a whole number, got {describe(value)}")
            return default
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.raw(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(key, f"{self.label(key)}: expected true or false, got {describe(value)}")
            return default
        return value

    def date(self, key: str, default: dt.date | None = None, required: bool = False) -> dt.date:
        value = self.raw(key)
        fallback = default or dt.date(1970, 1, 1)
        if value is None:
            if required:
                self._missing(key, "YYYY-MM-DD")
            return fallback
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
            impossible = impossible_date(value.strip())
            if impossible:
                self.error(key, f"{self.label(key)}: {value.strip()} is not a real date: "
                           f"{impossible}")
                return fallback
        self.error(key, f"{self.label(key)}: expected a date YYYY-MM-DD, got {describe(value)}")
        return fallback

    def choice(self, key: str, options: tuple[str, ...], default: str) -> str:
        value = self.text(key, default)
        if value not in options:
            hint = did_you_mean(value, options) or "one of: " + ", ".join(options)
            self.error(key, f"{self.label(key)}: unknown value '{value}'", hint)
            return default
        return value

    def names(self, key: str) -> tuple[str, ...]:
        """A name or a list of names (authors, tags, regions, roles)."""
        value = self.raw(key)
        if value is None:
            return ()
        if isinstance(value, str) and "," in value:  # YAML reads `tags: a, b` as one name
            parts = ", ".join(part.strip() for part in value.split(",") if part.strip())
            self.problems.warn(self.at(key), f"{self.label(key)}: '{value.strip()}' is one "
                               "name", f"for several, write a list: [{parts}]; for one name "
                               f"with a comma in it, a list of one: [\"{value.strip()}\"]")
        for joined in self.data.joined_entries(key):
            self._warn_joined(key, joined)
        items = value if isinstance(value, list) else [value]
        names: list[str] = []
        for item in items:
            if isinstance(item, str | int | float) and not isinstance(item, bool):
                if str(item).strip():
                    names.append(str(item).strip())
                elif isinstance(value, list):
                    self.problems.warn(self.at(key), f"{self.label(key)}: an empty name in "
                                       "the list, left out", "write the name, or remove "
                                       "the entry")
            elif item is None and isinstance(value, list):  # a '-' with nothing after it
                self.error(key, f"{self.label(key)}: an entry without a name",
                           "write the name after the '-', or remove the line")
            else:
                where = (Location(self.path, item.start_line)
                         if isinstance(item, Mapping) and item.start_line else self.at(key))
                people = isinstance(item, dict) and key in _PEOPLE
                self.problems.add(where, f"{self.label(key)}: expected a name or a list of "
                                  f"names, got {describe(item)}",
                                  _NAME_HINT if people else _quote_hint(item))
        for name in (name for name, count in Counter(names).items() if count > 1):
            self.problems.warn(self.at(key), f"{self.label(key)}: '{name}' is given twice",
                               "give each name once")
        return tuple(dict.fromkeys(names))

    def _warn_joined(self, key: str, joined: str) -> None:
        """A name YAML joined from an entry and the '- ' line under it, indented too far
        (`Mapping.joined_entries`): a warning at the field, which names the entries meant."""
        parts = [part.strip() for part in joined.split(" - ") if part.strip()]
        if len(parts) < 2:  # '- ' only began a line of the text: no ' - ' joins two names
            return
        self.problems.warn(self.at(key), f"{self.label(key)}: '{joined}' is one name: "
                           f"'- {parts[1]}' looks like a list entry indented too far",
                           f"for a list, line up each '- ' with the first entry's: "
                           f"[{', '.join(parts)}]; for one name, write it on one line")

    def role_names(self, plural: str, singular: str) -> tuple[str, ...]:
        """`names(plural)`, or `names(singular)`: an editor who read 'Presenter:' on a page
        writes `presenter:`; both given is an error, since one of them would be lost."""
        if singular not in self.data:
            return self.names(plural)
        if plural in self.data:
            self.error(singular, f"both '{self.label(singular)}' and '{self.label(plural)}' "
                                 "are given", f"put every name under '{plural}:'")
            self.seen.add(singular)
            return self.names(plural)
        return self.names(singular)

    def extra(self, key: str = "extra") -> Extra:
        """`extra:`, a mapping of the site's own values for its templates (`Extra`)."""
        value = self.raw(key)
        if value is None:
            return NO_EXTRA
        if not isinstance(value, dict):
            self.error(key, f"{self.label(key)}: expected a mapping (key: value lines) of values "
                            f"for your templates, got {describe(value)}",
                       "write one 'name: value' per line under it, indented")
            return NO_EXTRA
        return Extra(_plain(value))

    def mapping(self, key: str) -> FieldReader:
        """A nested mapping, read with the same problem list."""
        value = self.raw(key)
        reader = FieldReader(None, self.path, self.problems, what=self.label(key),
                             prefix=self.label(key) + ".")
        if value is None:
            reader.data = Mapping(start_line=self.data.line_of(key))
        elif isinstance(value, Mapping):
            reader.data = value
        else:
            self.error(key, f"{self.label(key)}: expected a mapping (key: value lines), "
                            f"got {describe(value)}")
            reader.data = Mapping(start_line=self.data.line_of(key))
        return reader

    def finish(self, extra_known: tuple[str, ...] = (),
               elsewhere: dict[str, str] | None = None) -> None:
        """Warn about every key that was never read: most are typos. `elsewhere` gives the hint
        for a field that belongs to another file ('status' is an issue's, not an item's)."""
        known = self.seen | set(extra_known)
        # A field the mapping gives already is not the one meant: 'languagse' beside
        # 'language' is 'languages'.
        unwritten = sorted(known - set(self.data))
        for key in self.data:
            if key not in known:
                self.problems.warn(self.at(key), f"unknown field '{self.label(key)}'{self._in()}",
                                   (elsewhere or {}).get(key) or did_you_mean(key, unwritten)
                                   or did_you_mean(key, sorted(known)))


# The fields of people's names, and what to write for a person given as a mapping
# ({name: ..., organisation: ...}).
_PEOPLE = frozenset(("authors", "author", "presenters", "presenter", "facilitators",
                     "facilitator", "secretaries", "secretary", "participants", "participant"))
_NAME_HINT = ("write the name as text; what says who they are goes after it: "
              "'Hélène Duchâteau (Centre for Mediation, trainer)'")


def _quote_hint(value: Any) -> str:
    # YAML reads a bare yes, no, on or off (Norway's code NO, say) as true or false.
    if isinstance(value, bool):
        return 'YAML reads yes/no/on/off as true/false; put the text in quotes, e.g. "No"'
    return ""


_DATE_SHAPE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # not the locale's: messages are English


def impossible_date(text: str) -> str:
    """Why a text shaped YYYY-MM-DD names no day ('September has 30 days'); '' when it is
    not of that shape. An editor who wrote 2006-09-31 did write a date, just not a real one."""
    match = _DATE_SHAPE.fullmatch(text)
    if not match:
        return ""
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    name = _MONTHS[month - 1]
    days = calendar.monthrange(year, month)[1]
    if day == 0 or day > days:
        in_year = f" in {year}" if month == 2 else ""
        return f"{name} has {days} days{in_year}"
    return ""


def describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    return repr(value) if isinstance(value, str) else f"'{value}'"
