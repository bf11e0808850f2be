"""Facts that results carry, and the one table that words them.

A result (an assignment's notes, a validation :class:`~qframework.errors.Problem`, a rule
:class:`~qframework.assignment.Violation`) holds a :class:`Note`: a stable ``code`` and its
parameters (ids, ranks, counts, km). It holds no sentence, so the same plan made under ``de`` and
under ``en`` is equal, hashes alike and round-trips through :mod:`qframework.io` unchanged.

Words are made only when shown: :meth:`Note.text` looks the code up in :data:`TEMPLATES` (English
message ids, translated through the ``qframework`` gettext catalogue) in the active language
(:func:`qframework.i18n.language`). A third language needs only a new catalogue.

Parameters are plain values: text, whole numbers, numbers, true/false, a tuple of texts, or another
:class:`Note` (a word that must itself be translated, such as the role of a topic). Numbers are
formatted for the language (a decimal comma in German); ids listed under ``titles`` are shown with
their title beside them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Union

import attrs

from .frozen import FrozenMap

__all__ = ["TEMPLATES", "Coded", "Note", "Param", "date_note", "notes", "render", "shown_number"]


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it now (gettext's ``N_``)."""
    return message


#: Every code a :class:`Note` may carry, with its English wording (the catalogue's message id).
#: Codes are stable: tools may match on them. Wording may change; codes do not.
TEMPLATES: Mapping[str, str] = {
    # -- words used as parameters of other notes
    "role.required": N_("assigned"),
    "role.optional": N_("optional (if time allows)"),
    # -- why a participant got a topic
    "given.mandatory": N_("{topic}: {role}, mandatory for every participant."),
    "given.ranked": N_("{topic}: {role}, your preference rank {rank}."),
    "given.unranked": N_("{topic}: {role}, not among your preferences (counts as rank {rank})."),
    "only-optional": N_(
        "{topic} (your rank {rank}) is only optional: required topics must be distinct and it is "
        "already assigned to {others}."
    ),
    # -- why a participant did not get a better-ranked topic; the causes follow as separate notes
    "not-given": N_("Not {topic} (your rank {rank}):"),
    "not-given.full": N_("its capacity is full ({count} of {max})."),
    "not-given.distinct": N_("required topics must be distinct and it is already assigned to {others}."),
    "not-given.overlap": N_("you already have {topics}, which overlaps it."),
    "not-given.per-group": N_("topics are chosen per group, and the group as a whole is better off without it."),
    "not-given.minimum": N_("{topics} needs its minimum number of participants."),
    "not-given.minimum-many": N_("{topics} need their minimum numbers of participants."),
    "not-given.cost": N_("giving it to you would raise the total rank cost for the others by more."),
    "not-given.distance": N_(
        "the nearest group working on it ({group}) is {km} km away, worth {ranks} ranks at {km_per_rank} km per rank."
    ),
    # -- a participant left out of a selection
    "unassigned": N_("Not selected: participants may stay unassigned, and the places went where they cost less."),
    "unassigned.full": N_("Full: {topic} ({count} of {max})."),
    # -- validation problems: words for types and values (parameters of other problems)
    "type.text": N_("text"),
    "type.int": N_("a whole number"),
    "type.number": N_("a number"),
    "type.finite": N_("a finite number"),
    "type.bool": N_("true or false"),
    "type.table": N_("a table"),
    "type.list": N_("a list"),
    "type.date": N_("a date (YYYY-MM-DD)"),
    "type.datetime": N_("a date and time"),
    "type.param": N_("text, a number, true or false, a list of texts or a table"),
    "type.other": N_("{name}"),
    "type.either": N_("{first} or {second}"),
    "type.text.indicator-id": N_("text (an indicator id)"),
    "type.text.period": N_("text (e.g. '2024' or '2024-H1')"),
    "type.subject": N_("a Subject"),
    "type.text.element-id": N_("text (a dimension or indicator id)"),
    "type.count-or-bounds": N_("a whole number or a table {{ min, max }}"),
    "date": N_("{year}-{month}-{day}"),
    "kind.text": N_("text"),
    "kind.int": N_("whole number"),
    "kind.number": N_("number"),
    "kind.bool": N_("boolean"),
    "kind.table": N_("table"),
    "kind.list": N_("list"),
    "value": N_("{value} ({kind})"),
    "value.digits": N_("a {digits}-digit number ({kind})"),
    "value.digits-many": N_("a very long-digit number ({kind})"),
    # -- validation problems: reading a file
    "file.suffix": N_("cannot tell the format from the suffix {suffix!r}: use .toml or .json"),
    "file.format": N_("format must be 'toml' or 'json', got {got}"),
    "file.unreadable": N_("cannot read file: {reason}"),
    "file.folder": N_("cannot read file: it is a folder"),
    "file.not-regular": N_(
        "cannot read file: not a regular file (a device, pipe or socket); only regular files are read"
    ),
    "file.too-big": N_("file is larger than {limit} bytes, the limit (set QFRAMEWORK_MAX_FILE_BYTES to change it)"),
    "text.too-long": N_("text is longer than {limit} bytes, the limit (set QFRAMEWORK_MAX_FILE_BYTES to change it)"),
    "text.not-utf8": N_("not UTF-8 text (byte {byte})"),
    "text.too-deep": N_("nested more than {depth} lists or tables deep, the limit"),
    "syntax.toml": N_("TOML syntax error: {detail}"),
    "syntax.json": N_("JSON syntax error: {detail} (at line {line}, column {column})"),
    "syntax.json-key-twice": N_("JSON object has the key {key!r} twice (a key may appear once)"),
    "syntax.json-constant": N_("{word} is not a number qframework reads (numbers must be finite)"),
    "syntax.digits": N_("a number has too many digits (numbers must lie within the documented ranges)"),
    "syntax.other": N_("cannot parse: {detail}"),
    "syntax.too-large": N_("too large to parse"),
    # -- validation problems: the shape of a document
    "type": N_("expected {expected}, got {got}"),
    "type.detail": N_("expected {expected}: {detail}"),
    "type.personal": N_("expected {expected}, got {got} (not shown: personal data)"),
    "type.list-length": N_("expected a list of {count} values, got {got}"),
    "key.missing": N_("missing required key"),
    "key.unknown": N_("unknown key (expected one of: {known})"),
    "value.choice": N_("must be one of {allowed}, got {got}"),
    "number.int-range": N_("whole number out of range: must lie within ±{limit}"),
    "number.range": N_("number out of range: must lie within ±{limit}"),
    # -- validation problems: ids, texts, numbers (every document)
    "id.slug": N_(
        "must be a lower-case ASCII id such as 'netzwerk' or 'd3' (letters, digits, '-', '_', '.'), got {value}"
    ),
    "id.slug.what": N_(
        "{what} must be a lower-case ASCII id such as 'netzwerk' or 'd3' (letters, digits, '-', '_', '.'), got {value}"
    ),
    "id.too-long": N_("must be at most {max} characters, got {length}"),
    "id.duplicate": N_("duplicate id {id!r} (first used at {first})"),
    "text.empty": N_("must not be empty"),
    "text.control": N_("must not contain control or invisible characters, got {value}"),
    "number.whole": N_("must be a whole number, got {value}"),
    "number.whole-positive": N_("must be a whole number ≥ 1, got {value}"),
    "number.positive": N_("must be > 0, got {value}"),
    "url.scheme": N_("must start with http:// or https://, got {value}"),
    "ref.unknown": N_("unknown {what} {value!r} (known: {known})"),
    "ref.unknown.none": N_("unknown {what} {value!r}"),
    "translation.language": N_("language must be a code such as 'en' or 'en-GB'"),
    "translation.german": N_("German is the source language: put it in title/description"),
    # -- words used as parameters of validation problems
    "word.scale": N_("scale"),
    "word.facet": N_("facet"),
    "word.source": N_("source"),
    "word.facet-value": N_("value of facet {facet!r}"),
    "word.framework-id": N_("framework id"),
    "word.element-id": N_("element id"),
    "word.rater": N_("rater"),
    # -- validation problems: a framework
    "provenance.source.quoted": N_("quoted content must name its source"),
    "provenance.source.paraphrased": N_("paraphrased content must name its source"),
    "provenance.title-source.quoted": N_("a quoted title must name its source"),
    "provenance.title-source.paraphrased": N_("a paraphrased title must name its source"),
    "provenance.note": N_("authored content needs a note saying why no source gives it"),
    "provenance.missing.scale": N_("provenance missing: say where this scale comes from"),
    "provenance.missing.facet": N_("provenance missing: say where this facet comes from"),
    "provenance.missing.tier": N_("provenance missing: say where this tier's text comes from"),
    "provenance.missing.indicator": N_("provenance missing: say where this indicator comes from"),
    "provenance.missing.dimension": N_("provenance missing: say where this dimension comes from"),
    "provenance.missing.framework": N_("provenance missing: say where this framework comes from"),
    "scale.levels.few": N_("a scale needs at least 2 levels, got {count}"),
    "scale.levels.order": N_("levels must be listed in ascending order of value; {now} follows {before}"),
    "scale.duplicate": N_("duplicate scale id {id!r}"),
    "source.duplicate": N_("duplicate source id {id!r}"),
    "facet.duplicate": N_("duplicate facet id {id!r}"),
    "facet.values.none": N_("a facet needs at least one value"),
    "facet.values.empty": N_("list at least one value or leave the facet out"),
    "facet.value.duplicate": N_("duplicate facet value {value!r}"),
    "facet.one-value": N_("facet {facet!r} takes one value only"),
    "tier.duplicate": N_("duplicate tier {tier!r}"),
    "dimension.indicators.none": N_("a dimension needs at least one indicator"),
    "dimension.number.duplicate": N_("number {number} is already used by dimensions[{index}]"),
    "dimension.number.order": N_("dimensions must be listed by number; {number} follows {previous}"),
    "framework.dimensions.none": N_("a framework needs at least one dimension"),
    # -- validation problems: an assessment
    "assessment.period.empty": N_("must not be empty (e.g. '2024' or '2024-H1')"),
    "rater.duplicate": N_("duplicate rater {rater!r}"),
    "rater.unknown": N_("unknown rater {rater!r} (known: {known})"),
    "rater.unknown.none": N_("unknown rater {rater!r} (known: none declared; add [[raters]] entries)"),
    "rating.indicator.empty": N_("must name an indicator id, got ''"),
    "rating.value.type": N_("must be a whole number (a level of the scale), got {value}"),
    "rating.value.both": N_("a rating is either a value or not_applicable = true, not both"),
    "rating.tier.not-applicable": N_("a not-applicable rating names no tier"),
    "rating.twice": N_("indicator {indicator!r} is rated twice by rater {rater!r} (first at ratings[{first}])"),
    "rating.twice.joint": N_(
        "indicator {indicator!r} is rated twice by the joint rating (no rater) (first at ratings[{first}])"
    ),
    "rating.unrated": N_("not yet rated: give a level of the scale (value = …) or set not_applicable = true"),
    "assessment.not": N_("not an assessment"),
    "assessment.bulk": N_(
        "this is a bulk file holding assessments; compare and load_assessment() take one assessment per file "
        "(qframework score and validate read bulk files; in Python: load_assessments())"
    ),
    "assessment.bulk.one": N_(
        "this is a bulk file holding {count} assessment; compare and load_assessment() take one assessment per file "
        "(qframework score and validate read bulk files; in Python: load_assessments())"
    ),
    "assessment.bulk.many": N_(
        "this is a bulk file holding {count} assessments; compare and load_assessment() take one assessment per file "
        "(qframework score and validate read bulk files; in Python: load_assessments())"
    ),
    # -- validation problems: an assessment against its framework
    "framework.mismatch": N_("the assessment is for framework {framework!r}, not {expected!r}"),
    "framework.version-mismatch": N_(
        "the assessment was made against version {version!r}, this is version {expected!r}; "
        "score it against the version it names"
    ),
    "framework.not-installed": N_("framework {framework!r} is not installed (installed: {known})"),
    "framework.not-installed.none": N_("framework {framework!r} is not installed (installed: none installed)"),
    "framework.version.not-installed": N_(
        "framework {framework!r} version {version!r} is not installed (installed: {known})"
    ),
    "rating.indicator.unknown": N_(
        "unknown indicator {indicator!r} in {framework} {version} (list them: qframework show {framework})"
    ),
    "rating.indicator.unknown.hint": N_(
        "unknown indicator {indicator!r} in {framework} {version}; did you mean {hint!r}?"
    ),
    "rating.na.not-allowed": N_("scale {scale!r} of indicator {indicator!r} does not allow not-applicable"),
    "rating.value.off-scale": N_("{value} is not a level of scale {scale!r} ({range}; levels: {levels})"),
    "rating.tier.unknown": N_("unknown tier {tier!r} of indicator {indicator!r} (tiers: {tiers})"),
    "rating.tier.none": N_("indicator {indicator!r} has no tiers"),
    # -- validation problems: combining assessments
    "combine.none": N_("nothing to combine: no assessments given"),
    "combine.differs.framework": N_("framework {mine} differs from {theirs} in {first}"),
    "combine.differs.subject": N_("subject {mine} differs from {theirs} in {first}"),
    "combine.differs.period": N_("period {mine} differs from {theirs} in {first}"),
    "combine.rater-twice": N_(
        "rater {rater!r} also rates in {other}: give each rater their own id "
        "(on the workbook's Anleitung sheet, or [[raters]] id)"
    ),
    "combine.joint-twice": N_("joint ratings (no rater) also in {other}"),
    # -- validation problems: a programme, its participants and a roster
    "time.order": N_("ends ({end}) before it starts ({start})"),
    "number.at-least-one": N_("must be ≥ 1, got {value}"),
    "number.non-negative": N_("must be ≥ 0, got {value}"),
    "quota.max": N_("must be ≥ min ({min}), got {max}"),
    "quota.duplicate": N_("duplicate quota role {role!r}"),
    "provenance.missing.phase": N_("provenance missing: say where this phase comes from"),
    "provenance.missing.event": N_("provenance missing: say where this event comes from"),
    "provenance.missing.quota": N_("provenance missing: say where this quota comes from"),
    "provenance.missing.segment": N_("provenance missing: say where this segment comes from"),
    "provenance.missing.programme": N_("provenance missing: say where this programme comes from"),
    "provenance.missing.rules": N_("say where the assignment rules come from"),
    "provenance.missing.participants": N_("say where the list of participants comes from"),
    "provenance.missing.assignment": N_("say where the historical assignment comes from"),
    "programme.participant-count": N_("{count}, but {listed} participants are listed"),
    "phase.duplicate": N_("duplicate phase id {id!r}"),
    "event.duplicate": N_("duplicate event id {id!r}"),
    "segment.duplicate": N_("duplicate segment id {id!r}"),
    "participant.duplicate": N_("duplicate participant id {id!r}"),
    "delegate.duplicate": N_("duplicate delegate id {id!r}"),
    "source.unknown": N_("unknown source {source!r} (known: {known})"),
    "source.unknown.none": N_("unknown source {source!r} (known: none declared)"),
    "participant.topic.unknown": N_("refers to unknown topic {topic!r}"),
    "segment.participant.unknown": N_("{participant!r} is not among the participants"),
    "assignment.participant.unknown": N_("mentions {participant!r}, who is not among the participants"),
    "participants.none": N_("the file lists no participants ([[participants]] tables)"),
    # -- rule violations: a roster against its programme
    "roster.programme": N_("roster is for {programme!r}, not {expected!r}"),
    "roster.participant": N_("{participant!r} is not a participant of {programme}"),
    "roster.role.unknown": N_("role {role!r} has no quota in {programme} (roles: {roles})"),
    "roster.role.unknown.none": N_("role {role!r} has no quota in {programme} (roles: none)"),
    "roster.quota.min": N_("{quota}: {count} delegates, at least {min} required"),
    "roster.quota.max": N_("{quota}: {count} delegates, at most {max} allowed"),
    # -- an id that is not known (NotFound)
    "notfound": N_("unknown {what} {key} (known: {known})"),
    "notfound.hint": N_("unknown {what} {key} (did you mean {hint!r}? known: {known})"),
    "notfound.none": N_("unknown {what} {key} (no {what} is known)"),
    "notfound.level": N_("scale {scale!r} has no level {level} (known: {known})"),
    "word.dimension": N_("dimension"),
    "word.indicator": N_("indicator"),
    "word.framework": N_("framework"),
    "word.programme": N_("programme"),
    "word.crosswalk": N_("crosswalk"),
    "word.topic": N_("topic"),
    "word.participant": N_("participant"),
    "word.group": N_("group"),
    "word.placement": N_("placement"),
    "word.subject": N_("subject"),
    "word.period": N_("period"),
    "word.aggregation": N_("aggregation"),
    "word.mode": N_("mode"),
    # -- validation problems: a crosswalk
    "word.element-of": N_("element of {framework}"),
    "crosswalk.strength.range": N_("must be > 0 and ≤ 1, got {value}"),
    "crosswalk.entries.none": N_("a crosswalk needs at least one entry"),
    "crosswalk.entry.twice": N_("{source!r} → {target!r} is listed twice (first at entries[{first}])"),
    "provenance.missing.relation": N_("provenance missing: say where this relation comes from"),
    "provenance.missing.crosswalk": N_("provenance missing: say where this crosswalk comes from"),
    # -- validation problems: an assignment result
    "placement.ranks.count": N_("{ranks} ranks for {topics} topics"),
    # -- validation problems: assignment rules and participants
    "number.too-large": N_("must be ≤ {max}, got {value}"),
    "number.non-negative-number": N_("must be a number ≥ 0, got {value}"),
    "number.positive-number": N_("must be a number > 0, got {value}"),
    "location.pair": N_("must be (latitude, longitude), got {count} values"),
    "location.latitude": N_("latitude must be between -90 and 90, got {value}"),
    "location.longitude": N_("longitude must be between -180 and 180, got {value}"),
    "participant.preferences.twice": N_("ranks {topic!r} more than once"),
    "participant.exclusions.ranked": N_("{topic!r} is also ranked in preferences"),
    "participant.used-twice": N_("participant id {participant!r} is used more than once"),
    "participant.wants.range": N_("must lie within topics_per_participant ({count}), got {value}"),
    "topic.listed-twice": N_("lists {topic!r} more than once"),
    "topic.duplicate": N_("topic id {topic!r} is used more than once"),
    "topic.unknown": N_("unknown topic {topic!r}"),
    "topic.any-of.few": N_("an alternative needs at least 2 topics, got only {topic!r}"),
    "topic.any-of.self": N_("must not contain the alternative itself ({topic!r})"),
    "topic.any-of.nested": N_("{topic!r} is itself an alternative"),
    "groups.size.min": N_("a group needs at least 1 member, got {value}"),
    "rules.topics.none": N_("at least one topic is needed"),
    "rules.count.topics": N_("must be ≤ the number of topics ({topics}), got {value}"),
    "rules.required.range": N_("must be between 0 and topics_per_participant ({count}), got {value}"),
    "rules.required.range-min": N_(
        "must be between 0 and the minimum of topics_per_participant ({count}), got {value}"
    ),
    "rules.mandatory.too-many": N_("{count} mandatory topics, but only {required} required topics per participant"),
    # -- rule violations: an assignment checked against its rules
    "check.participant.unknown": N_("{participant!r} is not a participant"),
    "check.placed-twice": N_("placed {count} times"),
    "check.member-twice": N_("member of {count} groups: {groups}"),
    "check.group.duplicate": N_("group id used {count} times"),
    "check.group.unknown": N_("refers to unknown group {group!r}"),
    "check.group.mismatch": N_("placed in group {group!r} but listed as a member of {groups}"),
    "check.group.topics": N_("has {topics} but its group {group} has {group_topics}"),
    "check.group.none": N_("is in no group, but participants work in groups"),
    "check.group.size": N_("{count} members, but groups must have {size}"),
    "check.topic.unknown": N_("{topic!r} is not a topic of the rules"),
    "check.topic.twice": N_("{topic!r} is given {count} times"),
    "check.topic.twice-alternatives": N_("{topic!r} is given {count} times through alternatives"),
    "check.topic.with-alternative": N_("{topic!r} is given together with an alternative containing it"),
    "check.count.exact": N_("{count} topics instead of {want}"),
    "check.count.range": N_("{count} topics, but topics_per_participant is {want}"),
    "check.required.count": N_("{count} required topics instead of {want}"),
    "check.mandatory.optional": N_("mandatory topic {topic!r} is only optional"),
    "check.mandatory.missing": N_("mandatory topic {topic!r} is missing"),
    "check.unassigned.has-topics": N_("listed as unassigned but has topics"),
    "check.unassigned.listed": N_("is listed as unassigned, but every participant must be assigned"),
    "check.unassigned.no-topics": N_("got no topics, but every participant must be assigned"),
    "check.wants": N_("{count} topics, but it wants {wants}"),
    "check.wants.group": N_("{count} topics, but it wants {wants} (its group {group} has {count})"),
    "check.excluded": N_("got excluded topic {topic!r}"),
    "check.excluded.through": N_("got excluded topic {topic!r} (through {topics})"),
    "check.unranked": N_("got {topic!r}, which it did not rank"),
    "check.capacity": N_("{count} participants, but capacity is {capacity}"),
    "check.distinct": N_("required by {count}: {units}"),
    # -- validation problems: a bulk assessment file
    "bulk.top.type": N_("expected a table with an 'assessments' list at the top level"),
    "bulk.assessments.type": N_("expected a list of assessments"),
    "bulk.entry.type": N_("expected a table"),
    "bulk.ratings.list": N_("expected a table of columns (indicator, rater, value, …), got a list"),
    "bulk.ratings.type": N_("expected a table of columns (indicator, rater, value, …)"),
    "bulk.column.unknown": N_("unknown column (expected one of: {known})"),
    "bulk.column.missing": N_("missing required column"),
    "bulk.column.type": N_("a column must be a list, got {got}"),
    "bulk.column.lengths": N_("columns differ in length ({lengths}); every column needs one entry per rating"),
    "bulk.value.type": N_("expected a level (whole number) or {na!r}, got {got}"),
    "bulk.assessed-twice": N_(
        "subject {subject!r}, period {period!r} is assessed twice (first at {first}); "
        "a bulk file holds one assessment per subject and period"
    ),
    "bulk.unreadable": N_("the file could not be read as a bulk assessment file"),
    "bulk.suffix": N_("bulk assessments are written as JSON: give the file the suffix .json"),
    # -- validation problems: an Excel workbook and a web form
    "xlsx.unreadable": N_("not a readable Excel workbook (.xlsx): {reason}"),
    "xlsx.no-instructions": N_("no sheet {sheet}: not a qframework assessment workbook (sheets: {sheets})"),
    "xlsx.sheets": N_(
        "the sheets are not the template's ({detail}); write a fresh one with "
        "qframework template {framework} --format xlsx"
    ),
    "xlsx.sheets.missing": N_("missing sheets: {sheets}"),
    "xlsx.sheets.extra": N_("unexpected sheets: {sheets}"),
    "xlsx.sheets.both": N_("{missing}; {extra}"),
    "xlsx.label": N_("expected the label {label!r}, found {found}"),
    "xlsx.formula": N_("a formula is not allowed in an answer cell; type the value itself"),
    "xlsx.rows.too-many": N_("the sheet reaches row {rows}; the template ends at row {last} (delete what is below)"),
    "xlsx.rows.below": N_("content below the indicators; the template ends at row {last}"),
    "xlsx.header": N_("expected the header row {headers}; found {found}"),
    "xlsx.header.missing": N_("the header row is missing"),
    "xlsx.indicator": N_("expected an indicator id of this sheet ({known}), found {found}"),
    "xlsx.rating.none": N_("no rating: choose a level from the list or 'nicht zutreffend' (or clear the row)"),
    "xlsx.rating.off-scale": N_("{value!r} is not a level of the scale {scale!r} (choose: {choices})"),
    "form.rating.choose": N_("choose a level of the scale, got {got}"),
    "form.rating.none": N_("no rating: choose a level or not applicable (or clear the row)"),
    "form.rating.unrated": N_("not yet rated: choose a level or not applicable"),
    # -- why no assignment meets the rules (InfeasibleAssignment)
    "infeasible.why.excluded": N_("the others are excluded"),
    "infeasible.why.ranked": N_("only ranked topics are allowed"),
    "infeasible.need": N_("{count}"),
    "infeasible.need.at-least": N_("at least {count}"),
    "infeasible.mandatory-excluded": N_("participant {participant} excludes the mandatory topic {topic!r}"),
    "infeasible.usable": N_("participant {participant} can take only {count} topics ({why}), but needs {need}"),
    "infeasible.usable.one": N_("participant {participant} can take only {count} topic ({why}), but needs {need}"),
    "infeasible.capacity": N_(
        "{count} participants × {k} topics = {places} places, but capacities allow at most {total}"
    ),
    "infeasible.capacity.one": N_("{count} participants, but capacities allow at most {total}"),
    "infeasible.mandatory-capacity": N_(
        "{count} participants must take the mandatory topic {topic!r}, but its capacity is {max}"
    ),
    "infeasible.distinct": N_(
        "{count} participants need {slots} different required topics, but only {free} topics exist"
    ),
    "infeasible.distinct.groups": N_(
        "at least {count} groups need {slots} different required topics, but only {free} topics exist"
    ),
    "infeasible.exclusion": N_("participant {participant} excludes a topic of every possible topic combination"),
    "infeasible.group-size": N_("{count} participants cannot be split into groups of {size}"),
    "infeasible.minimum": N_(
        "the topics' minimum capacities need {mins} places, but {count} participants × {wants} topics "
        "give only {places}"
    ),
    "infeasible.minimum.one": N_(
        "the topics' minimum capacities need {mins} places, but {count} participants × {wants} topic give only {places}"
    ),
    "infeasible.minimum.wants": N_(
        "the topics' minimum capacities need {mins} places, but {count} participants' wants give only {places}"
    ),
    "infeasible.groups-split": N_("the participants of some topic cannot be split into groups of {size}"),
    "infeasible.distinct-all": N_("the required topics cannot all be different across participants"),
    "infeasible.minimums": N_("the topics' minimum capacities cannot all be reached"),
    "infeasible.capacities": N_("the topics' capacities are too small for these participants"),
    "infeasible.rules": N_("no assignment meets all rules together (exclusions, capacities, groups)"),
    "infeasible.regional-groups": N_(
        "the groups formed by distance cannot all get topics under these rules; try mode='joint'"
    ),
    # -- limits and text policy (hostile input)
    "value.text-with-spaces": N_("a text of {length} characters with spaces (not repeated: it may be a name)"),
    "value.texts-with-spaces": N_("a list of {count} texts (not repeated: they may be names)"),
    "value.surrogate": N_("contains a lone surrogate (\\ud800-\\udfff), which is not a character; fix the text"),
    "text.too-long.toml": N_(
        "TOML text is longer than {limit} bytes, the limit for TOML: write large data as JSON "
        "(or set QFRAMEWORK_MAX_FILE_BYTES to change it)"
    ),
    "text.invisible": N_(
        "must not contain control or invisible characters, got {value} ({char} at position {position})"
    ),
    "id.nfc": N_("must be in Unicode normal form NFC (an accented letter as one character), got {value}"),
    "number.weight.min": N_("must be at least {min} (weights are relative shares), got {value}"),
    "number.km-per-rank.min": N_("must be at least {min} (a millimetre of travel per preference rank), got {value}"),
    "level.title-deprecated": N_("give the label once, as 'label' ('title' is its deprecated name)"),
    "template.syntax": N_("template syntax error: {detail}"),
    "template.undefined": N_("the template uses a name the report does not have: {detail}"),
    "template.error": N_("template error: {detail}"),
    "template.failed": N_("the template failed while rendering: {detail}"),
    "xlsx.file.too-big": N_("the file is {size} bytes; an assessment workbook is far smaller (limit {limit})"),
    "xlsx.not-zip": N_("not an Excel workbook (.xlsx): the file is not a zip archive (an old .xls or a renamed file?)"),
    "xlsx.broken-zip": N_("not an Excel workbook (.xlsx): broken zip archive ({reason})"),
    "xlsx.parts.too-many": N_("the workbook has {count} parts; an assessment workbook has a few dozen (limit {limit})"),
    "xlsx.part.too-big": N_(
        "the workbook part {part} unpacks to {size} bytes (total {total}); refused as too large for an "
        "assessment workbook"
    ),
    "xlsx.part.encrypted": N_("the workbook part {part} is encrypted: save the workbook without a password"),
    "xlsx.part.compression": N_("the workbook part {part} uses a compression Excel does not write (method {method})"),
    "xlsx.no-workbook": N_("not an Excel workbook (.xlsx): the zip has no xl/workbook.xml"),
    "xlsx.part.broken": N_("not an Excel workbook (.xlsx): broken part {part} ({reason})"),
    "xlsx.styles.too-many": N_(
        "the workbook defines more than {limit} cell styles, fonts, fills or borders; a template defines a few "
        "dozen (write a fresh one with qframework template)"
    ),
    "xlsx.strings.too-many": N_(
        "the workbook holds more than {limit} shared strings; a template holds a few hundred "
        "(write a fresh one with qframework template)"
    ),
    "xlsx.tags.too-many": N_(
        "the workbook part {part} takes the workbook over its limits of XML tags ({sheet} in a worksheet, "
        "{other} in another part, {total} in all); a template holds a few thousand "
        "(write a fresh one with qframework template)"
    ),
    "xlsx.cells.too-many": N_(
        "the worksheet {part} takes the workbook over its limits of cells ({row} in a row, {total} in all); "
        "a template row has {columns} (write a fresh one with qframework template)"
    ),
    "xlsx.merged": N_(
        "merged cells ({cells}) in {part}: the template has none; unmerge them (or start from a fresh template)"
    ),
    # -- plugins that failed to load, named where what they may provide is missing
    "plugins.failed.suspect": N_(
        "the plugin {plugin}, which may provide {kind} {key!r}, failed to load: {failure} (see qframework plugins)"
    ),
    "plugins.failed.some": N_("note that plugins failed to load ({plugins}): see qframework plugins"),
    # -- a note read from a file written before notes were facts (its text, in the language it was made in)
    "text": N_("{text}"),
}


