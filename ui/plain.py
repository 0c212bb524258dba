"""Text from files and the store is data, never markup: how to show it literally.

Förvaltning names, SSYK codes, file names, headers, sheet and profile names and error messages
that quote them may hold anything a payroll file holds, `[Logga in](http://evil.example)`
and `<a href=...>` included. Two renderers would read them as markup:

- Streamlit renders Markdown (GitHub-flavoured, with its own `:emoji:`, `:red[...]` and
  `$LaTeX$`) in st.markdown, st.caption, the alerts, headers, st.progress text, widget and
  metric labels, tabs and expander labels. Data text that goes into one goes through `md()`.
- Plotly renders a subset of HTML (`<a>`, `<b>`, `<br>` ...) in every text of a figure: tick
  labels, hover labels, legend names, annotations. Data text that goes into a figure goes
  through `chart()` (only ui/charts.py draws figures).

Where Streamlit shows plain text anyway, data text goes in as it is, since escaping would
show the backslashes: option labels of st.selectbox and st.multiselect (in 1.67 the tags,
the input and the dropdown are plain text), st.text, st.code and dataframe cells. Our own
texts (ui/texts.py, the metric registry) are not data and may use Markdown.

Both also remove the hidden characters of pipelines/visible.py (a right-to-left override would
turn the text around): the store holds none, since every file is read through it, but a file
name, a profile's or a sheet's name reaches the screen without the store.
"""

from __future__ import annotations

import html
import re

from pipelines import visible

# CommonMark lets any ASCII punctuation character be escaped with a backslash, and then reads
# it as that character; that covers every Markdown, HTML, LaTeX and Streamlit directive opener.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# GitHub's autolink literals (http://a.b, www.a.b, a@b.c) are found in the text *after*
# escapes are resolved, so `http\:\/\/evil\.example` still becomes a link. An invisible word
# joiner before each '.', ':' and '@' keeps them apart, so no bare URL or address forms.
_LINK_JOINTS = re.compile(r"(?=[.:@])")
WORD_JOINER = "\u2060"


def md(text: object) -> str:
    """Data text for a Markdown context, shown literally: on one line (a newline or an indent
    would start a heading, a list or a code block), every punctuation character escaped."""
    line = " ".join(visible.text(str(text)).split())
    return _PUNCTUATION.sub(r"\\\1", _LINK_JOINTS.sub(WORD_JOINER, line))


def chart(text: object) -> str:
    """Data text for a Plotly figure, shown literally: '<', '>' and '&' as HTML entities,
    which Plotly turns back into the characters without reading any tag."""
    return html.escape(visible.text(str(text)), quote=False)
