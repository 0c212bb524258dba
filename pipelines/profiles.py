"""Mapping profiles: plain-text (TOML) descriptions of one payroll layout.

A profile says which header is which canonical column, how a column's values map to the
canonical vocabulary, and how a canonical column is derived when the file lacks it. It turns a
grid into raw text columns under canonical names; normalise.py parses them as it parses any
recognised column. The format, with a worked example, is in docs/extracts.md; the shipped
profiles are in pipelines/profiles/.

    name = "Heroma"
    sheet = "Anställda"             # optional: the workbook sheet with the table
    [columns]                       # canonical column = header in the file
    person_id = "Personid"
    [values.employment_form]        # value in the file = canonical value
    "Tillsvidareanställd" = "tillsvidare"
    [derive]                        # canonical column = how to make it
    employment_id = { row_number = true }   # or { concat = ["Personid", "Titel"], separator = "-" }
    is_manager = { from = "Befattning", pattern = "chef|manager|director" }
    ssyk_code = { from = "Befattning", patterns = { "socialsekr" = "2661" }, default = "" }
    contracted_rate = { from = "Veckoarbetstid", full_time = 40 }     # or full_time = "Heltid"
    hours_worked_month = { from = "Veckoarbetstid", weekly_to_monthly = true }   # x 52/12
    monthly_salary_fte = { from = "Årslön", divide = 12 }      # also multiply = ...
    pay_form = { filled = { monthly = "Månadslön", hourly = "Timlön" } }
    forvaltning = { constant = "Socialtjänst" }
    org_unit = { from = "Enhetskod", map = { "A1" = "Norr" } }   # also with default = ...
    [numbers]                       # how the file writes numbers (else decided per column)
    decimal = ","
    thousands = " "
    hourly_wage = { decimal = "." }  # one column written otherwise
    [dates]                         # how the file writes dates (else decided per column)
    format = "%m/%d/%Y"
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import tomli_w

import settings
from pipelines import schema, visible

FOLDER = Path(__file__).resolve().parent / "profiles"
_DERIVATIONS = ("pattern", "patterns", "map", "multiply", "divide", "full_time",
                "weekly_to_monthly", "filled", "constant", "row_number", "concat")
_WITHOUT_FROM = ("filled", "constant", "row_number", "concat")
_OPTIONS = {"default": ("map", "patterns"), "separator": ("concat",)}
"""Keys that refine a derivation, and the derivations they go with."""
WEEKS_PER_MONTH = 52 / 12
"""weekly_to_monthly: weekly hours times 52 weeks over 12 months (4.33...)."""
NUMBER_KEYS = {"decimal": (",", "."), "thousands": ("", " ", ".", ",", "'"), "currency": None}
"""[numbers]: the decimal separator, the thousands separator ('' none, ' ' space: spaces
between digit groups are always allowed) and the currency symbols a value may carry."""
DATE_DIRECTIVES = ("%d", "%m", "%Y")


class ProfileError(ValueError):
    """A profile that cannot be used; the message is Swedish and names the profile."""


@dataclass(frozen=True)
class Profile:
    name: str
    description: str = ""
    extract: str = "employment"
    """The canonical table the layout fills (schema.EXTRACTS)."""
    sheet: str | None = None
    """The workbook sheet that holds the table; None: the sheet that reads best. (A text file
    has one table: the same profile reads the layout's CSV export too.)"""
    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    derive: dict[str, dict] = field(default_factory=dict)
    numbers: dict = field(default_factory=dict)
    """[numbers]: NUMBER_KEYS for the whole file, and canonical column -> its own keys."""
    dates: dict = field(default_factory=dict)
    """[dates]: format = a strftime pattern for the whole file, and canonical column ->
    { format = ... }."""
    source: Path | None = None

    def headers(self) -> set[str]:
        """Every header of the file the profile reads."""
        used = set(self.columns.values())
        for spec in self.derive.values():
            if "from" in spec:
                used.add(spec["from"])
            used.update(spec.get("filled", {}).values())
            used.update(spec.get("concat", []))
            if isinstance(spec.get("full_time"), str):
                used.add(spec["full_time"])
        return used

    def number_format(self, column: str) -> dict:
        """The number keys declared for a canonical column: its own over the file's."""
        return _merged(self.numbers, column, NUMBER_KEYS)

    def date_format(self, column: str) -> str | None:
        """The date format declared for a canonical column: its own, else the file's."""
        return _merged(self.dates, column, ("format",)).get("format")


def _merged(section: dict, column: str, keys) -> dict:
    own = section.get(column, {})
    return {k: own.get(k, section.get(k)) for k in keys if k in own or k in section}


def parse(text: str, name: str, source: Path | None = None) -> Profile:
    """The profile a TOML text describes; ProfileError says what is wrong."""
    return _profile(settings.read_toml(text, f"Profilen {name}", ProfileError), name, source)


def _profile(data: dict, name: str, source: Path | None) -> Profile:
    label = visible.text(str(data.get("name", name)))  # shown wherever the profile is named
    for key, kind in (("name", str), ("description", str), ("extract", str),
                      ("columns", dict), ("values", dict), ("derive", dict), ("numbers", dict),
                      ("dates", dict)):
        if key in data and not isinstance(data[key], kind):
            raise ProfileError(f"Profilen {label}: {key} har fel form "
                               f"({'text inom citattecken' if kind is str else 'en tabell'}).")
    if not all(isinstance(h, str) for h in data.get("columns", {}).values()):
        raise ProfileError(f"Profilen {label}: [columns] ska ge en rubrik inom citattecken.")
    for section in ("values", "derive"):
        if not all(isinstance(v, dict) for v in data.get(section, {}).values()):
            raise ProfileError(f"Profilen {label}: varje post under [{section}] ska vara en "
                               "tabell.")
    profile = Profile(
        name=label, description=visible.text(data.get("description", "")),
        extract=data.get("extract", "employment"), sheet=data.get("sheet"),
        columns=dict(data.get("columns", {})),
        values={k: {str(a): str(b) for a, b in v.items()}
                for k, v in data.get("values", {}).items()},
        derive=dict(data.get("derive", {})), numbers=dict(data.get("numbers", {})),
        dates=dict(data.get("dates", {})), source=source,
    )
    _check(profile)
    return profile


def _check(profile: Profile) -> None:
    extracts = {e.table: e for e in schema.EXTRACTS}
    if profile.extract not in extracts:
        raise ProfileError(f"Profilen {profile.name}: okänd uttagstyp '{profile.extract}' "
                           f"(möjliga: {', '.join(extracts)}).")
    if profile.sheet is not None and not isinstance(profile.sheet, str):
        raise ProfileError(f"Profilen {profile.name}: sheet ska vara ett bladnamn inom "
                           "citattecken.")
    kinds = {c.name: c.kind for c in extracts[profile.extract].columns}
    for section in ("columns", "values", "derive"):
        unknown = set(getattr(profile, section)) - kinds.keys()
        if unknown:
            raise ProfileError(
                f"Profilen {profile.name}: okänd kolumn {', '.join(sorted(unknown))} under "
                f"[{section}]. Kända: {', '.join(sorted(kinds))}.")
    for column, spec in profile.derive.items():
        _check_derivation(f"Profilen {profile.name}: [derive] {column}", spec)
    _check_formats(profile, "numbers", NUMBER_KEYS, (schema.NUMBER, schema.RATE), kinds)
    _check_formats(profile, "dates", ("format",), (schema.DATE, schema.SNAPSHOT), kinds)


def _check_derivation(where: str, spec: dict) -> None:
    """One [derive] entry: exactly one derivation, with the keys it needs, of the right form."""
    kinds = [k for k in _DERIVATIONS if k in spec]
    if len(kinds) != 1:
        raise ProfileError(f"{where} ska ha precis ett av {', '.join(_DERIVATIONS)}.")
    kind = kinds[0]
    if kind not in _WITHOUT_FROM and not isinstance(spec.get("from"), str):
        raise ProfileError(f"{where} saknar from = \"rubrik\" (kolumnen att härleda ur).")
    if kind in _WITHOUT_FROM and "from" in spec:
        raise ProfileError(f"{where}: {kind} läser inte from; ta bort from.")
    for option, owners in _OPTIONS.items():
        if option in spec and kind not in owners:
            raise ProfileError(f"{where}: {option} hör bara till {' och '.join(owners)}.")
        if option in spec and not isinstance(spec[option], str):
            raise ProfileError(f"{where}: {option} ska vara text inom citattecken.")
    extra = set(spec) - {"from", *_DERIVATIONS, *_OPTIONS}
    if extra:
        raise ProfileError(f"{where} har okänd nyckel {', '.join(sorted(extra))}.")
    test, problem = _FORMS.get(kind, (lambda _: True, ""))
    if not test(spec[kind]):
        raise ProfileError(f"{where}: {kind} {problem}.")
    if kind in ("pattern", "patterns"):
        for pattern in [spec[kind]] if kind == "pattern" else list(spec[kind]):
            try:
                pl.Series([""]).str.contains(pattern)
            except pl.exceptions.PolarsError:
                raise ProfileError(f"{where}: '{pattern}' är inget giltigt mönster (reguljärt "
                                   "uttryck).") from None


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _headers(value, least: int) -> bool:
    return isinstance(value, list) and len(value) >= least and all(
        isinstance(h, str) for h in value)


_NOT_ZERO = (lambda v: _number(v) and v != 0, "ska vara ett tal (skilt från 0)")
_TRUE = (lambda v: v is True, "ska vara true")
_FORMS = {
    "multiply": _NOT_ZERO,
    "divide": _NOT_ZERO,
    "full_time": (lambda v: isinstance(v, str) and v.strip() != "" or _number(v) and v > 0,
                  "ska vara heltidens veckotimmar (ett tal över 0, t.ex. 40) eller rubriken på "
                  "kolumnen som anger dem, inom citattecken"),
    "weekly_to_monthly": _TRUE,
    "row_number": _TRUE,
    "concat": (lambda v: _headers(v, 2), "ska vara en lista med minst två rubriker inom "
                                         'citattecken, t.ex. ["Personid", "Befattning"]'),
    "pattern": (lambda v: isinstance(v, str), "ska vara ett mönster inom citattecken"),
    "patterns": (lambda v: isinstance(v, dict) and bool(v) and all(
        isinstance(x, str) for x in v.values()),
        'ska vara en tabell: mönster = värde, t.ex. { "chef" = "Ja" }'),
    "map": (lambda v: isinstance(v, dict), 'ska vara en tabell: värde = värde'),
    "filled": (lambda v: isinstance(v, dict) and _headers(list(v.values()), 1),
               'ska vara en tabell: värde = rubrik'),
}
"""Derivation -> (whether its value has the right form, what the form is)."""


def _check_formats(profile: Profile, section: str, keys, kinds_for: tuple[str, ...],
                   kinds: dict[str, str]) -> None:
    """[numbers] or [dates]: the file-wide keys, and columns of the right kind with their own."""
    table = getattr(profile, section)
    where = f"Profilen {profile.name}: [{section}]"
    columns = [c for c, k in kinds.items() if k in kinds_for]
    for key, value in table.items():
        if key in keys:
            continue
        if key not in columns:
            raise ProfileError(f"{where}: okänd nyckel {key}. Möjliga: {', '.join(keys)}, "
                               f"eller en kolumn: {', '.join(sorted(columns))}.")
        if not isinstance(value, dict) or set(value) - set(keys):
            raise ProfileError(f"{where} {key} ska vara en tabell med {', '.join(keys)}, "
                               f"t.ex. {key} = {{ {_EXAMPLES[section]} }}.")
    for column in ("", *(c for c in table if c in columns)):
        merged = _merged(table, column, keys)
        label = f"{where}{' ' + column if column else ''}"
        problem = (_number_problem(merged) if section == "numbers"
                   else _date_problem(merged.get("format")))
        if problem:
            raise ProfileError(f"{label}: {problem}.")


_EXAMPLES = {"numbers": 'decimal = ","', "dates": 'format = "%Y-%m-%d"'}


def _number_problem(keys: dict) -> str | None:
    decimal, thousands = keys.get("decimal"), keys.get("thousands", "")
    if "decimal" in keys and decimal not in NUMBER_KEYS["decimal"]:
        return 'decimal ska vara "," eller "."'
    if thousands not in NUMBER_KEYS["thousands"]:
        return 'thousands ska vara "" (ingen), " " (mellanslag), ".", "," eller "\'"'
    if thousands and decimal is None:
        return "thousands kräver decimal (vilket tecken som skiljer decimalerna)"
    if thousands == decimal:
        return "decimal och thousands kan inte vara samma tecken"
    currency = keys.get("currency", [])
    if not isinstance(currency, list) or not all(
            isinstance(c, str) and c.strip() and not any(ch.isdigit() for ch in c)
            for c in currency):
        return 'currency ska vara en lista med valutatecken, t.ex. ["$", "USD"]'
    return None


def _date_problem(fmt) -> str | None:
    if fmt is None:
        return None
    if not isinstance(fmt, str):
        return 'format ska vara text inom citattecken, t.ex. "%m/%d/%Y"'
    directives = re.findall(r"%.", fmt)
    if sorted(directives) != sorted(DATE_DIRECTIVES):
        return (f"format '{fmt}' ska innehålla %d (dag), %m (månad) och %Y (år med fyra "
                "siffror) en gång var och inga andra %-koder, t.ex. \"%m/%d/%Y\"")
    return None


def _folders() -> list[Path]:
    """The shipped profiles, then the ones saved from the mapping form (settings.profiles_dir)."""
    return [FOLDER, settings.get().profiles_dir]


def load(name_or_path: str | Path) -> Profile:
    """A profile by name (e.g. 'heroma', shipped or saved) or a profile file by path."""
    path = Path(name_or_path)
    if not path.suffix:
        stem = slug(str(name_or_path))
        path = next((f / f"{stem}.toml" for f in _folders() if (f / f"{stem}.toml").is_file()),
                    FOLDER / f"{stem}.toml")
    if not path.is_file():
        shipped_names = ", ".join(p.stem for p in _files())
        raise ProfileError(f"Hittar ingen profil '{name_or_path}'. Inbyggda: {shipped_names}.")
    try:
        data = settings.read_toml(path, f"Profilen {path.stem}", ProfileError)
    except FileNotFoundError:  # removed since it was listed
        raise ProfileError(f"Profilen {path.stem} finns inte längre.") from None
    return _profile(data, path.stem, path)


def _files() -> list[Path]:
    return [path for folder in _folders() for path in sorted(folder.glob("*.toml"))]


def slug(name: str) -> str:
    """A file name for a profile name: 'Heroma Norr' -> 'heroma_norr'."""
    plain = unicodedata.normalize("NFKD", name.strip().lower())
    folded = "".join(ch if ch.isascii() and ch.isalnum() else "_" for ch in plain
                     if not unicodedata.combining(ch))
    return "_".join(part for part in folded.split("_") if part) or "profil"


def save(profile: Profile) -> Path:
    """Write a profile made in the mapping form to settings.profiles_dir; returns its path.
    The text is read back before it is written, and the file is replaced in one step, so a
    saved profile is always one that loads."""
    folder = settings.get().profiles_dir
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug(profile.name)}.toml"
    text = dumps(profile)
    parse(text, path.stem)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


