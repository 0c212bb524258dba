"""What the page's markup needs for screen readers that Streamlit 1.67 does not give it: the
page's language, Swedish names on its own buttons and links, and a name on the uploader's
button. One script, run once per browser tab (docs/accessibility.md lists these as upstream
gaps; check them when Streamlit is upgraded).

- Streamlit writes <html lang="en">, so a screen reader reads the Swedish pages with English
  pronunciation (WCAG 3.1.1). The script sets "sv".
- Streamlit's and Plotly's own controls are named in English ("Skip to main content", "Help
  for Förvaltning", "Download plot as a PNG"): the script gives them Swedish names. It puts
  Swedish text in the skip link, which shows on focus, and in a select box's options
  ("Select all", "No results").
- The uploader's button says "Upload", which ui/uploads.py hides and replaces by Swedish text
  drawn with CSS: browsers read that text out, but axe-core finds no name on the button
  (button-name, critical). The script names it as its text says: "Välj fil" or "Välj filer".

A MutationObserver applies all of it again whenever Streamlit draws new elements.
"""

from __future__ import annotations

import json

import streamlit as st

from ui import texts

# Streamlit's and Plotly's English names, exactly as they write them, and ours. A name of the
# form "Help for <label>" is handled apart.
SWEDISH_NAMES = {
    "Main menu": "Huvudmeny",
    "Sidebar": "Sidopanel",
    "Collapse sidebar": "Dölj sidopanelen",
    "Expand sidebar": "Visa sidopanelen",
    "Link to heading": "Länk till rubriken",
    "Help": "Hjälp",
    "Open": "Öppna",
    "Choose an option": "Välj",
    "Selected values": "Valda värden",
    "Clear all": "Rensa alla",
    "Choose date": "Välj datum",
    "Increment": "Öka",
    "Decrement": "Minska",
    "file upload": "Välj fil",
    "Add row": "Lägg till rad",
    "Download as CSV": "Ladda ned som CSV",
    "Search": "Sök",
    "Show/hide columns": "Visa eller dölj kolumner",
    "Download plot as a PNG": "Ladda ned diagrammet som bild (PNG)",
    "Zoom": "Zooma",
    "Pan": "Panorera",
    "Zoom in": "Zooma in",
    "Zoom out": "Zooma ut",
    "Autoscale": "Anpassa axlarna",
    "Reset axes": "Återställ axlarna",
    "Fullscreen": "Helskärm",
    "Close fullscreen": "Stäng helskärm",
}
# Names that begin with an English word and end with a label of ours ("Help for Förvaltning",
# "Remove Heltidsgap", "day, Klart senast").
SWEDISH_PREFIXES = {
    "Help for ": "Hjälp: ",
    "Remove ": "Ta bort ",
    "day, ": "dag, ",
    "month, ": "månad, ",
    "year, ": "år, ",
}
# An icon beside a text says nothing the text does not: Streamlit names some ("warning icon");
# the script hides them from screen readers instead.
ICON_NAME_END = " icon"

# Streamlit's English texts on screen, in the skip link and the options of a select box.
SWEDISH_TEXTS = {
    "Skip to main content": "Hoppa till sidans innehåll",
    "Select all": "Välj alla",
    "No results": "Inga fler val",
}

KEY = "a11y"

SCRIPT = """<script>
(() => {
  const names = %(names)s, prefixes = %(prefixes)s, texts = %(texts)s, browse = %(browse)s;
  const iconEnd = %(icon_end)s;
  const swedish = name => names[name] ?? Object.entries(prefixes)
    .filter(([english]) => name.startsWith(english))
    .map(([english, ours]) => ours + name.slice(english.length))[0];
  // A text node's value is changed in place, never the node replaced: React keeps it.
  const retext = root => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const swedish = texts[node.nodeValue.trim()];
      if (swedish) node.nodeValue = swedish;
    }
  };
  const rename = () => {
    if (document.documentElement.lang !== "sv") document.documentElement.lang = "sv";
    const named = "[aria-label], [data-title], [title], [placeholder]";
    document.querySelectorAll(named).forEach(element => {
      for (const attribute of ["aria-label", "data-title", "title", "placeholder"]) {
        const name = element.getAttribute(attribute);
        if (name === null) continue;
        if (attribute === "aria-label" && name.endsWith(iconEnd)) {
          element.removeAttribute(attribute);
          element.setAttribute("aria-hidden", "true");
          continue;
        }
        const ours = swedish(name);
        if (ours) element.setAttribute(attribute, ours);
      }
    });
    document.querySelectorAll('[data-testid="stSkipToContent"], [role="option"]')
      .forEach(retext);
    document.querySelectorAll('[data-testid="stFileUploaderDropzone"]').forEach(zone => {
      const input = zone.querySelector('input[type="file"]');
      const label = browse[input && input.multiple ? 1 : 0];
      zone.querySelectorAll("button").forEach(button => {
        if (!button.getAttribute("aria-label")) button.setAttribute("aria-label", label);
      });
    });
  };
  rename();
  if (!window.personalpanelenA11y) {
    window.personalpanelenA11y = new MutationObserver(rename);
    window.personalpanelenA11y.observe(document.body, {childList: true, subtree: true});
  }
})();
</script>"""


def script() -> str:
    """The script, with its texts as JSON (ours: none of them holds '<')."""
    values = {"names": SWEDISH_NAMES, "prefixes": SWEDISH_PREFIXES, "texts": SWEDISH_TEXTS,
              "icon_end": ICON_NAME_END,
              "browse": [texts.UPLOADER_BROWSE_ONE, texts.UPLOADER_BROWSE]}
    encoded = {key: json.dumps(value, ensure_ascii=False) for key, value in values.items()}
    if any("<" in value for value in encoded.values()):
        raise ValueError("a script's text cannot hold '<'")
    return SCRIPT % encoded


def patch_page() -> None:
    """At the top of every run (app.py): the script, in a box hidden with the wrapper Streamlit
    puts around it, so that it takes no room (a script runs in a hidden box too; a style sheet
    alone takes none)."""
    st.html(f"<style>.st-key-{KEY}, :has(> .st-key-{KEY}) {{display: none;}}</style>")
    with st.container(key=KEY):
        st.html(script(), unsafe_allow_javascript=True)
