"""Page "Ladda upp": files in, the validation report out, and the latest loads."""

from dataclasses import replace
from pathlib import Path

import polars as pl
import streamlit as st

import settings
from pipelines.findings import dates_text
from pipelines.personnummer import mask_personnummer
from ui import auth, data, numbers, plain, roles, texts, uploads

# Session state keys. Comments, not docstrings: Streamlit's magic would write those on the page.
REPORT_KEY = "upload_report"
# The header mapping chosen in the form's first step, while its values are mapped.
MAPPING_KEY = "mapping_pending"
# The profile open in the editor: its file, whether a copy is made (of a shipped profile), the
# uploaded file it read (whose headers and unknown values the editor offers too), and where the
# editor is shown ('report': under the report on that file, 'list': under the profile list).
EDIT_KEY = "profile_editing"
# What the last deletion of a load did, shown once after the rerun.
DELETED_KEY = "load_deleted"
# Where the editor was and what it says once the profile is saved.
EDITED_KEY = "profile_edited"
# Set when a session without the admin role asked to edit, copy or delete a profile.
REFUSED_KEY = "profile_refused"
MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FINDINGS_FILE = "valideringsrapport.xlsx"


def _forget_report() -> None:
    st.session_state.pop(REPORT_KEY, None)
    if st.session_state.get(EDIT_KEY, {}).get("where") == "report":
        del st.session_state[EDIT_KEY]


def _show_report(report, files) -> None:
    if report.loaded:
        message = texts.UPLOAD_SUCCESS.format(
            rows=numbers.number(report.rows),
            files=", ".join(plain.md(f) for f in report.files),
            dates=dates_text(report.snapshot_dates),
        )
        warnings = report.counts()[1]
        if warnings:
            message += (texts.UPLOAD_WARNINGS_ONE if warnings == 1
                        else texts.UPLOAD_SUCCESS_WARNINGS.format(count=numbers.number(warnings)))
        st.success(message, icon=":material/check_circle:")
        for line in report.series(settings.get().reference_month):
            st.caption(line)
    else:
        # What happened, then what to do: the date field, the mapping form or the file.
        advice = [texts.UPLOAD_FIX[kind].format(
            files=", ".join(plain.md(f) for f in files), field=texts.UPLOAD_DATE,
            button=texts.UPLOAD_BUTTON) for kind, files in report.fixes().items()]
        st.error(" ".join([texts.UPLOAD_REFUSED.format(
            count=numbers.number(report.counts()[0])), *advice]), icon=":material/error:")
    _readings(report)
    _profile_editor(files, "report")

    st.subheader(texts.UPLOAD_FINDINGS)
    if not report.findings:
        st.caption(texts.UPLOAD_FINDINGS_NONE)
        return
    findings = report.findings_frame()
    # A finding of a whole file has no row or column: a dash there, not Streamlit's "None".
    st.dataframe(findings.with_columns(pl.all().cast(pl.String).fill_null(texts.NO_CELL)),
                 hide_index=True, key="upload_findings")
    st.download_button(
        texts.UPLOAD_FINDINGS_DOWNLOAD,
        data=auth.table_download(findings, texts.UPLOAD_FINDINGS_SHEET, FINDINGS_FILE),
        file_name=FINDINGS_FILE, mime=MIME_XLSX, on_click="ignore",
        icon=":material/download:", key="upload_findings_download",
    )


def _upload(files, name: str | None):
    """The uploaded file the report calls `name`: the report masks a personnummer in a file
    name (pipelines.load), so the uploads are compared masked too."""
    return next((f for f in files or [] if mask_personnummer(f.name) == name), None)