@dataclass(frozen=True)
class BrokenProfile:
    """A profile file that cannot be used: it is skipped, and the analyst is told."""

    path: Path
    message: str
    """Swedish, one line, names the profile."""


def scan() -> tuple[list[Profile], list[BrokenProfile]]:
    """Every profile file (shipped, then saved): the ones that load, and the broken ones."""
    loaded, broken = [], []
    for path in _files():
        try:
            loaded.append(load(path))
        except ProfileError as exc:
            broken.append(BrokenProfile(path, " ".join(visible.text(str(exc)).split())))
    return loaded, broken


def available() -> list[Profile]:
    """The profiles that load; broken files are skipped (see broken())."""
    return scan()[0]


def broken() -> list[BrokenProfile]:
    return scan()[1]


def saved() -> list[Path]:
    """The profile files saved from the mapping form (settings.profiles_dir), by name."""
    return sorted(settings.get().profiles_dir.glob("*.toml"))


def delete(path: Path) -> None:
    """Remove a saved profile file (only one in settings.profiles_dir)."""
    folder = settings.get().profiles_dir.resolve()
    if path.resolve().parent != folder or path.suffix != ".toml":
        raise ProfileError(f"{path.name} är ingen sparad profil.")
    path.unlink(missing_ok=True)


def dumps(profile: Profile) -> str:
    """The profile as TOML text (tomli_w quotes and escapes any header)."""
    data: dict = {"name": profile.name}
    if profile.description:
        data["description"] = profile.description
    data["extract"] = profile.extract
    if profile.sheet is not None:
        data["sheet"] = profile.sheet
    data["columns"] = dict(profile.columns)
    if profile.values:
        data["values"] = {k: dict(v) for k, v in profile.values.items()}
    if profile.derive:
        data["derive"] = {k: dict(v) for k, v in profile.derive.items()}
    for section in ("numbers", "dates"):
        if getattr(profile, section):
            data[section] = dict(getattr(profile, section))
    return tomli_w.dumps(data)



