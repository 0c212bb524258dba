"""Kolada comparison: our figure beside Kolada's and a comparison group's (issue 12).

- The mapping (kolada_kpis.toml) names the Kolada KPI behind a metric. A metric is compared
  only once a person has checked its KPI id (`verified_by`): a title search can pick the
  wrong one (metric-definitions.md §2.3). Each KPI also records Kolada's definition and
  whether ours matches (`match`); a differing denominator carries the warning the pages show.
- Import: from Kolada's API v2 (standard-library urllib, paged by `next_page`), or from a file:
  the API's JSON saved to disk, or a CSV/xlsx table with the columns kpi, municipality, year,
  gender, value (docs/kolada.md). Values go to the store's `kolada_value` as Kolada gives them
  (NULL where Kolada has none, status verbatim); an import replaces the same keys, all or
  nothing, and is recorded in the audit log ("kolada"). A refused file changes nothing and
  names its file, row and column.
- Comparison: per year, our figure (compute(), the same protected cells the pages show),
  Kolada's value for our municipality, and the comparison group's median, min, max and count
  over its members' values. A year Kolada lacks is missing (null), never 0.

No streamlit here: the pages and the PDF meeting pack call comparison() and overview().
"""

from __future__ import annotations

import functools
import json
import math
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

import settings
import store
from metrics import registry
from metrics.compute import compute
from pipelines.personnummer import mask_personnummer

MAPPING_FILE = Path(__file__).with_name("kolada_kpis.toml")
DEMO_FILE = Path(__file__).with_name("kolada_demo.json")
DEMO_SOURCE = "demo"
"""The `source` of the demo's example values (fictional, metrics/kolada_demo.json)."""
API_SOURCE = "api"

GENDERS = ("T", "K", "M")
MATCHES = ("same", "close", "denominator", "different", "unverified", "none")
"""How Kolada's definition compares with ours (kolada_kpis.toml, `match`)."""
MISMATCHES = ("denominator", "different")
"""The matches whose levels are not comparable: their `mismatch_sv` is shown as a warning."""
MAX_PAGES = 200
"""Pages an API fetch follows at most (5 000 values each): more is a loop, not data."""
MAX_RESPONSE_BYTES = 50 * 1024 * 1024
MUNICIPALITY_ID = re.compile(r"\d{4}")
"""A kommun's Kolada id: four digits with leading zero ("0180"); "0000" is Riket."""

VALUE_COLUMNS = ("kpi_id", "kpi_title", "municipality_id", "municipality_title",
                 "municipality_type", "period", "gender", "value", "count", "status")
VALUE_SCHEMA = {"kpi_id": pl.String, "kpi_title": pl.String, "municipality_id": pl.String,
                "municipality_title": pl.String, "municipality_type": pl.String,
                "period": pl.Int32, "gender": pl.String, "value": pl.Float64,
                "count": pl.Int32, "status": pl.String}
COMPARISON_SCHEMA = {"year": pl.Int32, "ours": pl.Float64, "kolada_own": pl.Float64,
                     "group_median": pl.Float64, "group_min": pl.Float64,
                     "group_max": pl.Float64, "group_count": pl.Int64,
                     "ours_suppressed": pl.Boolean}


class KoladaError(ValueError):
    """An import that did not happen; the message is Swedish and says why."""


class KoladaOffline(KoladaError):
    """Kolada could not be reached (no network, timeout)."""


# --- the mapping -------------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiMap:
    metric_id: str
    kpi_id: str
    expected_title: str
    unit: str
    gender: str
    differs_sv: str
    """Where our definition differs from Kolada's (shown under the comparison)."""
    verified_by: str
    verified_on: str
    match: str = "none"
    """How Kolada's definition compares with ours (MATCHES)."""
    kolada_definition_sv: str = ""
    """Kolada's numerator, denominator and population, as far as stored sources show."""
    definition_source: str = ""
    """Where kolada_definition_sv comes from, and how firm it is."""
    mismatch_sv: str = ""
    """For a differing denominator or measure: the warning shown beside the comparison."""

    @property
    def verified(self) -> bool:
        return bool(self.kpi_id and self.verified_by.strip())

    @property
    def differs(self) -> bool:
        """Whether the levels cannot be compared as they stand (a warning beside them)."""
        return self.match in MISMATCHES


