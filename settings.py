"""Every path, threshold and secret location of Personalpanelen, declared once.

Each value can be overridden by an environment variable (named beside it). Values are read
when `get()` is called, so tests and the CLI can point the app at another store by setting the
environment before they call it.
"""

from __future__ import annotations

import functools
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

# The time zone every time is shown and exported in (the screen, the Excel export).
LOCAL_TIME = ZoneInfo("Europe/Stockholm")

ROOT = Path(__file__).resolve().parent


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    """Root of data/: raw/ holds the delivered files, curated/ the DuckDB store."""
    db_path: Path
    """The DuckDB store (PERSONALPANELEN_DB): the municipality's own data."""
    demo_db_path: Path
    """The demo municipality's store (PERSONALPANELEN_DEMO_DB), never mixed with real data."""
    secret_path: Path
    """Key for the personnummer pseudonyms (PERSONALPANELEN_SECRET_FILE). Never in the repo."""
    # The thresholds of the disclosure classes (metrics.definition.PROTECTIONS): a cell
    # resting on fewer persons is shown as '..'. Each may be made stricter, never looser
    # than LEGAL_MINIMUM.
    min_cell_count: int
    """Composition of public facts: headcount, gender, age, employment form, managers
    (PERSONALPANELEN_MIN_CELL); also the default of the three below."""
    min_n_personal: int
    """Personal circumstances: actual work time, leave, training, development talks
    (PERSONALPANELEN_MIN_N_PERSONAL)."""
    min_n_movement: int
    """Leavers (PERSONALPANELEN_MIN_N_MOVEMENT)."""
    min_n_pay: int
    """Mean salaries and pay comparisons (PERSONALPANELEN_MIN_N_PAY)."""
    min_n_percentiles: int
    """Salary medians and percentiles (PERSONALPANELEN_MIN_N_PERCENTILES)."""
    min_n_sick_leave: int
    """Sick leave, health data (PERSONALPANELEN_MIN_N_SICK_LEAVE): the law's "a group of at
    most ten employees" is never shown, so at least 11."""
    fte_hours_divisor: float
    """Hours in a full-time month, for hourly-paid årsarbetare (PERSONALPANELEN_FTE_HOURS)."""
    max_upload_mb: int
    """Largest accepted upload; mirrored in .streamlit/config.toml server.maxUploadSize."""
    retirement_age: int
    """Default age at which the forecast counts a retirement (PERSONALPANELEN_RETIREMENT_AGE)."""
    memory_limit: str
    """The most memory DuckDB may take for the store in the dashboard, e.g. "50%" of the
    machine or "8GB" (PERSONALPANELEN_MEMORY_LIMIT); beyond it, large queries spill to disk or
    fail rather than starve the server."""
    command_memory_limit: str
    """The same for a command-line process (PERSONALPANELEN_COMMAND_MEMORY_LIMIT, "1GB"): a
    scheduled load runs beside the dashboard on the same server. DuckDB keeps what a load
    writes in memory up to the limit and on disk beyond it, so a backfill of ten years takes
    about 2 GB in all instead of 4."""
    retention_days: int
    """Days the raw archive keeps a delivered file before a purge deletes it
    (PERSONALPANELEN_RETENTION_DAYS; 0 keeps files for ever)."""
    roles_file: Path
    """Who has which role when login is configured (PERSONALPANELEN_ROLES_FILE)."""
    store_wait_seconds: int
    """How long a process waits for the store while another holds it (the dashboard's page
    runs, a command-line load) before it gives up with a message
    (PERSONALPANELEN_STORE_WAIT_SECONDS)."""
    login_minutes: int
    """How long a login lasts (PERSONALPANELEN_LOGIN_MINUTES, from the id token's issue time):
    then the user logs in again, and the identity provider's groups are read afresh. The
    browser's login cookie itself is Streamlit's and lasts 30 days; this is shorter."""
    allow_anonymous_network: bool
    """Serve without login on an address other than this machine's own
    (PERSONALPANELEN_ALLOW_ANONYMOUS_NETWORK=1): everyone who reaches the server is then the
    local analyst. Off by default: without [auth] the dashboard refuses such an address."""
    reference_month: int
    """The month whose snapshot a yearly indicator counts (PERSONALPANELEN_REFERENCE_MONTH;
    November, as SKR's personnel statistics). Snapshots of other months feed the monthly
    series only."""
    municipality: str
    """The municipality's name, as the Excel export's cover sheet states it
    (PERSONALPANELEN_MUNICIPALITY). Empty: the export says "Exempelkommun (exempeldata)" when
    only the demo is loaded, else "Kommunen"."""
    kolada_municipality: str
    """The municipality's Kolada id, four digits as Kolada writes it ("0180")
    (PERSONALPANELEN_KOLADA_MUNICIPALITY). Empty: no Kolada value of our own is fetched."""
    kolada_group: tuple[str, ...]
    """The comparison group's Kolada municipality ids, comma-separated, e.g. the members of
    SKR's kommungrupp (PERSONALPANELEN_KOLADA_GROUP). Empty: every municipality whose Kolada
    values are loaded, except our own (metrics/kolada.py)."""
    women_dominated_share: float
    """The share of women (percent) from which a group of equal work is women-dominated in the
    pay survey (PERSONALPANELEN_WOMEN_DOMINATED_SHARE, 60: the Discrimination Act's
    "kvinnodominerat" as DO's guidance reads it)."""
    pay_gap_flag: float
    """The gap in mean pay (percent, either way) from which a category of workers is flagged in
    the pay report and a group difference in the pay survey (PERSONALPANELEN_PAY_GAP_FLAG, 5:
    the Pay Transparency Directive's joint pay assessment, Art. 10)."""

    @property
    def reference_month_name(self) -> str:
        """The reference month in Swedish ("november")."""
        return MONTH_NAMES[self.reference_month - 1]

    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw"

    @property
    def demo_dir(self) -> Path:
        return self.raw_dir / "demo"

    @property
    def inbox_dir(self) -> Path:
        """Where a scheduled export drops extracts for `python -m pipelines inbox`."""
        return self.data_dir / "inbox"

    @property
    def profiles_dir(self) -> Path:
        """Mapping profiles saved from the upload page (beside the shipped ones)."""
        return self.data_dir / "profiles"


