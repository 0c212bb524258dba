"""Page "Utveckling och beredskap": its metrics are listed in ui/sitemap.py."""

from ui import auth
from ui.indicator import page

auth.require_page("utveckling")
page("utveckling")
