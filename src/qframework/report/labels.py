"""The fixed words of the HTML and Markdown reports, through the one gettext catalogue.

Every word a report shows is an English message id in the ``qframework`` catalogue (like the
command line's), so a third language is a new catalogue, not a code change. A template reads them by
key (``L.coverage``): :func:`labels` gives the mapping for a language, each value looked up in that
language's catalogue when it is read. User templates that override a shipped one keep using these
keys; new templates may also write ``{{ _("Coverage") }}`` (Jinja2's i18n extension is installed,
bound to the report's language). Framework content (dimension titles, level labels) comes from the
framework's own ``translations``, not from here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ..i18n import LANGUAGES, N_, PROVENANCE_LABELS, translation

__all__ = ["KEYS", "REPORT_LANGUAGES", "Labels", "labels"]

#: The languages reports can be rendered in: every language with a catalogue.
REPORT_LANGUAGES: tuple[str, ...] = LANGUAGES

#: Each label's key and its English message id.
KEYS: Mapping[str, str] = {
    "assessment_title": N_("Self-assessment"),
    "progress_title": N_("Progress over time"),
    "cohort_title": N_("The Kommunen compared"),
    "assignment_title": N_("Assignment of the participants"),
    "framework": N_("Framework"),
    "version": N_("Version"),
    "subject": N_("Kommune"),
    "period": N_("Period"),
    "periods": N_("Periods"),
    "overall": N_("Overall"),
    "score": N_("Score"),
    "level": N_("Level"),
    "coverage": N_("Coverage"),
    "raters": N_("Raters"),
    "rater": N_("Rater"),
    "role": N_("Role"),
    "ratings": N_("Ratings"),
    "not_applicable": N_("not applicable"),
    "dimension": N_("Dimension"),
    "dimensions": N_("Dimensions"),
    "indicator": N_("Indicator"),
    "indicators": N_("Indicators"),
    "rated": N_("rated"),
    "spread": N_("Spread"),
    "aggregation": N_("Aggregation per indicator"),
    "scale": N_("Scale"),
    "scale_note": N_("Scores from 0 (lowest level) to 1 (highest level); the level is the scale's nearest one."),
    "summary": N_("Summary"),
    "chart_radar": N_("Radar chart: score per dimension (0 centre, 1 edge)"),
    "chart_bars": N_("Score per dimension with level"),
    "disagreements": N_("Rater disagreements"),
    "disagreements_intro": N_(
        "Indicators where the ratings lie at least {threshold} apart or that some raters "
        "found not applicable: worth discussing."
    ),
    "no_disagreements": N_("The raters broadly agree everywhere."),
    "priorities": N_("Priorities"),
    "priorities_intro": N_("The weakest dimensions first: candidates for the next development goals."),
    "none_rated": N_("No dimension rated."),
    "evidence_comments": N_("Evidence and comments"),
    "evidence": N_("Evidence"),
    "comment": N_("Comment"),
    "no_comments": N_("No evidence or comments recorded."),
    "notes": N_("Notes"),
    "success_definition": N_("Definition of success"),
    "provenance": N_("Where the texts come from"),
    "provenance_intro": N_(
        "Texts quoted from or paraphrased after the source give the publisher's content (with the source); "
        "inferred texts and texts written by the plugin come from the plugin's authors, not from the publisher."
    ),
    # the provenance labels are the ones every output uses (qframework.i18n.PROVENANCE_LABELS)
    "kind_quoted": PROVENANCE_LABELS["quoted"],
    "kind_paraphrased": PROVENANCE_LABELS["paraphrased"],
    "kind_inferred": PROVENANCE_LABELS["inferred"],
    "kind_authored": PROVENANCE_LABELS["authored"],
    "kind_missing": PROVENANCE_LABELS["missing"],
    "sources": N_("Sources"),
    "publisher": N_("Publisher"),
    "changes": N_("Version note"),
    "trend": N_("Trend per dimension"),
    "chart_trend": N_("Trend: score per dimension and period"),
    "change": N_("Change"),
    "improved": N_("improved"),
    "declined": N_("declined"),
    "kommunen": N_("Kommunen"),
    "distribution": N_("Distribution of the scores per dimension"),
    "chart_distribution": N_("Distribution: range, middle half and median per dimension"),
    "median": N_("Median"),
    "quartiles": N_("middle half"),
    "minimum": N_("Minimum"),
    "maximum": N_("Maximum"),
    "count": N_("Count"),
    "highlight": N_("Your Kommune"),
    "rank": N_("Rank"),
    "of": N_("of"),
    "names_hidden": N_("The Kommunen's names are not shown."),
    "median_trend": N_("Median per dimension over the periods"),
    "group": N_("Group"),
    "groups": N_("Groups"),
    "members": N_("Members"),
    "topics": N_("Topics"),
    "required": N_("required"),
    "optional": N_("optional"),
    "participants": N_("Participants"),
    "participant": N_("Participant"),
    "explanation": N_("Explanation"),
    "unassigned": N_("without a place"),
    "no_group": N_("no group"),
    "map": N_("Map of the participants"),
    "chart_map": N_("Map: the participants' locations, coloured by group"),
    "no_locations": N_("No participant has known coordinates."),
    "without_location": N_("without coordinates"),
    "preference_rank": N_("preference rank"),
    "total_rank": N_("total preference rank"),
    "alone": N_("alone"),
    "with": N_("with"),
    "translated": N_("Translated assessment"),
    "translated_intro": N_(
        "This assessment was not made against this framework: it was translated from an "
        "assessment against {source} (version {version}) by the crosswalk “{crosswalk}” ({id}). "
        "Its values are a first estimate, not an assessment of their own."
    ),
    "translated_carried": N_("Ratings carried"),
    "translated_exact": N_("of them equivalent one to one"),
    "translated_guessed": N_("of them guessed (broader, narrower, overlapping or combined)"),
    "translated_rescaled": N_("rescaled to another scale"),
    "translated_lost": N_("Ratings lost (source indicators mapped to nothing)"),
    "translated_unmapped": N_("Reached by no entry, so unrated"),
    "translated_unrated": N_("Reached, but not rated in the source"),
    "none": N_("none"),
    "generated": N_("Made with qframework"),
    "na": N_("–"),
}


class Labels(Mapping[str, str]):
    """The report labels in one language: ``labels("de")["coverage"] == "Abdeckung"``.

    Read as a mapping (``L.coverage`` in a template works too); each value is translated when read.
    """

    __slots__ = ("lang",)

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __getitem__(self, key: str) -> str:
        return translation(self.lang).gettext(KEYS[key])

    def __getattr__(self, key: str) -> str:
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None

    def __iter__(self) -> Iterator[str]:
        return iter(KEYS)

    def __len__(self) -> int:
        return len(KEYS)


def labels(lang: str) -> Mapping[str, str]:
    """The report labels in ``lang``; :class:`ValueError` naming the known languages otherwise."""
    if lang not in REPORT_LANGUAGES:
        raise ValueError(f"unknown report language {lang!r} (known: {', '.join(REPORT_LANGUAGES)})")
    return Labels(lang)