class SettingsError(ValueError):
    """A setting the dashboard and the command line refuse, with a message for the operator."""


LEGAL_MINIMUM = {"MIN_N_SICK_LEAVE": 11}
"""The lowest threshold the law allows a setting: sick-leave figures are not given for a group
of at most ten employees (lag (2018:597) om kommunal bokföring och redovisning, before it
4 kap. 1 a § lag (1997:614) om kommunal redovisning). Others must be at least 1."""


def _threshold(name: str, default: str) -> int:
    """A disclosure threshold (PERSONALPANELEN_<name>), refused below its legal minimum."""
    text = _env(f"PERSONALPANELEN_{name}", default)
    try:
        value = int(text)
    except ValueError:
        raise SettingsError(f"PERSONALPANELEN_{name} ska vara ett heltal, inte {text!r}") \
            from None
    floor = LEGAL_MINIMUM.get(name, 1)
    if value < floor:
        reason = (" (lagen om kommunal bokföring och redovisning: sjukfrånvaro redovisas inte "
                  "för en grupp med högst tio anställda)" if name in LEGAL_MINIMUM else "")
        raise SettingsError(f"PERSONALPANELEN_{name} får inte vara lägre än {floor}, men är "
                            f"{value}{reason}")
    return value


def _minutes(name: str, default: str) -> int:
    """A number of minutes (PERSONALPANELEN_<name>), at least 1."""
    text = _env(f"PERSONALPANELEN_{name}", default)
    if not text.isdigit() or int(text) < 1:
        raise SettingsError(f"PERSONALPANELEN_{name} ska vara ett antal minuter (minst 1), "
                            f"inte {text!r}")
    return int(text)