@functools.cache
def _config() -> dict:
    return settings.read_toml(MAPPING_FILE, MAPPING_FILE.name, KoladaError)


def api_config() -> dict:
    """base_url, timeout_seconds, per_page, years_back."""
    return dict(_config()["api"])


@functools.cache
def mappings() -> dict[str, KpiMap]:
    """Every metric of the mapping file, in the registry's order; unknown metric ids and
    gender letters are refused when the file is read."""
    found = {}
    for metric_id, entry in _config()["metric"].items():
        registry.get(metric_id)  # raises for an id the registry does not know
        gender = entry.get("gender", "T")
        if gender not in GENDERS:
            raise ValueError(f"{MAPPING_FILE.name}: {metric_id}: kön {gender!r} (T, K eller M)")
        found[metric_id] = _definition_checked(KpiMap(
            metric_id, entry.get("kpi_id", "").strip(), entry.get("expected_title", ""),
            entry.get("unit", ""), gender, entry.get("differs_sv", ""),
            entry.get("verified_by", ""), str(entry.get("verified_on", "")),
            entry.get("match", ""), entry.get("kolada_definition_sv", "").strip(),
            entry.get("definition_source", "").strip(), entry.get("mismatch_sv", "").strip()))
    order = list(registry.METRICS)
    return dict(sorted(found.items(), key=lambda item: order.index(item[0])))


def _definition_checked(mapping: KpiMap) -> KpiMap:
    """A mapping that records Kolada's definition: every KPI says what Kolada counts, where
    that comes from and whether ours matches; a differing one says so in Swedish."""
    where = f"{MAPPING_FILE.name}: {mapping.metric_id}"
    if mapping.match not in MATCHES:
        raise ValueError(f"{where}: match {mapping.match!r} ({', '.join(MATCHES)})")
    if mapping.kpi_id and (mapping.match == "none" or not mapping.kolada_definition_sv
                           or not mapping.definition_source):
        raise ValueError(f"{where}: Koladas definition (match, kolada_definition_sv, "
                         "definition_source) saknas")
    if not mapping.kpi_id and mapping.match != "none":
        raise ValueError(f"{where}: match {mapping.match!r} utan kpi_id")
    if mapping.differs and not mapping.mismatch_sv:
        raise ValueError(f"{where}: match {mapping.match!r} kräver mismatch_sv")
    return mapping


def verified(metric_id: str) -> KpiMap | None:
    """The metric's KPI, if it has one whose id a person has checked; else None."""
    mapping = mappings().get(metric_id)
    return mapping if mapping is not None and mapping.verified else None


def kpi_ids() -> list[str]:
    """The KPI ids of the mapping (checked or not), each once: what a fetch asks Kolada for."""
    return list(dict.fromkeys(m.kpi_id for m in mappings().values() if m.kpi_id))


# --- reading Kolada's answers ------------------------------------------------------------------


def _where(source: str, page: int | None, item: int, key: str) -> str:
    page_text = f"sida {page}, " if page is not None else ""
    return f"{source}, {page_text}post {item}, fält {key}"


