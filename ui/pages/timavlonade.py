"""Page "Timavlönade": its metrics are listed in ui/sitemap.py."""

from ui.indicator import page

page("timavlonade")