def _flag(name: str) -> bool:
    """An on/off setting (PERSONALPANELEN_<name>): 1 on, 0 or unset off."""
    text = _env(f"PERSONALPANELEN_{name}", "0")
    if text not in ("0", "1"):
        raise SettingsError(f"PERSONALPANELEN_{name} ska vara 1 (på) eller 0 (av), "
                            f"inte {text!r}")
    return text == "1"


def _month(text: str) -> int:
    month = int(text)
    if not 1 <= month <= 12:
        raise SettingsError(f"PERSONALPANELEN_REFERENCE_MONTH ska vara 1-12, inte {text}")
    return month


MONTH_NAMES = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
               "september", "oktober", "november", "december")
"""Swedish month names, January first (for texts such as "novemberuttaget")."""


def get() -> Settings:
    """The settings from the environment (PERSONALPANELEN_*), read afresh whenever it changed:
    a page run asks about 200 times, so equal environments share one Settings. A new setting
    goes in _NAMES too."""
    return _settings(tuple(map(os.environ.get, _NAMES)))


_NAMES = ("HOME", *(f"PERSONALPANELEN_{name}" for name in (
    "DATA_DIR", "DB", "DEMO_DB", "SECRET_FILE", "MIN_CELL", "MIN_N_PERSONAL",
    "MIN_N_MOVEMENT", "MIN_N_PAY", "MIN_N_PERCENTILES", "MIN_N_SICK_LEAVE", "FTE_HOURS",
    "MAX_UPLOAD_MB", "RETIREMENT_AGE", "MEMORY_LIMIT", "COMMAND_MEMORY_LIMIT",
    "RETENTION_DAYS", "ROLES_FILE", "REFERENCE_MONTH", "MUNICIPALITY",
    "KOLADA_MUNICIPALITY", "KOLADA_GROUP", "LOGIN_MINUTES", "ALLOW_ANONYMOUS_NETWORK",
    "STORE_WAIT_SECONDS", "WOMEN_DOMINATED_SHARE", "PAY_GAP_FLAG")))
"""The environment variables the settings read (HOME for the key file's default)."""


@functools.lru_cache(maxsize=8)
def _settings(environment: tuple[str | None, ...]) -> Settings:
    """Settings for one environment (`environment`, the values of _NAMES, is only its key:
    _env reads them)."""
    data_dir = Path(_env("PERSONALPANELEN_DATA_DIR", str(ROOT / "data")))
    return Settings(
        data_dir=data_dir,
        db_path=Path(
            _env("PERSONALPANELEN_DB", str(data_dir / "curated" / "personalpanelen.duckdb"))
        ),
        demo_db_path=Path(
            _env("PERSONALPANELEN_DEMO_DB", str(data_dir / "curated" / "exempelkommun.duckdb"))
        ),
        secret_path=Path(
            _env(
                "PERSONALPANELEN_SECRET_FILE",
                str(Path.home() / ".config" / "personalpanelen" / "pseudonym.key"),
            )
        ),
        min_cell_count=_threshold("MIN_CELL", "5"),
        min_n_personal=_threshold("MIN_N_PERSONAL", _env("PERSONALPANELEN_MIN_CELL", "5")),
        min_n_movement=_threshold("MIN_N_MOVEMENT", _env("PERSONALPANELEN_MIN_CELL", "5")),
        min_n_pay=_threshold("MIN_N_PAY", _env("PERSONALPANELEN_MIN_CELL", "5")),
        min_n_percentiles=_threshold("MIN_N_PERCENTILES", "10"),
        min_n_sick_leave=_threshold("MIN_N_SICK_LEAVE", "11"),
        fte_hours_divisor=float(_env("PERSONALPANELEN_FTE_HOURS", "165")),
        max_upload_mb=int(_env("PERSONALPANELEN_MAX_UPLOAD_MB", "50")),
        retirement_age=int(_env("PERSONALPANELEN_RETIREMENT_AGE", "65")),
        memory_limit=_env("PERSONALPANELEN_MEMORY_LIMIT", "50%"),
        command_memory_limit=_env("PERSONALPANELEN_COMMAND_MEMORY_LIMIT", "1GB"),
        retention_days=int(_env("PERSONALPANELEN_RETENTION_DAYS", "90")),
        roles_file=Path(_env("PERSONALPANELEN_ROLES_FILE", str(data_dir / "roles.toml"))),
        store_wait_seconds=int(_env("PERSONALPANELEN_STORE_WAIT_SECONDS", "60")),
        login_minutes=_minutes("LOGIN_MINUTES", "60"),
        allow_anonymous_network=_flag("ALLOW_ANONYMOUS_NETWORK"),
        reference_month=_month(_env("PERSONALPANELEN_REFERENCE_MONTH", "11")),
        municipality=_env("PERSONALPANELEN_MUNICIPALITY", ""),
        kolada_municipality=_env("PERSONALPANELEN_KOLADA_MUNICIPALITY", ""),
        kolada_group=tuple(part.strip() for part in
                           _env("PERSONALPANELEN_KOLADA_GROUP", "").split(",") if part.strip()),
        women_dominated_share=float(_env("PERSONALPANELEN_WOMEN_DOMINATED_SHARE", "60")),
        pay_gap_flag=float(_env("PERSONALPANELEN_PAY_GAP_FLAG", "5")),
    )


