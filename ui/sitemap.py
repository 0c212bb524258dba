"""Which page shows which metric: the one place that places the registry's metrics on pages.

Every metric id of metrics.registry.METRICS is on exactly one page (tests/test_app.py checks
it). A page shows its `primary` metrics one below the other and offers its `secondary` ones in
a selector, so a page stays readable when a domain has many variants of one figure.
"""

from __future__ import annotations

from dataclasses import dataclass

from ui import roles, texts


@dataclass(frozen=True)
class PageSpec:
    url_path: str
    """URL path of the page (the browser test and deep links use these)."""
    file: str
    """The page script, relative to app.py."""
    section: str | None
    """Navigation section; None for the top-level page."""
    icon: str
    primary: tuple[str, ...] = ()
    secondary: tuple[str, ...] = ()
    scale: tuple[str, ...] = ()
    """Secondary metrics of one unit that are also drawn together in one chart."""
    default: bool = False
    role: str = roles.VIEWER
    """The lowest role that may open the page (ui/roles.py); the page checks it itself."""

    @property
    def title(self) -> str:
        return texts.PAGE_TITLES[self.url_path]

    @property
    def intro(self) -> str:
        return texts.PAGE_INTROS[self.url_path]

    @property
    def metric_ids(self) -> tuple[str, ...]:
        return (*self.primary, *self.secondary)


PAGES: tuple[PageSpec, ...] = (
    PageSpec("oversikt", "ui/pages/oversikt.py", None, ":material/dashboard:", default=True),
    # The committee's follow-up: targets and the action programme
    PageSpec("mal", "ui/pages/mal.py", texts.SECTION_FOLLOW_UP, ":material/flag:"),
    PageSpec("handlingsprogram", "ui/pages/handlingsprogram.py", texts.SECTION_FOLLOW_UP,
             ":material/checklist:"),
    # HR programme (mission indicators)
    PageSpec(
        "chefer", "ui/pages/chefer.py", texts.SECTION_MISSION, ":material/supervisor_account:",
        primary=("managers_women_share",),
        secondary=("employees_per_manager_mean", "employees_per_manager_median"),
    ),
    PageSpec(
        "timavlonade", "ui/pages/timavlonade.py", texts.SECTION_MISSION, ":material/schedule:",
        primary=("hourly_paid_persons",),
        secondary=("hourly_paid_fte", "hourly_paid_employments", "hourly_hours_share"),
    ),
    PageSpec(
        "heltid", "ui/pages/heltid.py", texts.SECTION_MISSION, ":material/work:",
        primary=("full_time_share",),
        secondary=("working_full_time_share", "full_time_gap", "full_time_share_tillsvidare",
                   "mean_contracted_rate", "mean_actual_rate"),
    ),
    PageSpec(
        "forskolan", "ui/pages/forskolan.py", texts.SECTION_MISSION, ":material/child_care:",
        primary=("preschool_men_share",),
        secondary=("preschool_men_fte_share",),
    ),
    PageSpec(
        "socialsekreterare", "ui/pages/socialsekreterare.py", texts.SECTION_MISSION,
        ":material/diversity_3:",
        primary=("social_worker_salary_spread",),
        secondary=("social_worker_salary_median", "social_worker_salary_p10",
                   "social_worker_salary_p25", "social_worker_salary_p75",
                   "social_worker_salary_p90", "social_worker_salary_spread_relative",
                   "social_worker_entry_salary"),
        scale=("social_worker_salary_p10", "social_worker_salary_p25",
               "social_worker_salary_median", "social_worker_salary_p75",
               "social_worker_salary_p90"),
    ),
    PageSpec(
        "utveckling", "ui/pages/utveckling.py", texts.SECTION_MISSION, ":material/trending_up:",
        primary=("education_pay_premium", "development_plan_share", "crisis_placement_share"),
        secondary=("education_pay_median_long", "education_pay_median_upper_secondary",
                   "career_step_share", "career_step_pay_difference", "dialogue_share",
                   "key_positions", "key_positions_successor_share",
                   "key_positions_retiring_share", "training_coverage_licensed",
                   "training_coverage_resident_facing", "crisis_weeks_per_person",
                   "crisis_placements"),
    ),
    # Personnel report
    PageSpec(
        "personalstruktur", "ui/pages/personalstruktur.py", texts.SECTION_REPORT,
        ":material/groups:",
        primary=("headcount", "fte_total"),
        secondary=("tillsvidare_share", "full_leave_persons", "women_salary_share_of_men"),
    ),
    PageSpec(
        "kompetensforsorjning", "ui/pages/kompetensforsorjning.py", texts.SECTION_REPORT,
        ":material/school:",
        primary=("retirements_forecast", "turnover"),
        secondary=("mean_age", "turnover_excl_retirement"),
    ),
    PageSpec(
        "halsa", "ui/pages/halsa.py", texts.SECTION_REPORT, ":material/favorite:",
        primary=("sick_leave_total", "hme_total"),
        secondary=("sick_leave_long_share", "sick_leave_women", "sick_leave_men",
                   "sick_leave_age_29", "sick_leave_age_30_49", "sick_leave_age_50",
                   "hme_motivation", "hme_leadership", "hme_governance"),
    ),
    # The yearly pay report and pay survey (issue 23): no metric of the registry; the report's
    # figures for everyone, the survey and the category table for analysts.
    PageSpec("lonekartlaggning", "ui/pages/lonekartlaggning.py", texts.SECTION_REPORT,
             ":material/balance:"),
    # Data
    PageSpec("ladda-upp", "ui/pages/ladda_upp.py", texts.SECTION_DATA, ":material/upload:",
             role=roles.ANALYST),
    PageSpec("exportera", "ui/pages/exportera.py", texts.SECTION_DATA, ":material/download:",
             role=roles.ANALYST),
    PageSpec("katalog", "ui/pages/katalog.py", texts.SECTION_DATA, ":material/menu_book:",
             role=roles.ANALYST),
    PageSpec("kolada", "ui/pages/kolada.py", texts.SECTION_DATA, ":material/compare_arrows:",
             role=roles.ANALYST),
)
"""The pages of the local installation (its one user is an analyst)."""

ADMIN_PAGES: tuple[PageSpec, ...] = (
    PageSpec("logg", "ui/pages/logg.py", texts.SECTION_DATA, ":material/history:",
             role=roles.ADMIN),
)
"""Pages that only an admin opens, so only with login configured."""

ALL_PAGES: tuple[PageSpec, ...] = PAGES + ADMIN_PAGES

PAGE_BY_PATH: dict[str, PageSpec] = {p.url_path: p for p in ALL_PAGES}

# The overview's cards: the five mission indicators, then headcount and sick leave.
OVERVIEW_CARDS: tuple[str, ...] = (
    "managers_women_share",
    "hourly_paid_persons",
    "full_time_share",
    "preschool_men_share",
    "social_worker_salary_spread",
    "headcount",
    "sick_leave_total",
)


def page_of(metric_id: str) -> PageSpec:
    """The page that shows a metric."""
    for page in PAGES:
        if metric_id in page.metric_ids:
            return page
    raise KeyError(metric_id)


def placed_metric_ids() -> list[str]:
    return [metric_id for page in PAGES for metric_id in page.metric_ids]