def values_from_envelopes(envelopes: Sequence[dict], source: str) -> pl.DataFrame:
    """Kolada's data responses (v2: {"values": [{"kpi", "municipality", "period", "values":
    [{"gender", "value", "count", "status"}]}], "count", "next_page"}) as rows of
    kolada_value, one per KPI, municipality, year and gender. Raises KoladaError naming the
    page, item and field of the first thing that is not as the API documents it."""
    rows: list[tuple] = []
    kpi_titles: dict[str, str] = {}
    munis: dict[str, tuple[str | None, str | None]] = {}
    paged = len(envelopes) > 1
    for page_no, envelope in enumerate(envelopes, 1):
        page = page_no if paged else None
        if not isinstance(envelope, dict) or not isinstance(envelope.get("values"), list):
            where = f"{source}, sida {page_no}" if paged else source
            raise KoladaError(f"{where}: inget Kolada-svar (väntade {{\"values\": [...]}}).")
        for item_no, item in enumerate(envelope["values"], 1):
            if isinstance(item, dict) and "kpi" not in item and isinstance(item.get("id"), str):
                # a metadata response saved beside the data (/v2/kpi or /v2/municipality)
                title = item.get("title") if isinstance(item.get("title"), str) else None
                if item["id"].isdigit():
                    kind = item.get("type") if isinstance(item.get("type"), str) else None
                    munis[item["id"]] = (title, kind)
                elif title:
                    kpi_titles[item["id"]] = title
                continue
            rows.extend(_item_rows(item, source, page, item_no))
    return _with_titles(_frame(rows), kpi_titles, munis)


def _with_titles(frame: pl.DataFrame, kpi_titles: dict[str, str],
                 munis: dict[str, tuple[str | None, str | None]]) -> pl.DataFrame:
    """The KPIs' and municipalities' titles (and types) from Kolada's metadata."""
    def lookup(column: str, mapping: dict) -> pl.Expr:
        return pl.col(column).replace_strict(mapping, default=None, return_dtype=pl.String)

    return frame.with_columns(
        lookup("kpi_id", kpi_titles).alias("kpi_title"),
        lookup("municipality_id", {k: t for k, (t, _) in munis.items()})
        .alias("municipality_title"),
        lookup("municipality_id", {k: t for k, (_, t) in munis.items()})
        .alias("municipality_type"),
    )


def _item_rows(item: object, source: str, page: int | None, item_no: int) -> list[tuple]:
    def fail(key: str, problem: str) -> KoladaError:
        return KoladaError(f"{_where(source, page, item_no, key)}: {problem}")

    if not isinstance(item, dict):
        raise fail("values", "posten är inget objekt")
    kpi = item.get("kpi")
    if not isinstance(kpi, str) or not kpi.strip():
        raise fail("kpi", "saknas eller är inte text")
    municipality = item.get("municipality")
    if not isinstance(municipality, str) or not municipality.strip():
        raise fail("municipality", "saknas eller är inte text (t.ex. \"0180\")")
    period = _year(item.get("period"))
    if period is None:
        raise fail("period", f"{item.get('period')!r} är inget år")
    values = item.get("values")
    if not isinstance(values, list):
        raise fail("values", "saknas eller är ingen lista")
    rows = []
    for entry in values:
        if not isinstance(entry, dict) or entry.get("gender") not in GENDERS:
            gender = entry.get("gender") if isinstance(entry, dict) else entry
            raise fail("gender", f"{gender!r} (T, K eller M)")
        value, count, status = entry.get("value"), entry.get("count"), entry.get("status")
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)
                                  or not math.isfinite(value)):
            raise fail("value", f"{value!r} är inget tal")
        if count is not None and (isinstance(count, bool) or not isinstance(count, int)):
            raise fail("count", f"{count!r} är inget heltal")
        if status is not None and not isinstance(status, str):
            raise fail("status", f"{status!r} är inte text")
        rows.append((kpi.strip(), None, municipality.strip(), None, None, period,
                     entry["gender"], None if value is None else float(value), count, status))
    return rows