def _mapping_form(files, file_name: str, snapshot_date) -> None:
    """Map the file's headers to the canonical columns by hand, load, and keep it as a
    profile if the analyst wants to."""
    upload = _upload(files, file_name)
    if upload is None:
        return
    heads = data.file_headers(file_name, upload.getvalue())
    st.subheader(texts.MAPPING_TITLE.format(file=plain.md(file_name)))
    st.markdown(texts.MAPPING_INTRO)
    if len(heads.sheets) > 1:
        sheet = st.selectbox(texts.MAPPING_SHEET, heads.sheets,
                             index=heads.sheets.index(heads.sheet), key="mapping_sheet",
                             help=texts.MAPPING_SHEET_HELP)
        heads = data.file_headers(file_name, upload.getvalue(), sheet)
    header_name, sample_name = texts.MAPPING_PREVIEW_HEADERS
    st.dataframe(pl.DataFrame({header_name: list(heads.samples),
                               sample_name: [", ".join(v) for v in heads.samples.values()]}),
                 hide_index=True, key="mapping_preview")
    choices = [texts.MAPPING_NONE, *heads.samples]
    kinds = data.extract_kinds()
    kind = st.selectbox(texts.MAPPING_KIND, list(kinds), index=list(kinds).index(
        heads.extract.table), format_func=lambda table: kinds[table].capitalize(),
        key="mapping_kind", help=texts.MAPPING_KIND_HELP)
    columns = data.extract_columns(kind)
    recognised = (heads.recognised if kind == heads.extract.table
                  else data.recognised_headers(list(heads.samples), kind))
    with st.form("mapping_form"):
        mapping = _column_choices(columns, choices, recognised, f"mapping_{kind}")
        name = st.text_input(texts.MAPPING_NAME, value=texts.MAPPING_NAME_DEFAULT,
                             key="mapping_name")
        save = st.checkbox(texts.MAPPING_SAVE, value=True, key="mapping_save")
        submitted = st.form_submit_button(texts.MAPPING_SUBMIT, type="primary")
    if submitted:
        if _repeated(mapping):
            return
        st.session_state[MAPPING_KEY] = {
            "file": file_name, "name": name, "save": save, "columns": mapping,
            "extract": kind,
            "sheet": heads.sheet if len(heads.sheets) > 1 else None}
    pending = st.session_state.get(MAPPING_KEY)
    if not pending or pending["file"] != file_name:
        return
    unknown = data.unknown_values(file_name, upload.getvalue(), pending["columns"],
                                  pending["sheet"])
    values = _value_form(unknown, {c.name: c.label_sv for c in data.extract_columns(
        pending["extract"])})
    if values is None:
        return
    del st.session_state[MAPPING_KEY]
    save = pending["save"]
    profile = data.profile_from_mapping(pending["name"], pending["extract"], pending["columns"],
                                        pending["sheet"], values)
    if save:
        path = data.save_profile(profile)
        auth.record("profile", texts.AUDIT_PROFILE_SAVED.format(name=profile.name,
                                                                file=path.name))
        st.session_state["mapping_saved"] = str(path)
    report = data.ingest([(f.name, f.getvalue()) for f in files], actor=auth.actor(),
                         snapshot_date=snapshot_date, profile=profile)
    st.session_state[REPORT_KEY] = report
    st.rerun()


def _value_form(unknown: dict[str, list[str]], labels: dict[str, str]) -> dict | None:
    """The mapping form's second step: what each value the vocabularies do not know means.
    Returns the profile's [values] tables once submitted (empty when nothing is unknown), else
    None."""
    if not unknown:
        return {}
    st.subheader(texts.MAPPING_VALUES_TITLE)
    st.markdown(texts.MAPPING_VALUES_INTRO)
    with st.form("mapping_values_form"):
        values = _value_choices(unknown, labels, "mapping_value")
        submitted = st.form_submit_button(texts.MAPPING_VALUES_SUBMIT, type="primary")
    return values if submitted else None


def _column_choices(columns, choices: list[str], defaults: dict[str, str], key: str,
                    typed: bool = False) -> dict[str, str]:
    """Inside a form: a header select per canonical column, two to a row (`typed`: a header
    not among the choices may be written in). Returns canonical column -> chosen header."""
    chosen = {}
    left, right = st.columns(2)
    for i, column in enumerate(columns):
        default = defaults.get(column.name)
        with left if i % 2 == 0 else right:
            chosen[column.name] = st.selectbox(
                column.label_sv + (" *" if column.required else ""), choices,
                index=choices.index(default) if default in choices else 0,
                key=f"{key}_{column.name}", accept_new_options=typed)
    return {c: h for c, h in chosen.items() if h not in (None, texts.MAPPING_NONE)}