def shown_number(value: object) -> Param:
    """A number from a file as a parameter: a whole number or a number with at most two decimals
    is kept (shown with the language's decimal comma), anything else as its ``repr`` (exactly as given)."""
    import math

    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and math.isfinite(value) and round(value, 2) == value and abs(value) < 1e15:
        return value
    return repr(value)


def date_note(value: object) -> Param:
    """A date as a parameter: ``2019-01-01`` in English, ``01.01.2019`` in German (anything else as text)."""
    from datetime import date

    if isinstance(value, date):
        return Note("date", {"year": f"{value.year:04d}", "month": f"{value.month:02d}", "day": f"{value.day:02d}"})
    return str(value)


def frozen_params(params: Mapping[str, Param] | None = None) -> FrozenMap[str, Param]:
    """The parameters of a note as a :class:`~qframework.frozen.FrozenMap` (a field converter)."""
    return params if isinstance(params, FrozenMap) else FrozenMap(params or {})


@attrs.frozen
class Note:
    """A fact a result carries: a stable ``code`` and its parameters; words are made when shown.

    ``Note("given.ranked", {"topic": "netzwerk", "role": Note("role.required"), "rank": 2})``;
    :attr:`text` words it in the active language, :attr:`english` in English (for logs).
    """

    code: str
    params: FrozenMap[str, Param] = attrs.field(factory=FrozenMap, converter=frozen_params)

    @property
    def text(self) -> str:
        """The note in the active language."""
        return render(self)

    @property
    def english(self) -> str:
        """The note in English, whatever language is active (for logs and tools)."""
        from .i18n import language

        with language("en"):
            return render(self)

    def __str__(self) -> str:
        return render(self)


