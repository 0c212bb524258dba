"""Mapping profiles: plain-text (TOML) descriptions of one payroll layout.

A profile says which header is which canonical column, how a column's values map to the
canonical vocabulary, and how a canonical column is derived when the file lacks it. It turns a
grid into raw text columns under canonical names; normalise.py parses them as it parses any
recognised column. The format, with a worked example, is in README.md; the shipped profiles are
in pipelines/profiles/.

    name = "Heroma"
    sheet = "Anställda"             # optional: the workbook sheet with the table
    [columns]                       # canonical column = header in the file
    employment_id = "Anst.id"
    [values.employment_form]        # value in the file = canonical value
    "Tillsvidareanställd" = "tillsvidare"
    [derive]                        # canonical column = how to make it
    is_manager = { from = "Befattning", pattern = "chef|manager|director" }
    contracted_rate = { from = "FTE", multiply = 100 }
    monthly_salary_fte = { from = "Årslön", divide = 12 }
    pay_form = { filled = { monthly = "Månadslön", hourly = "Timlön" } }
    forvaltning = { constant = "Socialtjänst" }
    ssyk_code = { from = "Befattning", map = { "Socialsekreterare" = "2661" } }
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import tomli_w

import settings
from pipelines import schema

FOLDER = Path(__file__).resolve().parent / "profiles"
_DERIVATIONS = ("pattern", "map", "multiply", "divide", "filled", "constant")
_TOML_WHERE = re.compile(r"at line (\d+), column (\d+)")


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
    source: Path | None = None

    def headers(self) -> set[str]:
        """Every header of the file the profile reads."""
        used = set(self.columns.values())
        for spec in self.derive.values():
            if "from" in spec:
                used.add(spec["from"])
            used.update(spec.get("filled", {}).values())
        return used


def parse(text: str, name: str, source: Path | None = None) -> Profile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = _TOML_WHERE.search(str(exc))
        place = f" (rad {where[1]}, kolumn {where[2]})" if where else ""
        raise ProfileError(f"Profilen {name} är ingen giltig TOML-fil{place}.") from exc
    label = data.get("name", name)
    for key, kind in (("name", str), ("description", str), ("extract", str),
                      ("columns", dict), ("values", dict), ("derive", dict)):
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
        name=label, description=data.get("description", ""),
        extract=data.get("extract", "employment"), sheet=data.get("sheet"),
        columns=dict(data.get("columns", {})),
        values={k: {str(a): str(b) for a, b in v.items()}
                for k, v in data.get("values", {}).items()},
        derive=dict(data.get("derive", {})), source=source,
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
    known = {c.name for c in extracts[profile.extract].columns}
    for section in ("columns", "values", "derive"):
        unknown = set(getattr(profile, section)) - known
        if unknown:
            raise ProfileError(
                f"Profilen {profile.name}: okänd kolumn {', '.join(sorted(unknown))} under "
                f"[{section}]. Kända: {', '.join(sorted(known))}.")
    for column, spec in profile.derive.items():
        kinds = [k for k in _DERIVATIONS if k in spec]
        if len(kinds) != 1:
            raise ProfileError(f"Profilen {profile.name}: [derive] {column} ska ha precis ett av "
                               f"{', '.join(_DERIVATIONS)}.")
        if kinds[0] not in ("filled", "constant") and "from" not in spec:
            raise ProfileError(f"Profilen {profile.name}: [derive] {column} saknar from = ...")
        extra = set(spec) - {"from", *_DERIVATIONS}
        if extra:
            raise ProfileError(f"Profilen {profile.name}: [derive] {column} har okänd nyckel "
                               f"{', '.join(sorted(extra))}.")
        factor = spec[kinds[0]]
        if kinds[0] in ("multiply", "divide") and (
                isinstance(factor, bool) or not isinstance(factor, int | float) or factor == 0):
            raise ProfileError(f"Profilen {profile.name}: [derive] {column}: {kinds[0]} ska "
                               "vara ett tal (skilt från 0).")


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
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ProfileError(f"Profilen {path.stem} är inte sparad som UTF-8.") from exc
    except OSError as exc:
        raise ProfileError(f"Profilen {path.stem} kan inte läsas ({exc.strerror}).") from exc
    return parse(text, path.stem, path)


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
            broken.append(BrokenProfile(path, " ".join(str(exc).split())))
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