def _repeated(mapping: dict[str, str]) -> bool:
    """Says so, and returns True, when one header is chosen for several columns."""
    repeated = {h for h in mapping.values() if list(mapping.values()).count(h) > 1}
    if repeated:
        header = sorted(repeated)[0]
        st.error(texts.MAPPING_DUPLICATE.format(header=plain.md(header), columns=", ".join(
            c for c, h in mapping.items() if h == header)))
    return bool(repeated)


def _value_choices(found: dict[str, list[str]], labels: dict[str, str], key: str,
                   current: dict[str, dict[str, str]] | None = None) -> dict[str, dict[str, str]]:
    """Inside a form: what each value of a column (canonical column -> values in the file)
    means, preset from `current` (a profile's [values] tables). Returns the tables as chosen."""
    current = current or {}
    chosen = {}
    for column, values in found.items():
        st.markdown(f"**{labels.get(column, column)}**")
        for i, value in enumerate(values):
            now = current.get(column, {}).get(value)
            options = [None, *dict.fromkeys([*data.value_targets(column), *([now] if now else [])])]
            chosen[(column, value)] = st.selectbox(
                plain.md(value), options, index=options.index(now), key=f"{key}_{column}_{i}",
                format_func=lambda target: texts.MAPPING_VALUE_NONE if target is None
                else texts.VALUE_LABELS.get(target, target))
    tables: dict[str, dict[str, str]] = {}
    for (column, value), target in chosen.items():
        if target is not None:
            tables.setdefault(column, {})[value] = target
    return tables


def _is_saved(profile) -> bool:
    """Whether the profile was saved from this page (else it is shipped: read-only)."""
    return profile.source.resolve().parent == settings.get().profiles_dir.resolve()


def _manages_profiles() -> bool:
    """Whether the user may edit, rename, copy and delete profiles: an admin (issue 11). An
    analyst maps a file and saves a new profile from the mapping form, no more."""
    return auth.may(roles.ADMIN)


def _refused() -> bool:
    """True, and the refusal kept for the next run, when the user may not manage profiles:
    checked where the action happens, not only by hiding its buttons."""
    if _manages_profiles():
        return False
    st.session_state[REFUSED_KEY] = True
    st.session_state.pop(EDIT_KEY, None)
    return True


def _start_edit(path: Path, copy: bool, file: str | None, where: str) -> None:
    if _refused():
        return
    st.session_state[EDIT_KEY] = {"path": str(path), "copy": copy, "file": file,
                                  "where": where}
    st.session_state.pop(EDITED_KEY, None)


