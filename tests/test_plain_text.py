"""Text from files and the store is data, never markup (ui/plain.py).

`markup()` is a model of what Streamlit 1.67's Markdown renderer (GitHub-flavoured, through
remark) makes of a string: a link, an image or HTML from an unescaped bracket or angle
bracket, and a link from a bare URL or e-mail address in the text as the renderer reads it,
after backslash escapes are resolved (GFM's "autolink literal"; checked in a real browser: an
escaped `[Logga in](http\\:\\/\\/evil\\.example)` still links to http://evil.example). The
AppTests (tests/test_app.py) use it on every string a page renders as Markdown.
"""

from __future__ import annotations

import html
import re

import pytest

from ui import plain

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # CommonMark: any ASCII punctuation
_OPENER = re.compile(r"[\[<]")
_AUTOLINK = re.compile(  # GFM autolink literals: the domain needs a dot after a label
    r"(?:https?://|www\.)[-\w]+\.[-\w]|[-.\w+]+@[-\w]+\.[-\w]", re.IGNORECASE)
WORD_JOINER = "\u2060"

HOSTILE = [
    "![x](http://host/beacon.png)",
    "[Logga in](http://evil.example)",
    '<a href="http://evil.example">klick</a>',
    '<img src="http://host/i.png">',
    "<http://evil.example>",
    "http://evil.example/x www.evil.example a@evil.example",
    "[ref]: http://evil.example",
    ":material/home: :red[röd] :smile: $x^2$",
    "# Rubrik", "1. lista", "> citat", "**fet** _kursiv_ `kod` ~~stryk~~ a|b",
    "&amp; &lt;b&gt; a\\b",
]


def visible(source: str) -> str:
    """The text a reader sees: escapes resolved, word joiners invisible."""
    return _ESCAPE.sub(r"\1", source).replace(WORD_JOINER, "")


def markup(source: str) -> list[str]:
    """What in a Markdown source would render as a link, an image or HTML (empty: none)."""
    found = _OPENER.findall(_ESCAPE.sub("", source))
    found += _AUTOLINK.findall(_ESCAPE.sub(r"\1", source))
    return found


def test_the_model_sees_the_attacks_and_a_backslash_escape_is_not_enough():
    for raw in HOSTILE[:7]:
        assert markup(raw), raw
    # Backslash escapes alone: no bracket opens a link, but the bare URL inside still links.
    escaped = re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", "[Logga in](http://evil.example)")
    assert escaped.startswith("\\[Logga in\\]\\(http\\:")
    assert markup(escaped) == ["http://evil.e"]


@pytest.mark.parametrize("raw", HOSTILE)
def test_md_is_literal_text(raw):
    source = plain.md(raw)
    assert markup(source) == []
    assert visible(source) == raw


def test_md_makes_one_line_of_any_whitespace():
    source = plain.md("Rad ett\n# Rad två\n\n    - tre")
    assert "\n" not in source
    assert visible(source) == "Rad ett # Rad två - tre"


@pytest.mark.parametrize("raw", HOSTILE)
def test_chart_text_has_no_tags_and_reads_back(raw):
    text = plain.chart(raw)
    assert "<" not in text and ">" not in text
    assert html.unescape(text) == raw


def test_plain_words_are_unchanged_in_charts():
    assert plain.chart("Vård och omsorg") == "Vård och omsorg"
