"""Page "Timavlönade": its metrics are listed in ui/sitemap.py."""

from ui import auth
from ui.indicator import page

auth.require_page("timavlonade")
page("timavlonade")