def _profile_editor(files, where: str) -> None:
    """The mapping form for a profile that exists: pre-filled with its columns and values,
    saved back to its file (to a new file under a new name; a shipped profile to a new saved
    one). Shown where the editor was opened."""
    from pipelines import profiles

    edited = st.session_state.get(EDITED_KEY)
    if edited and edited["where"] == where:
        st.success(edited["text"], icon=":material/save:")
    editing = st.session_state.get(EDIT_KEY)
    if not editing or editing["where"] != where:
        return
    if not _manages_profiles():  # opened in this session before the role changed, or forged
        del st.session_state[EDIT_KEY]
        st.error(texts.PROFILES_ADMIN_ONLY, icon=":material/block:")
        return
    try:
        profile = profiles.load(Path(editing["path"]))
    except profiles.ProfileError as exc:
        del st.session_state[EDIT_KEY]
        st.warning(plain.md(exc), icon=":material/warning:")
        return
    copy = editing["copy"]
    key = f"profile_edit_{'copy_' if copy else ''}{profile.source.stem}"
    title = texts.PROFILE_COPY_TITLE if copy else texts.PROFILE_EDIT_TITLE
    st.subheader(title.format(name=plain.md(profile.name)))
    st.markdown(texts.PROFILE_EDIT_INTRO)
    headers = list(profile.columns.values())
    found = {column: list(values) for column, values in profile.values.items()}
    upload = _upload(files, editing["file"])
    if upload is not None:
        heads = data.file_headers(editing["file"], upload.getvalue())
        sheet = profile.sheet if profile.sheet in heads.sheets else None
        if sheet is not None:
            heads = data.file_headers(editing["file"], upload.getvalue(), sheet)
        headers += list(heads.samples)
        unknown = data.unknown_values(editing["file"], upload.getvalue(), profile.columns, sheet)
        for column, values in unknown.items():
            found[column] = list(dict.fromkeys([*found.get(column, []), *values]))
        st.caption(texts.PROFILE_EDIT_FILE.format(file=plain.md(editing["file"])))
    columns = data.extract_columns(profile.extract)
    with st.form(f"{key}_form"):
        mapping = _column_choices(columns, [texts.MAPPING_NONE, *dict.fromkeys(headers)],
                                  profile.columns, key, typed=True)
        values = {}
        if found:
            st.markdown(f"**{texts.PROFILE_EDIT_VALUES}**")
            values = _value_choices(found, {c.name: c.label_sv for c in columns}, f"{key}_value",
                                    profile.values)
        name = st.text_input(texts.MAPPING_NAME, key=f"{key}_name", value=(
            texts.PROFILE_COPY_NAME.format(name=profile.name) if copy else profile.name))
        submitted = st.form_submit_button(texts.PROFILE_EDIT_SUBMIT, type="primary")
        cancelled = st.form_submit_button(texts.PROFILE_EDIT_CANCEL)
    if cancelled:
        del st.session_state[EDIT_KEY]
        st.rerun()
    if not submitted or _repeated(mapping):
        return
    try:
        path = profiles.update(replace(profile, name=name, columns=mapping, values=values),
                               None if copy else profile.source)
    except profiles.ProfileError as exc:
        st.error(texts.PROFILE_EDIT_FAILED.format(reason=plain.md(exc)), icon=":material/error:")
        return
    del st.session_state[EDIT_KEY]
    if copy:
        detail = texts.AUDIT_PROFILE_COPIED
    else:
        detail = (texts.AUDIT_PROFILE_EDITED if name.strip() == profile.name
                  else texts.AUDIT_PROFILE_RENAMED)
    auth.record("profile", detail.format(old=profile.name, name=name.strip(), file=path.name))
    message = texts.PROFILE_EDIT_SAVED.format(name=plain.md(name.strip()),
                                              file=plain.md(path.name))
    if upload is not None:
        message += texts.PROFILE_EDIT_AGAIN.format(button=texts.UPLOAD_BUTTON)
    st.session_state[EDITED_KEY] = {"where": where, "text": message}
    st.rerun()


def _readings(report) -> None:
    """How each file was read: the profile, with the way to fix it if the mapping is wrong, or
    the standard headers."""
    standard: dict[str, list[str]] = {}  # reading -> its files: one line for many files
    for file, reading in report.readings.items():
        if file not in report.profiles or data.profile_named(report.profiles[file]) is None:
            standard.setdefault(reading, []).append(file)
    for reading, files in standard.items():
        st.info(texts.UPLOAD_READ_STANDARD.format(
            file=", ".join(plain.md(f) for f in files), reading=plain.md(reading)),
            icon=":material/description:")
    for i, (file, name) in enumerate(report.profiles.items()):
        profile = data.profile_named(name)
        if profile is None:
            continue
        saved = _is_saved(profile)
        message = texts.PROFILE_READ_BY if saved else texts.PROFILE_READ_BY_SHIPPED
        st.info(message.format(file=plain.md(file), name=plain.md(profile.name)),
                icon=":material/description:")
        if not _manages_profiles():
            st.caption(texts.PROFILES_ADMIN_ONLY)
            continue
        st.button(texts.PROFILE_EDIT if saved else texts.PROFILE_COPY, key=f"profile_read_{i}",
                  icon=":material/edit:", on_click=_start_edit,
                  args=(profile.source, not saved, file, "report"))


def _broken_profiles() -> None:
    """One warning per profile file that cannot be used; the upload goes on without it."""
    from pipelines import profiles

    for skipped in profiles.broken():
        st.warning(texts.PROFILE_BROKEN.format(file=plain.md(skipped.path.name),
                                         reason=plain.md(skipped.message)),
                   icon=":material/warning:")