#: A parameter value of a :class:`Note`.
Param = Union[str, int, float, bool, tuple[str, ...], Note]  # noqa: UP007 - a runtime alias the converter reads


class Coded:
    """What a problem and a rule violation share: a ``code`` and its ``params`` (a :class:`Note`),
    and ``message``, the English wording kept for logs and for results made without a code."""

    __slots__ = ()
    code: str
    params: FrozenMap[str, Param]
    message: str

    @property
    def note(self) -> Note:
        """The fact as a :class:`Note` (its English text as a ``text`` note when it was made without a code)."""
        return Note(self.code, self.params) if self.code else Note("text", {"text": self.message})

    @property
    def text(self) -> str:
        """The message in the active language."""
        return self.note.text if self.code else self.message


def _number(value: float) -> str:
    """A number as the active language writes it, with the decimals it needs: ``2,5`` in German, ``2.5`` in English."""
    from .i18n import format_number

    return format_number(value, None)


def _value(value: Param, titles: Mapping[str, str] | None, titled: bool) -> str:
    if isinstance(value, Note):
        return render(value, titles=titles)
    if isinstance(value, bool):
        from .i18n import gettext_

        return gettext_("yes") if value else gettext_("no")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, tuple):
        return ", ".join(_value(v, titles, titled) for v in value)
    if titled and titles is not None:
        title = titles.get(value)
        if title and title != value:
            return f"{title} ({value})"
    return value