def update(profile: Profile, previous: Path | None = None) -> Path:
    """Write an edited profile to settings.profiles_dir (as save() does) and remove the saved
    file it was read from (`previous`) when its new name gives it another file; returns the
    path. `previous` None: a new profile (e.g. a copy of a shipped one). A blank name, or a
    name that another profile (shipped or saved) has or whose file another one is saved in,
    is refused: no file is overwritten, and a name says which profile read a file."""
    from dataclasses import replace

    name = profile.name.strip()
    if not name:
        raise ProfileError("Profilen behöver ett namn.")
    folder = settings.get().profiles_dir.resolve()
    kept = previous.resolve() if previous is not None else None
    if kept is not None and (kept.parent != folder or kept.suffix != ".toml"):
        raise ProfileError(f"{previous.name} är ingen sparad profil.")
    for other in available():
        if other.source.resolve() != kept and other.name.strip().casefold() == name.casefold():
            raise ProfileError(f"Det finns redan en profil som heter {other.name}. Välj ett "
                               "annat namn.")
    target = folder / f"{slug(name)}.toml"
    if target.exists() and target != kept:
        raise ProfileError(f"Namnet {name} ger filnamnet {target.name}, som en annan sparad "
                           "profil redan har. Välj ett annat namn.")
    path = save(replace(profile, name=name, source=None))
    if kept is not None and path.resolve() != kept:
        kept.unlink(missing_ok=True)
    return path


def rename(path: Path, name: str) -> Path:
    """Give a saved profile a new name, and the file that goes with it (slug)."""
    from dataclasses import replace

    return update(replace(load(path), name=name), path)