def _delete_profile(path) -> None:
    from pipelines import profiles

    if _refused():
        return
    profiles.delete(path)
    auth.record("profile", texts.AUDIT_PROFILE_DELETED.format(file=path.name))
    st.session_state["profile_deleted"] = path.name
    if st.session_state.get(EDIT_KEY, {}).get("path") == str(path):
        del st.session_state[EDIT_KEY]


def _saved_profiles(files) -> None:
    """The profiles saved from the mapping form, each to edit (rename included) or delete; the
    shipped ones, each to copy into a saved one. Without the admin role: the lists only."""
    from pipelines import profiles

    manages = _manages_profiles()
    st.subheader(texts.PROFILES_SAVED)
    if manages:
        st.caption(texts.PROFILES_SAVED_INTRO.format(
            folder=plain.md(settings.get().profiles_dir)))
    else:
        st.caption(texts.PROFILES_ADMIN_ONLY)
    if st.session_state.pop(REFUSED_KEY, None):
        st.error(texts.PROFILES_ADMIN_ONLY, icon=":material/block:")
    if deleted := st.session_state.pop("profile_deleted", None):
        st.info(texts.PROFILE_DELETED.format(file=plain.md(deleted)), icon=":material/delete:")
    saved = profiles.saved()
    if not saved:
        st.caption(texts.PROFILES_SAVED_NONE)
    loaded = {p.source: p for p in profiles.available()}
    for path in saved:
        name, edit, delete = st.columns([4, 1, 1], vertical_alignment="center")
        profile = loaded.get(path)
        name.text(f"{profile.name} ({path.name})" if profile else path.name)
        if not manages:
            continue
        if profile is not None:
            edit.button(texts.PROFILE_EDIT, key=f"profile_open_{path.stem}",
                        icon=":material/edit:", on_click=_start_edit,
                        args=(path, False, None, "list"))
        delete.button(texts.PROFILE_DELETE, key=f"profile_delete_{path.stem}",
                      icon=":material/delete:", on_click=_delete_profile, args=(path,))
    _profile_editor(files, "list")

    st.subheader(texts.PROFILES_SHIPPED)
    if manages:
        st.caption(texts.PROFILES_SHIPPED_INTRO)
    for profile in loaded.values():
        if _is_saved(profile):
            continue
        name, copy = st.columns([4, 1], vertical_alignment="center")
        name.text(profile.name)
        if manages:
            copy.button(texts.PROFILE_COPY, key=f"profile_copy_{profile.source.stem}",
                        icon=":material/content_copy:", on_click=_start_edit,
                        args=(profile.source, True, None, "list"))


def _delete_load() -> None:
    """For an admin: undo a load (the newest of its periods), after a confirmation."""
    from pipelines.lifecycle import DeleteRefused

    st.subheader(texts.DELETE_LOAD_TITLE)
    st.caption(texts.DELETE_LOAD_INTRO)
    if done := st.session_state.pop(DELETED_KEY, None):
        st.success(plain.md(done), icon=":material/delete:")
    loads = data.deletable_loads()
    if loads.is_empty():
        st.caption(texts.DELETE_LOAD_NONE)
        return
    labels = {row["load_id"]: texts.DELETE_LOAD_OPTION.format(
        load_id=row["load_id"], file=row["file_name"], dates=row["snapshot_dates"])
        for row in loads.iter_rows(named=True)}
    with st.form("delete_load_form"):
        load_id = st.selectbox(texts.DELETE_LOAD_CHOICE, list(labels), key="delete_load_id",
                               format_func=labels.get)  # option labels are plain text
        confirmed = st.checkbox(texts.DELETE_LOAD_CONFIRM, key="delete_load_confirm")
        submitted = st.form_submit_button(texts.DELETE_LOAD_BUTTON, icon=":material/delete:")
    if not submitted:
        return
    if not confirmed:
        st.warning(texts.DELETE_LOAD_UNCONFIRMED)
        return
    try:
        deletion = data.delete_load(load_id, auth.actor())
    except DeleteRefused as exc:
        st.error(plain.md(exc), icon=":material/error:")
        return
    _forget_report()
    st.session_state[DELETED_KEY] = deletion.summary()
    st.rerun()


