"""Page "Heltid": its metrics are listed in ui/sitemap.py."""

from ui.indicator import page

page("heltid")
