"""What the page scripts themselves write on screen, besides what they ask Streamlit to show.

Streamlit's "magic" writes every bare expression of a page script to the page (a string under a
constant, meant as its docstring, included). These tests run Streamlit's own magic transform over
every page, so nothing written for developers reaches a reader.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from streamlit.runtime.scriptrunner import magic

from tests import test_app
from tests.test_app import open_page
from ui import texts

# The app on the fixture store (tests/test_app.py).
fixture_store = test_app.fixture_store
app = test_app.app
_fresh_caches = test_app._fresh_caches

PAGES = sorted((Path(__file__).resolve().parents[1] / "ui" / "pages").glob("*.py"))


def magic_writes(path: Path) -> list[str]:
    """The expressions magic turns into st.write calls, as `line: source`."""
    tree = magic.add_magic(path.read_text(encoding="utf-8"), str(path))
    return [f"{node.lineno}: {ast.unparse(node.args[0])[:70]}" for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "transparent_write"]


def test_the_pages_are_all_found():
    names = {p.name for p in PAGES}
    assert {"ladda_upp.py", "exportera.py", "mal.py", "handlingsprogram.py"} <= names


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_magic_writes_nothing_a_developer_wrote(path):
    assert magic_writes(path) == []


def test_the_check_sees_an_attribute_docstring(tmp_path):
    page = tmp_path / "page.py"
    page.write_text('"""Module docstring: not shown."""\nKEY = "k"\n"""What KEY holds."""\n')
    assert magic_writes(page) == ["3: 'What KEY holds.'"]


# --- Exportera ---------------------------------------------------------------------------------

def test_exportera_has_no_english_placeholder(app):
    open_page(app, "exportera")
    choice = app.multiselect(key="export_metrics")
    assert choice.proto.placeholder == texts.EXPORT_METRICS_PLACEHOLDER  # not "Choose options"
    choice.set_value([]).run()
    assert [i.value for i in app.info] == [texts.EXPORT_NONE]


def test_a_pack_without_chromium_says_who_can_mend_it(app, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/saknas/chromium")
    open_page(app, "exportera")
    app.button(key="pack_build").click().run()
    assert not app.exception, [e.value for e in app.exception]
    message = app.error[0].value
    assert "Be den som driftar Personalpanelen" in message, message