MAX_TOML_BYTES = 1024 * 1024
"""The largest configuration file (profile, roles, rules) read: more is no hand-written file."""
MAX_TOML_DEPTH = 10
"""The deepest nesting of tables and lists a configuration file may have (a profile needs 4)."""


def read_toml(source: str | Path, name: str, error: type[Exception]) -> dict:
    """A configuration file an admin or analyst writes (TOML): `source` its text, or its path.
    Whatever the file holds, what goes wrong is an `error` whose Swedish message names the
    file (`name`): not TOML, not UTF-8, too large (MAX_TOML_BYTES, checked before it is read)
    or too deeply nested (MAX_TOML_DEPTH; the parser itself recurses on nested lists and
    inline tables). A missing file is the caller's to handle (FileNotFoundError)."""
    if isinstance(source, Path):
        try:
            if source.stat().st_size > MAX_TOML_BYTES:
                raise error(_too_large(name))
            text = source.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise error(f"{name} är inte sparad som UTF-8.") from None
        except FileNotFoundError:
            raise
        except OSError as exc:
            raise error(f"{name} kan inte läsas ({exc.strerror}).") from None
    else:
        text = source
    if len(text.encode("utf-8", "surrogatepass")) > MAX_TOML_BYTES:
        raise error(_too_large(name))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"at line (\d+), column (\d+)", str(exc))
        place = f" (rad {where[1]}, kolumn {where[2]})" if where else ""
        raise error(f"{name} är ingen giltig TOML-fil{place}.") from None
    except RecursionError:
        raise error(_too_deep(name)) from None
    except ValueError:  # e.g. an integer of more than 4300 digits
        raise error(f"{name} är ingen giltig TOML-fil (ett värde kan inte läsas).") from None
    if _depth(data) > MAX_TOML_DEPTH:
        raise error(_too_deep(name))
    return data


def _too_large(name: str) -> str:
    return (f"{name} är större än {MAX_TOML_BYTES // 1024 // 1024} MB och läses inte; en "
            "inställningsfil är bara några rader.")


def _too_deep(name: str) -> str:
    return (f"{name} har tabeller eller listor i mer än {MAX_TOML_DEPTH} nivåer och läses "
            "inte.")


def _depth(value: object) -> int:
    """How deeply tables and lists nest in `value` (a scalar: 0), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        children = (item.values() if isinstance(item, dict)
                    else item if isinstance(item, list) else None)
        if children is not None:
            deepest = max(deepest, level + 1)
            if level + 1 <= MAX_TOML_DEPTH:
                stack.extend((child, level + 1) for child in children)
    return deepest