#: Parameters that name topics (shown with their titles where the caller knows them).
_TITLED = frozenset({"topic", "topics"})


def render(note: Note, *, titles: Mapping[str, str] | None = None) -> str:
    """``note`` in the active language; ``titles`` (id → title) shows topic ids with their title:
    ``"Netzwerk (netzwerk)"``.

    An unknown code (a note from a newer qframework) is shown as its code and parameters rather
    than failing: a reader of results never crashes on them.
    """
    from .i18n import gettext_

    template = TEMPLATES.get(note.code)
    values = {k: _value(v, titles, k in _TITLED) for k, v in note.params.items()}
    if template is None:
        return f"[{note.code}] " + ", ".join(f"{k}={v}" for k, v in values.items())
    try:
        return gettext_(template).format(**values)
    except (KeyError, IndexError, ValueError):
        # a parameter missing from a hand-made note: the English wording never fails
        return template.format_map(_Missing(values))


class _Missing(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


_NOTE_ONLY = frozenset({Note})


def notes(values: object) -> tuple[Note, ...]:
    """A field converter: a sequence of notes as a tuple; a plain string (a note written before
    notes were facts) becomes ``Note("text", {"text": ...})``, kept for one minor release."""
    if type(values) is tuple and _NOTE_ONLY.issuperset(map(type, values)):
        return values  # already notes (the solver's own, shared between placements): nothing to convert
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        return values  # type: ignore[return-value]  # the field's check reports it
    return tuple(Note("text", {"text": v}) if isinstance(v, str) else v for v in values)