def _year(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and 1900 <= value <= 2200 else None


def _frame(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=VALUE_SCHEMA, orient="row")


def _refuse_duplicates(frame: pl.DataFrame, source: str, rows: list[int] | None = None
                       ) -> None:
    """Two values for one key (KPI, municipality, year, gender) in one import are refused:
    which one Kolada means cannot be known."""
    keys = ["kpi_id", "municipality_id", "period", "gender"]
    numbered = frame.with_row_index("row")
    twice = numbered.filter(pl.struct(keys).is_duplicated())
    if twice.height:
        first = twice.row(0, named=True)
        same = twice.filter(*(pl.col(k) == first[k] for k in keys))["row"].to_list()
        where = f", raderna {rows[same[0]]} och {rows[same[1]]}" if rows else ""
        raise KoladaError(
            f"{source}{where}: samma nyckeltal ({first['kpi_id']}), kommun "
            f"({first['municipality_id']}), år ({first['period']}) och kön ({first['gender']}) "
            "två gånger.")


# --- files -------------------------------------------------------------------------------------

# Header names of the table layout (docs/kolada.md), Swedish aliases beside the English ones.
TABLE_HEADERS = {
    "kpi_id": ("kpi", "kpi_id", "nyckeltal"),
    "municipality_id": ("municipality", "municipality_id", "kommun", "kommun_id"),
    "period": ("year", "period", "år", "ar"),
    "gender": ("gender", "kön", "kon"),
    "value": ("value", "värde", "varde"),
    "status": ("status",),
    "count": ("count", "antal"),
    "kpi_title": ("kpi_title", "nyckeltalets namn"),
    "municipality_title": ("municipality_title", "kommunens namn", "kommunnamn"),
}
REQUIRED_HEADERS = ("kpi_id", "municipality_id", "period", "value")


def parse_file(name: str, data: bytes) -> pl.DataFrame:
    """A downloaded file's Kolada values: the API's JSON (one response, or a list of pages)
    or a table (.csv, .xlsx). Raises KoladaError naming the file, row (or item) and column."""
    suffix = Path(name).suffix.lower()
    if suffix == ".json":
        try:
            parsed = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise KoladaError(f"{name}: filen är ingen JSON ({exc}).") from exc
        envelopes = parsed if isinstance(parsed, list) else [parsed]
        frame = values_from_envelopes(envelopes, name)
        _refuse_duplicates(frame, name)
    else:
        frame = _parse_table(name, data)
    if frame.is_empty():
        raise KoladaError(f"{name}: filen innehåller inga Koladavärden.")
    return frame


def _parse_table(name: str, data: bytes) -> pl.DataFrame:
    from pipelines import read  # the safe reader: spreadsheets are parsed in a child process

    try:
        grids = read.read(name, data)
    except read.ReadError as exc:
        raise KoladaError(f"{name}: {exc}") from exc
    grid = grids[0]
    frame = grid.frame
    if frame.is_empty():
        raise KoladaError(f"{name}: filen innehåller inga Koladavärden.")
    header = [(c or "").strip().lower() for c in frame.row(0)]
    columns: dict[str, int] = {}
    for target, aliases in TABLE_HEADERS.items():
        found = [i for i, h in enumerate(header) if h in aliases]
        if found:
            columns[target] = found[0]
    missing = [TABLE_HEADERS[t][0] for t in REQUIRED_HEADERS if t not in columns]
    if missing:
        raise KoladaError(f"{name}, rad {grid.first_row}: kolumnerna {', '.join(missing)} "
                          "saknas (väntade kpi, municipality, year, gender, value).")
    rows, excel_rows = [], []
    for offset, cells in enumerate(frame.iter_rows()):
        if offset == 0 or not any((c or "").strip() for c in cells):
            continue
        row_no = grid.first_row + offset

        def cell(target: str, cells=cells) -> str:
            index = columns.get(target)
            return (cells[index] or "").strip() if index is not None else ""

        def fail(target: str, problem: str, row_no=row_no) -> KoladaError:
            return KoladaError(f"{name}, rad {row_no}, kolumn {header[columns[target]]}: "
                               f"{problem}")

        kpi = cell("kpi_id")
        if not kpi:
            raise fail("kpi_id", "tom")
        municipality = cell("municipality_id")
        if not municipality.isdigit():
            raise fail("municipality_id", f"{municipality!r} är inget kommun-id (t.ex. 0180)")
        if len(municipality) == 3:  # Excel drops the leading zero of "0180"
            municipality = "0" + municipality
        period = _year(cell("period"))
        if period is None:
            raise fail("period", f"{cell('period')!r} är inget år")
        gender = cell("gender").upper() or "T"
        if gender not in GENDERS:
            raise fail("gender", f"{cell('gender')!r} (T, K eller M)")
        text = cell("value").replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            value = float(text) if text else None
        except ValueError:
            raise fail("value", f"{cell('value')!r} är inget tal") from None
        if value is not None and not math.isfinite(value):
            raise fail("value", f"{cell('value')!r} är inget tal")
        count_text = cell("count")
        if count_text and not count_text.isdigit():
            raise fail("count", f"{count_text!r} är inget heltal")
        rows.append((kpi, cell("kpi_title") or None, municipality,
                     cell("municipality_title") or None, None, period, gender, value,
                     int(count_text) if count_text else None, cell("status") or None))
        excel_rows.append(row_no)
    result = _frame(rows)
    _refuse_duplicates(result, name, excel_rows)
    return result


# --- the API -----------------------------------------------------------------------------------

Opener = Callable[..., object]


def _get_json(url: str, opener: Opener, timeout: float) -> dict:
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": "Personalpanelen"})
    try:
        with opener(request, timeout=timeout) as response:
            body = response.read(MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise KoladaError(f"Kolada svarade med felkod {exc.code} ({url}).") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise KoladaOffline(
            f"Kunde inte nå Kolada ({urllib.parse.urlsplit(url).netloc}): {reason}. Datorn "
            "verkar sakna förbindelse med internet. Hämta värdena på en dator som har det och "
            "läs in den nedladdade filen här i stället.") from exc
    if len(body) > MAX_RESPONSE_BYTES:
        raise KoladaError(f"Koladas svar är större än väntat ({url}).")
    try:
        parsed = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise KoladaError(f"Koladas svar gick inte att läsa som JSON ({url}).") from exc
    if not isinstance(parsed, dict):
        raise KoladaError(f"Koladas svar är inget Kolada-svar ({url}).")
    return parsed


def _pages(url: str, opener: Opener, timeout: float) -> list[dict]:
    """Every page of one request, following `next_page` (only to Kolada's own host)."""
    host = urllib.parse.urlsplit(url)[:2]
    pages, seen = [], set()
    while url:
        if url in seen or len(pages) >= MAX_PAGES:
            raise KoladaError(f"Koladas sidor tar inte slut ({url}).")
        seen.add(url)
        page = _get_json(url, opener, timeout)
        pages.append(page)
        url = page.get("next_page") or ""
        if url and urllib.parse.urlsplit(url)[:2] != host:
            raise KoladaError(f"Koladas svar pekar vidare till en annan adress ({url}).")
    return pages


def fetch(kpis: Sequence[str], municipalities: Sequence[str], years: Sequence[int], *,
          opener: Opener | None = None) -> tuple[pl.DataFrame, list[str]]:
    """Kolada's values of the KPIs for the municipalities and years (API v2, all pages), with
    the KPIs' and municipalities' titles; and warnings (a KPI whose title differs from the
    mapping's). Raises KoladaOffline without a network, KoladaError on a bad answer."""
    cfg = api_config()
    opener = opener or urllib.request.urlopen
    base, timeout = cfg["base_url"].rstrip("/"), float(cfg["timeout_seconds"])

    def path(*parts: str) -> str:
        return "/".join(urllib.parse.quote(part, safe=",") for part in parts)

    kpi_list, muni_list = ",".join(kpis), ",".join(municipalities)
    year_list = ",".join(str(y) for y in years)
    data_path = path("data", "kpi", kpi_list, "municipality", muni_list, "year", year_list)
    data_url = f"{base}/{data_path}?per_page={int(cfg['per_page'])}"
    frame = values_from_envelopes(_pages(data_url, opener, timeout), "Kolada")
    _refuse_duplicates(frame, "Kolada")
    kpi_meta = [v for page in _pages(f"{base}/{path('kpi', kpi_list)}", opener, timeout)
                for v in page.get("values") or [] if isinstance(v, dict)]
    muni_meta = [v for page in _pages(f"{base}/{path('municipality', muni_list)}", opener,
                                      timeout)
                 for v in page.get("values") or [] if isinstance(v, dict)]
    titles = {str(v.get("id")): v.get("title") for v in kpi_meta}
    frame = _with_titles(frame, titles, {str(v.get("id")): (v.get("title"), v.get("type"))
                                         for v in muni_meta})
    warnings = [f"{m.kpi_id} heter i Kolada ”{titles[m.kpi_id]}”, inte ”{m.expected_title}”."
                for m in {m.kpi_id: m for m in mappings().values() if m.kpi_id}.values()
                if m.kpi_id in titles and m.expected_title and titles[m.kpi_id] != m.expected_title]
    return frame, warnings


# --- storing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportReport:
    source: str
    values: int
    """Rows stored (a null value from Kolada counts: it says Kolada has none)."""
    kpis: tuple[str, ...]
    municipalities: tuple[str, ...]
    years: tuple[int, ...]
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def summary(self) -> str:
        years = (f"{self.years[0]}–{self.years[-1]}" if len(self.years) > 1
                 else "".join(map(str, self.years)))
        return (f"{self.values} värden: {len(self.kpis)} nyckeltal, "
                f"{len(self.municipalities)} kommuner, {years}")


def store_values(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame, *,
                 actor: tuple[str, str], source: str, warnings: Sequence[str] = ()
                 ) -> ImportReport:
    """Write the values in one transaction, replacing the rows of the same keys (KPI,
    municipality, year, gender), and record the import in the audit log."""
    if frame.is_empty():
        raise KoladaError("Kolada gav inga värden för de valda nyckeltalen, kommunerna och åren.")
    incoming = frame.select(VALUE_COLUMNS).cast(VALUE_SCHEMA)
    report = ImportReport(
        source, incoming.height, tuple(sorted(incoming["kpi_id"].unique())),
        tuple(sorted(incoming["municipality_id"].unique())),
        tuple(sorted(incoming["period"].unique())), tuple(warnings))
    columns = ", ".join(VALUE_COLUMNS)
    with store.transaction(con) as cur:
        cur.register("incoming_kolada", incoming)
        cur.execute("DELETE FROM kolada_value WHERE (kpi_id, municipality_id, period, gender) "
                    "IN (SELECT (kpi_id, municipality_id, period, gender) FROM incoming_kolada)")
        cur.execute(f"INSERT INTO kolada_value ({columns}, fetched_at, source) "
                    f"SELECT {columns}, now()::TIMESTAMP, $source FROM incoming_kolada",
                    {"source": source})
        cur.unregister("incoming_kolada")
        store.audit(cur, *actor, "kolada", f"{source}: {report.summary()}")
    return report


def import_file(con: duckdb.DuckDBPyConnection, name: str, data: bytes, *,
                actor: tuple[str, str], source: str | None = None) -> ImportReport:
    """A downloaded file into the store (parse_file); a refused file changes nothing. A
    personnummer in the file's name is masked wherever the name goes."""
    name = mask_personnummer(name)
    return store_values(con, parse_file(name, data), actor=actor, source=source or name)


def fetch_years(today: date | None = None) -> list[int]:
    """The years an API fetch asks for: the current one and `years_back` before it."""
    year = (today or date.today()).year
    return list(range(year - int(api_config()["years_back"]), year + 1))


def import_api(con: duckdb.DuckDBPyConnection, *, actor: tuple[str, str],
               years: Sequence[int] | None = None, opener: Opener | None = None
               ) -> ImportReport:
    """Fetch the mapping's KPIs for our municipality and the comparison group from Kolada's
    API and store them. Raises KoladaError (KoladaOffline without a network); then the store
    is as it was."""
    cfg = settings.get()
    municipalities = list(dict.fromkeys(
        [m for m in (cfg.kolada_municipality, *cfg.kolada_group) if m]))
    if not municipalities:
        raise KoladaError(
            "Ange kommunens Kolada-id (PERSONALPANELEN_KOLADA_MUNICIPALITY) och "
            "jämförelsegruppens (PERSONALPANELEN_KOLADA_GROUP) innan du hämtar från Kolada.")
    wrong = [m for m in municipalities if not MUNICIPALITY_ID.fullmatch(m)]
    if wrong:
        raise KoladaError(f"{', '.join(wrong)}: ett kommun-id i Kolada är fyra siffror "
                          "(t.ex. 0180).")
    frame, warnings = fetch(kpi_ids(), municipalities, years or fetch_years(), opener=opener)
    return store_values(con, frame, actor=actor, source=API_SOURCE, warnings=warnings)


def seed_demo(con: duckdb.DuckDBPyConnection,
              actor: tuple[str, str] = ("system", "admin")) -> ImportReport:
    """The demo's comparison values (fictional, for real municipality ids) into its store."""
    return import_file(con, DEMO_FILE.name, DEMO_FILE.read_bytes(), actor=actor,
                       source=DEMO_SOURCE)


# --- what is loaded ----------------------------------------------------------------------------


def loaded(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Per KPI in the store: [kpi_id, kpi_title, municipalities, first_year, last_year,
    values, missing (null values), fetched_at (the latest), sources]."""
    return store.read(con, """
        SELECT kpi_id, max(kpi_title) AS kpi_title,
               count(DISTINCT municipality_id) AS municipalities,
               min(period) AS first_year, max(period) AS last_year,
               count(value) AS "values", count(*) - count(value) AS missing,
               max(fetched_at) AS fetched_at,
               string_agg(DISTINCT source, ', ' ORDER BY source) AS sources
        FROM kolada_value GROUP BY kpi_id ORDER BY kpi_id""")


def municipalities(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The municipalities in the store: [municipality_id, municipality_title, own, in_group]."""
    own, group = _own_and_group()
    frame = store.read(con, "SELECT municipality_id, max(municipality_title) AS "
                            "municipality_title FROM kolada_value GROUP BY ALL ORDER BY 1")
    return frame.with_columns(
        (pl.col("municipality_id") == own).alias("own"),
        (pl.col("municipality_id").is_in(list(group)) if group is not None
         else _default_member(pl.col("municipality_id"), own)).alias("in_group"))


def _own_and_group() -> tuple[str, tuple[str, ...] | None]:
    """Our Kolada id ("" if none) and the comparison group's ids (None: every municipality
    loaded, but our own)."""
    cfg = settings.get()
    return cfg.kolada_municipality, (cfg.kolada_group or None)


def _default_member(column: pl.Expr, own: str) -> pl.Expr:
    """In the default group: a kommun (four digits, not Riket "0000"), not our own."""
    return (column.str.contains(r"^\d{4}$") & (column != "0000") & (column != own))


_KOLADA_SIDE = """
SELECT period AS year,
       max(value) FILTER (municipality_id = $own) AS kolada_own,
       median(value) FILTER (member) AS group_median,
       min(value) FILTER (member) AS group_min,
       max(value) FILTER (member) AS group_max,
       count(value) FILTER (member) AS group_count
FROM (
    SELECT *, CASE WHEN $group::VARCHAR[] IS NULL
                   THEN regexp_full_match(municipality_id, '[0-9]{4}')
                        AND municipality_id NOT IN ('0000', $own)
                   ELSE list_contains($group::VARCHAR[], municipality_id) END AS member
    FROM kolada_value WHERE kpi_id = $kpi AND gender = $gender
)
GROUP BY period
"""


def comparison(con: duckdb.DuckDBPyConnection, metric_id: str, *, publication: bool = False,
               identity: tuple[str, int] | None = None) -> pl.DataFrame:
    """Per year: [year, ours, kolada_own, group_median, group_min, group_max, group_count,
    ours_suppressed]. `ours` is the whole municipality's yearly figure as compute() gives it
    (a hidden cell stays null, with ours_suppressed); Kolada's columns are null for a year
    Kolada lacks (group_count 0). Years: ours and Kolada's, together. Empty for a metric
    without a checked KPI (verified())."""
    mapping = verified(metric_id)
    if mapping is None:
        return pl.DataFrame(schema=COMPARISON_SCHEMA)
    ours = compute(con, metric_id, publication=publication, identity=identity).select(
        pl.col("snapshot_date").dt.year().cast(pl.Int32).alias("year"),
        pl.col("value").alias("ours"), pl.col("suppressed").alias("ours_suppressed"))
    own, group = _own_and_group()
    theirs = store.read(con, _KOLADA_SIDE, {"own": own, "group": list(group) if group else None,
                                            "kpi": mapping.kpi_id, "gender": mapping.gender})
    theirs = theirs.with_columns(pl.col("year").cast(pl.Int32))
    joined = ours.join(theirs, on="year", how="full", coalesce=True).sort("year")
    return joined.with_columns(
        pl.col("group_count").fill_null(0),
        pl.col("ours_suppressed").fill_null(False),
    ).select(COMPARISON_SCHEMA.keys()).cast(COMPARISON_SCHEMA)


def overview(con: duckdb.DuckDBPyConnection, *, publication: bool = False) -> pl.DataFrame:
    """Every metric of the mapping with a KPI id: [metric_id, kpi_id, verified, year, ours,
    ours_suppressed, kolada_own, group_median, group_min, group_max, group_count]. The year
    is the latest with both our figure (shown or hidden) and a group value; else our latest
    year; else Kolada's. A metric whose KPI is not checked has no figures."""
    identity = store.identity(con)
    rows = []
    for mapping in mappings().values():
        if not mapping.kpi_id:
            continue
        frame = comparison(con, mapping.metric_id, publication=publication, identity=identity)
        ours = pl.col("ours").is_not_null() | pl.col("ours_suppressed")
        latest = None
        for condition in (ours & (pl.col("group_count") > 0), ours, pl.lit(True)):
            candidates = frame.filter(condition)
            if candidates.height:
                latest = candidates.row(-1, named=True)
                break
        rows.append({"metric_id": mapping.metric_id, "kpi_id": mapping.kpi_id,
                     "verified": mapping.verified,
                     **(latest or {"year": None, "ours_suppressed": False, "group_count": 0})})
    schema = {"metric_id": pl.String, "kpi_id": pl.String, "verified": pl.Boolean,
              **COMPARISON_SCHEMA}
    return pl.DataFrame(rows, schema=schema).select(
        "metric_id", "kpi_id", "verified", "year", "ours", "ours_suppressed", "kolada_own",
        "group_median", "group_min", "group_max", "group_count")


def has_values(con: duckdb.DuckDBPyConnection, kpi_id: str) -> bool:
    """Whether any municipality's value of the KPI is loaded (a page asks before it computes
    our side of a comparison)."""
    return bool(store.read(con, "SELECT count(value) AS n FROM kolada_value WHERE kpi_id = $kpi",
                           {"kpi": kpi_id})["n"][0])


def is_loaded(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(store.read(con, "SELECT count(*) AS n FROM kolada_value")["n"][0])




def has_demo_values(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the store holds the demo's fictional values (then the screen says so)."""
    return bool(store.read(con, "SELECT count(*) AS n FROM kolada_value WHERE source = $s",
                           {"s": DEMO_SOURCE})["n"][0])