def _load_log_table(log: pl.DataFrame) -> pl.DataFrame:
    return pl.DataFrame({
        texts.LOG_HEADERS["load_id"]: log["load_id"].to_list(),
        texts.LOG_HEADERS["loaded_at"]: [numbers.clock(t) for t in log["loaded_at"].to_list()],
        texts.LOG_HEADERS["file_name"]: log["file_name"].to_list(),
        texts.LOG_HEADERS["snapshot_dates"]: log["snapshot_dates"].to_list(),
        texts.LOG_HEADERS["rows"]: [numbers.number(r) for r in log["rows"].to_list()],
        texts.LOG_HEADERS["seconds"]: [numbers.number(s, 1) for s in log["seconds"].to_list()],
        texts.LOG_HEADERS["source"]: [texts.LOG_SOURCES.get(s, s)
                                      for s in log["source"].to_list()],
    })


def _unprepared_store() -> None:
    """A store lacking derived person tables (loaded by an older version, or a metric changed
    since): its figures are computed live, slowly on a large store, until they are built."""
    lacking = data.missing_tables()
    if not lacking:
        return
    st.warning(texts.STORE_UNPREPARED.format(count=numbers.number(lacking)),
               icon=":material/speed:")
    if st.button(texts.STORE_PREPARE_BUTTON, key="prepare_store"):
        bar = st.progress(0.0, text=texts.STORE_PREPARING)
        data.prepare_store(lambda share, _: bar.progress(share, text=texts.STORE_PREPARING))
        st.rerun()


spec = auth.require_page("ladda-upp")
st.title(spec.title)
st.markdown(spec.intro)
_broken_profiles()
_unprepared_store()

max_mb = settings.get().max_upload_mb
files = uploads.file_uploader(
    texts.UPLOAD_LABEL, ["xlsx", "xlsm", "csv", "txt"], multiple=True, key="upload",
    max_mb=max_mb, help=texts.UPLOAD_HELP.format(mb=max_mb), on_change=_forget_report,
)
snapshot_date = st.date_input(texts.UPLOAD_DATE, value=None, key="upload_date",
                              format="YYYY-MM-DD",
                              help=texts.UPLOAD_DATE_HELP + texts.DATE_PICKER_NOTE)

if st.button(texts.UPLOAD_BUTTON, type="primary", icon=":material/upload:", key="upload_go"):
    if not files:
        st.warning(texts.UPLOAD_NO_FILES)
    else:
        bar = st.progress(0.0, text=texts.UPLOAD_PROGRESS)

        def _progress(share: float, message: str) -> None:
            bar.progress(min(max(share, 0.0), 1.0),
                         text=plain.md(message) if message else texts.UPLOAD_PROGRESS)

        try:
            report = data.ingest([(f.name, f.getvalue()) for f in files], actor=auth.actor(),
                                 snapshot_date=snapshot_date, progress=_progress)
        except ImportError as exc:
            bar.empty()
            st.warning(texts.UPLOAD_UNAVAILABLE.format(error=plain.md(exc)))
        except Exception as exc:  # ingest refuses bad files with findings; this is a bug
            bar.empty()
            st.error(texts.UPLOAD_FAILED.format(error=plain.md(exc)))
        else:
            st.session_state[REPORT_KEY] = report
            st.rerun()  # the sidebar filters pick up new förvaltningar and snapshot dates

if REPORT_KEY in st.session_state:
    if saved := st.session_state.pop("mapping_saved", None):
        st.info(texts.MAPPING_SAVED.format(path=plain.md(saved)), icon=":material/save:")
    _show_report(st.session_state[REPORT_KEY], files)
    if files and st.session_state[REPORT_KEY].needs_mapping:
        _mapping_form(files, st.session_state[REPORT_KEY].needs_mapping[0], snapshot_date)

st.divider()
_saved_profiles(files)

st.divider()
st.subheader(texts.UPLOAD_LOG)
log = data.load_log(10)
if log.is_empty():
    st.caption(texts.UPLOAD_LOG_EMPTY)
else:
    st.dataframe(_load_log_table(log), hide_index=True, key="load_log")

if auth.may(roles.ADMIN):
    st.divider()
    _delete_load()
