"""Excel in and out: a workbook a rater fills in, read back as an :class:`~qframework.assessment.Assessment`.

A Netzwerkkoordinatorin's colleagues rate in Excel, not in TOML. :func:`assessment_workbook` writes
one workbook per rater: an instructions sheet (``Anleitung``) whose answer cells hold the subject,
period and rater, and one sheet per dimension with one row per indicator (its text and the
provenance of that text), a drop-down of the scale's level labels plus "nicht zutreffend", and
columns for evidence, comment and (for two-step standards) the tier reached. The sheets are
protected and the workbook structure locked, so only the answer cells change.

:func:`load_assessment_xlsx` reads such a workbook back through the same validation as a TOML
file; every problem names its cell (``Netzwerk!C7: …``). Reading is defensive: the file must be a
small, sane zip, it is opened ``read_only`` and only the rows the template has are read, and
formulas and merged cells in the answer area are refused — a hostile or broken workbook is a
:class:`~qframework.errors.ValidationError`, never a traceback.

openpyxl is an optional dependency (``pip install 'qframework[excel]'``), imported on first use.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ._args import expect, expect_path
from ._safe_text import CONTROL, escape_controls
from .errors import NotFound, Problem, QFrameworkError, ValidationError
from .i18n import LANGUAGES, N_, active_language, provenance_label, translation
from .i18n import gettext_ as _
from .messages import Note
from .model import Framework, Indicator, Provenance, Scale
from .template import CONTENT_LANGUAGE_NOTE

if TYPE_CHECKING:
    from .assessment import Assessment
    from .plugins import Registry

__all__ = [
    "NOT_APPLICABLE_LABEL",
    "assessment_workbook",
    "load_assessment_xlsx",
    "loads_assessment_xlsx",
    "safe_cell_text",
    "save_assessment_workbook",
]

# The workbook speaks the language active when it is written (qframework.i18n.language): its sheet
# names, labels, headers and instructions are catalogue messages. It is read back in any language
# qframework has a catalogue for, and in the wording of the workbooks written before (LEGACY).

#: The drop-down entry for a not-applicable rating (where the scale allows it), a catalogue message.
NOT_APPLICABLE_MESSAGE = N_("not applicable")
#: The German drop-down entry (kept for tools that name it).
NOT_APPLICABLE_LABEL = "nicht zutreffend"

#: The instructions sheet's and the hidden lists sheet's names (catalogue messages; ``Anleitung`` in German).
INSTRUCTIONS_MESSAGE = N_("Instructions")
LISTS_MESSAGE = N_("Lists")
#: The German names (the workbooks written before they followed the language).
INSTRUCTIONS = "Anleitung"
LISTS = "Listen"
HEADER_ROW = 4
FIRST_ROW = 5
HEADER_MESSAGES = (
    N_("ID"),
    N_("Indicator"),
    N_("Rating"),
    N_("Evidence"),
    N_("Comment"),
    N_("Tier (optional)"),
    N_("Scale"),
    N_("Provenance"),
)
#: Answer columns of a dimension sheet and the rating field each holds.
ANSWER_COLUMNS = {"C": "value", "D": "evidence", "E": "comment", "F": "tier"}
#: Instructions-sheet rows: (row, label message, data path, answer cell?).
META_ROWS = (
    (3, N_("Framework"), "framework_id", False),
    (4, N_("Version"), "framework_version", False),
    (5, N_("Kommune (ID)"), "subject.id", True),
    (6, N_("Name of the Kommune"), "subject.name", True),
    (7, N_("Period"), "period", True),
    (8, N_("Rater (ID)"), "raters[0].id", True),
    (9, N_("Role"), "raters[0].role", True),
    (10, N_("Name of the rater"), "raters[0].name", True),
    (11, N_("Notes"), "notes", True),
)
#: Labels and headers of the workbooks written before (German, with the old wording): still read.
LEGACY = {
    "Framework": ("Rahmenwerk",),
    "Rater (ID)": ("Bewerter:in (ID)",),
    "Name of the rater": ("Name der Bewerter:in",),
    "Rating": ("Bewertung",),
    "Evidence": ("Nachweise",),
}


def _every_language(message: str) -> frozenset[str]:
    """``message`` in every language with a catalogue, and its legacy wordings."""
    return frozenset({translation(lang).gettext(message) for lang in LANGUAGES} | set(LEGACY.get(message, ())))


def _headers() -> tuple[str, ...]:
    """The dimension sheets' column headers in the active language."""
    return tuple(_(h) for h in HEADER_MESSAGES)


_NA_WORDS = frozenset({NOT_APPLICABLE_LABEL, "n/a", "na", "nz", "not applicable", "entfällt"})

# Limits that keep a hostile file cheap to refuse (docs/file-formats.md, "Limits"); a real template
# is a few dozen kilobytes with 13-22 parts and 2,000-4,000 XML tags, a styles part of ~130 tags.
MAX_FILE_BYTES = 20_000_000
MAX_PART_BYTES = 10_000_000
MAX_TOTAL_BYTES = 40_000_000
MAX_ENTRIES = 500
MAX_PART_TAGS = 200_000  # any part but a worksheet
MAX_SHEET_TAGS = 2_000_000  # a worksheet: only the template's rows are parsed (100,000 rows: 900,000 tags)
MAX_TOTAL_TAGS = 4_000_000
MAX_STYLE_RECORDS = 10_000
MAX_ROW_CELLS = 1_000
MAX_CELLS = 200_000
MAX_SHARED_STRINGS = 50_000
EXTRA_ROWS = 20  # rows read below the last indicator, to report stray content there

_FILLER_WORDS = frozenset(
    {
        "und",
        "mit",
        "der",
        "die",
        "das",
        "den",
        "von",
        "zur",
        "zum",
        "für",
        "im",
        "in",
        "auf",
        "and",
        "of",
        "the",
        "for",
        "with",
    }
)


def _supplier(plugin: str | None) -> str:
    """Who wrote the data's own texts: the supplying plugin (not "qframework"), else the data's authors."""
    return _("plugin {plugin}").format(plugin=plugin) if plugin else _("the authors of this framework data")


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - the test environment has it
        raise QFrameworkError("Excel files need openpyxl: pip install 'qframework[excel]'") from None
    return openpyxl


def safe_cell_text(text: str) -> str:
    """``text`` as a CSV cell Excel will not run: a leading ``= + - @`` (or tab, CR) gets a ``'`` before it.

    Spreadsheet programs evaluate a cell that starts with one of these as a formula (formula
    injection); the apostrophe makes it text. In xlsx files qframework instead stores such cells
    with the string type, which keeps the text unchanged.
    """
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _provenance_text(framework: Framework, p: Provenance | None, plugin: str | None = None) -> str:
    if p is None:
        return provenance_label("missing")
    titles = {s.id: s.title for s in framework.sources}
    source = _one_line(titles.get(p.source, p.source)) if p.source else ""
    if p.kind in ("quoted", "paraphrased") and source:
        return f"{provenance_label(p.kind)}: {source}"
    text = f"{provenance_label(p.kind)}: {_supplier(plugin)}"
    return text + ("; " + _("based on {source}").format(source=source) if source else "")


def sheet_names(framework: Framework) -> list[str]:
    """The sheet name of each dimension: its title, cut to Excel's 31 characters, unique."""
    names: list[str] = []
    taken = {n.casefold() for n in (_every_language(INSTRUCTIONS_MESSAGE) | _every_language(LISTS_MESSAGE))}
    for dim in framework.dimensions:
        # Excel forbids []:*?/\' in sheet names; control and bidi characters are left out, not escaped.
        base = re.sub(r"[\[\]:*?/\\']", " ", CONTROL.sub("", _one_line(dim.title))).strip() or dim.id
        if len(base) > 31:
            cut = base[:31]
            base = cut.rsplit(" ", 1)[0] if " " in cut[10:] else cut
            words = base.split(" ")
            while len(words) > 1 and words[-1].casefold() in _FILLER_WORDS:
                words.pop()
            base = " ".join(words)
        name = base
        if name.casefold() in taken:
            suffix = f" {dim.number}"
            name = base[: 31 - len(suffix)] + suffix
        taken.add(name.casefold())
        names.append(name)
    return names


def _level_labels(scale: Scale) -> list[tuple[str, int]]:
    """The drop-down entries of a scale with their values; a label used twice gets its value in front."""
    counts: dict[str, int] = {}
    for lv in scale.levels:
        counts[_one_line(lv.label).casefold()] = counts.get(_one_line(lv.label).casefold(), 0) + 1
    out = []
    for lv in scale.levels:
        label = _one_line(lv.label)
        out.append((label if counts[label.casefold()] == 1 else f"{lv.value} – {label}", lv.value))
    return out


def _put(ws: Any, ref: str, value: object) -> Any:
    """Write a cell; text is always stored as text, never as a formula (no formula injection)."""
    cell = ws[ref]
    if isinstance(value, str):  # openpyxl refuses C0 controls; bidi controls would reorder the text
        value = escape_controls(value, keep_crlf=True)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def assessment_workbook(
    framework: Framework,
    *,
    rater: str = "rater-1",
    subject: str = "kommune",
    period: str = "2025",
    filled: Assessment | None = None,
    plugin: str | None = None,
) -> bytes:
    """A workbook (xlsx bytes) in which one rater rates ``framework``; see the module docstring.

    Blank unless ``filled`` is given: then ``rater``'s ratings (or the joint ones) from that assessment
    are entered as a person would enter them (level labels, "nicht zutreffend", evidence, comment) —
    the demo's filled example, and a way to hand a rater last period's answers to revise.
    """
    from .assessment.model import Assessment as _Assessment

    expect(framework, Framework, "assessment_workbook", "framework")
    expect(filled, (_Assessment, type(None)), "assessment_workbook", "filled", "an Assessment or None")
    given: dict[str, Any] = {}
    if filled is not None:
        subject, period = filled.subject.id, filled.period
        for r in filled.ratings:
            if r.rater in (rater, None) and r.rated:
                given.setdefault(r.indicator, r)
    openpyxl = _openpyxl()
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    bold = Font(bold=True)
    answer_fill = PatternFill("solid", fgColor="FFF2CC")
    wrap = Alignment(wrap_text=True, vertical="top")
    unlocked = Protection(locked=False)

    wb = openpyxl.Workbook()
    info = wb.active
    info.title = _(INSTRUCTIONS_MESSAGE)
    heading = _("Self-assessment: {title} ({id} {version})").format(
        title=_one_line(framework.title), id=framework.id, version=framework.version
    )
    _put(info, "A1", heading).font = bold
    values = {
        "framework_id": framework.id,
        "framework_version": framework.version,
        "subject.id": subject,
        "period": period,
        "raters[0].id": rater,
    }
    for row, label, path, answer in META_ROWS:
        _put(info, f"A{row}", _(label)).font = bold
        cell = _put(info, f"B{row}", values.get(path, ""))
        if answer:
            cell.protection = unlocked
            cell.fill = answer_fill
    whose = (
        _(
            "Where the texts come from: the dimension and indicator texts are data of the plugin {plugin}, "
            "not the publisher's document."
        ).format(plugin=plugin)
        if plugin
        else _(
            "Where the texts come from: the dimension and indicator texts are data of this framework file, "
            "not the publisher's document."
        )
    )
    text = [
        *_(
            "How to fill in this workbook:\n"
            "1. In the yellow fields above, enter the Kommune, the period and your rater id (ids: lower-case "
            "letters, digits, '-').\n"
            "2. On every sheet, choose a level from the list in column C ({rating}) or '{na}'.\n"
            "   Empty rows count as not yet rated. Evidence and comment (columns D, E) are optional.\n"
            "3. Save the file and check it with: qframework score FILE.xlsx\n"
            "   Several raters: qframework score a.xlsx b.xlsx --combine"
        )
        .format(rating=_(HEADER_MESSAGES[2]), na=_(NOT_APPLICABLE_MESSAGE))
        .splitlines(),
        "",
        whose,
        _("Each row names the provenance of its text; only '{label}' is the source's own wording.").format(
            label=provenance_label("quoted")
        ),
        _("Framework: {title}").format(title=_one_line(framework.title))
        + (
            ", " + _("published by {publisher}").format(publisher=_one_line(framework.publisher))
            if framework.publisher
            else ""
        )
        + f" [{_provenance_text(framework, framework.provenance, plugin)}]",
    ]
    if active_language() != "de":
        text.append(_(CONTENT_LANGUAGE_NOTE))
    text += [
        _("Source {id}: {title}").format(id=s.id, title=_one_line(s.title)) + (f" {s.url}" if s.url else "")
        for s in framework.sources
    ]
    for i, line in enumerate(text):
        _put(info, f"A{13 + i}", line)
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = 40
    info.protection.sheet = True

    # The drop-down lists live on a hidden sheet: labels may hold commas, which inline lists cannot.
    lists_name = _(LISTS_MESSAGE)
    lists = wb.create_sheet(lists_name)
    list_ranges: dict[str, str] = {}
    column = 0

    def add_list(key: str, entries: Sequence[str]) -> None:
        nonlocal column
        column += 1
        letter = openpyxl.utils.get_column_letter(column)
        _put(lists, f"{letter}1", key)
        for r, entry in enumerate(entries, start=2):
            _put(lists, f"{letter}{r}", entry)
        list_ranges[key] = f"'{lists_name}'!${letter}$2:${letter}${len(entries) + 1}"

    for scale in framework.scales:
        labels = [label for label, _value in _level_labels(scale)]
        add_list(f"scale:{scale.id}", labels + ([_(NOT_APPLICABLE_MESSAGE)] if scale.allow_not_applicable else []))
    for ind in framework.indicators():
        if ind.tiers:
            add_list(f"tiers:{ind.id}", [_one_line(t.title) for t in ind.tiers])
    lists.sheet_state = "hidden"
    lists.protection.sheet = True

    for dim, name in zip(framework.dimensions, sheet_names(framework), strict=True):
        ws = wb.create_sheet(name)
        _put(ws, "A1", f"{dim.number} {_one_line(dim.title)}").font = Font(bold=True, size=13)
        _put(ws, "A2", _("provenance: {tag}").format(tag=_provenance_text(framework, dim.provenance, plugin)))
        _put(ws, "A3", _("Choose the rating in column C from the list; evidence, comment and tier are optional."))
        for col, header in enumerate(_headers(), start=1):
            _put(ws, f"{openpyxl.utils.get_column_letter(col)}{HEADER_ROW}", header).font = bold
        by_list: dict[str, list[str]] = {}
        for row, ind in enumerate(dim.indicators, start=FIRST_ROW):
            scale = framework.scale_of(ind)
            _put(ws, f"A{row}", ind.id)
            _put(ws, f"B{row}", _one_line(ind.title)).alignment = wrap
            for letter in "CDE" + ("F" if ind.tiers else ""):
                cell = ws[f"{letter}{row}"]
                cell.protection = unlocked
                cell.fill = answer_fill
                cell.alignment = wrap
            if ind.id in given:
                rating = given[ind.id]
                label = {v: lab for lab, v in _level_labels(scale)}.get(rating.value, "")
                _put(ws, f"C{row}", _(NOT_APPLICABLE_MESSAGE) if rating.not_applicable else label)
                _put(ws, f"D{row}", rating.evidence)
                _put(ws, f"E{row}", rating.comment)
                if rating.tier and ind.tiers:
                    _put(ws, f"F{row}", {t.id: _one_line(t.title) for t in ind.tiers}.get(rating.tier, ""))
            levels = " · ".join(f"{lv.value} = {_one_line(lv.label)}" for lv in scale.levels)
            _put(ws, f"G{row}", levels).alignment = wrap
            _put(ws, f"H{row}", _provenance_text(framework, ind.provenance, plugin)).alignment = wrap
            by_list.setdefault(f"scale:{scale.id}", []).append(f"C{row}")
            if ind.tiers:
                by_list.setdefault(f"tiers:{ind.id}", []).append(f"F{row}")
        for key, refs in by_list.items():
            dv = DataValidation(type="list", formula1=list_ranges[key], allow_blank=True)
            dv.error = _("Please choose an entry from the list.")
            dv.errorTitle = _("Invalid entry")
            for ref in refs:
                dv.add(ref)
            ws.add_data_validation(dv)
        for letter, width in zip("ABCDEFGH", (22, 60, 26, 30, 30, 22, 40, 30), strict=True):
            ws.column_dimensions[letter].width = width
        ws.freeze_panes = f"C{FIRST_ROW}"
        ws.protection.sheet = True
    wb.security.lockStructure = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def save_assessment_workbook(
    framework: Framework,
    path: str | os.PathLike[str],
    *,
    rater: str = "rater-1",
    subject: str = "kommune",
    period: str = "2025",
    filled: Assessment | None = None,
    plugin: str | None = None,
) -> None:
    """Write :func:`assessment_workbook` to ``path`` (atomically)."""
    from .io import atomic_write

    atomic_write(
        path,
        lambda: assessment_workbook(
            framework, rater=rater, subject=subject, period=period, filled=filled, plugin=plugin
        ),
    )


# -- reading ------------------------------------------------------------------------------------


def load_assessment_xlsx(
    path: str | os.PathLike[str], *, registry: Registry | None = None, check: bool = True
) -> Assessment:
    """Read a filled-in workbook from :func:`assessment_workbook` and validate it like a TOML file.

    Every problem is reported together, each with its cell (``Netzwerk!C7: …``). Empty rating
    rows are not rated. The framework named on the instructions sheet must be installed (or in
    ``registry``): its scales turn the chosen labels back into values.
    """
    from .assessment.files import read_bytes

    expect_path(path, "load_assessment_xlsx")
    return loads_assessment_xlsx(read_bytes(path), registry=registry, file=str(path), check=check)


def loads_assessment_xlsx(
    data: bytes, *, registry: Registry | None = None, file: str | None = None, check: bool = True
) -> Assessment:
    """:func:`load_assessment_xlsx` for the bytes of a workbook."""
    from .assessment.files import _assessment_problems, _registry_or_default

    _check_zip(data, file)
    openpyxl = _openpyxl()
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on a broken file; all mean "not readable"
        raise ValidationError([Problem.of("", "xlsx.unreadable", reason=_why(exc))], file) from None
    try:
        reg = _registry_or_default(registry)
        reader = _Reader(wb, reg, file)
        plain = reader.read()
        built, problems = _assessment_problems(plain, reg, check)
    except (ValidationError, QFrameworkError):
        raise
    except Exception as exc:  # a broken part of the zip found while streaming a sheet
        raise ValidationError([Problem.of("", "xlsx.unreadable", reason=_why(exc))], file) from None
    finally:
        wb.close()
    if any(p.path.startswith("raters[0]") for p in problems):  # the rater id's problem, not once per rating
        problems = [p for p in problems if not re.fullmatch(r"ratings\[\d+\]\.rater", p.path)]
    mapped = reader.problems + [p.at(reader.cell_of(p.path)) for p in problems]
    problems = list(dict.fromkeys(mapped))
    if problems or built is None:
        raise ValidationError(problems or [Problem.of("", "assessment.not")], file)
    return built


def _why(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:200]


def _check_zip(data: bytes, file: str | None) -> None:
    """Refuse a workbook that would cost far more to read than a template ever does, before openpyxl sees it.

    One pass over the archive, opened once (docs/file-formats.md, "Limits"): the number of
    entries, encryption and compression flags and each part's unpacked size come from the zip's
    directory; every part is then unpacked once, in chunks, counting its XML tags (``<``), since
    openpyxl builds an object for every style, shared string and cell it parses. Styles and shared
    strings have their own, tighter, tag limits. Worksheets are searched for merged cells in the
    same pass. The work is linear in the archive's unpacked size, which the limits bound.
    """

    def fail(code: str, **params: Any) -> ValidationError:
        return ValidationError([Problem.of("", code, **params)], file)

    if len(data) > MAX_FILE_BYTES:
        raise fail("xlsx.file.too-big", size=float(len(data)), limit=float(MAX_FILE_BYTES))
    if not data.startswith(b"PK"):
        raise fail("xlsx.not-zip")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise fail("xlsx.broken-zip", reason=_why(exc)) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise fail("xlsx.parts.too-many", count=float(len(infos)), limit=float(MAX_ENTRIES))
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES:
                raise fail("xlsx.part.too-big", part=_part_name(info), size=float(info.file_size), total=float(total))
            if info.flag_bits & 0x1:
                raise fail("xlsx.part.encrypted", part=_part_name(info))
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise fail("xlsx.part.compression", part=_part_name(info), method=info.compress_type)
        names = {info.filename for info in infos}
        if "xl/workbook.xml" not in names:
            raise fail("xlsx.no-workbook")
        scan = _Scan()
        for info in infos:
            if info.is_dir():
                continue
            name = info.filename
            before = scan.tags
            sheet = name.startswith("xl/worksheets/") and name.endswith(".xml")
            try:
                with archive.open(info) as part:
                    _scan_part(part, sheet, scan, MAX_TOTAL_TAGS)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as exc:
                raise fail("xlsx.part.broken", part=_part_name(info), reason=_why(exc)) from None
            except zlib.error as exc:  # a corrupt deflate stream (found by the workbook fuzzer)
                raise fail("xlsx.part.broken", part=_part_name(info), reason=_why(exc)) from None
            if scan.styles > MAX_STYLE_RECORDS:
                raise fail("xlsx.styles.too-many", limit=float(MAX_STYLE_RECORDS))
            if scan.strings > MAX_SHARED_STRINGS:
                raise fail("xlsx.strings.too-many", limit=float(MAX_SHARED_STRINGS))
            if scan.tags - before > (MAX_SHEET_TAGS if sheet else MAX_PART_TAGS) or scan.tags > MAX_TOTAL_TAGS:
                raise fail(
                    "xlsx.tags.too-many",
                    part=_part_name(info),
                    sheet=float(MAX_SHEET_TAGS),
                    other=float(MAX_PART_TAGS),
                    total=float(MAX_TOTAL_TAGS),
                )
            if scan.widest_row > MAX_ROW_CELLS or scan.cells > MAX_CELLS:
                raise fail(
                    "xlsx.cells.too-many",
                    part=_part_name(info),
                    row=float(MAX_ROW_CELLS),
                    total=float(MAX_CELLS),
                    columns=len(HEADER_MESSAGES),
                )
            if scan.merged:
                merged = sorted(set(scan.merged))
                raise fail("xlsx.merged", cells=tuple(merged[:5]), part=name)


def _part_name(info: zipfile.ZipInfo) -> str:
    return repr(safe_cell_text(_one_line(info.filename))[:120])


class _Scan:
    """What one pass over a part found: tags, style records, shared strings, merged ranges."""

    __slots__ = ("cells", "merged", "row_cells", "strings", "styles", "tags", "widest_row")

    def __init__(self) -> None:
        self.tags = 0
        self.cells = 0
        self.row_cells = 0
        self.widest_row = 0
        self.styles = 0
        self.strings = 0
        self.merged: list[str] = []


def _scan_part(part: Any, sheet: bool, scan: _Scan, stop: int) -> None:
    """Count a part's tags, style records and shared strings into ``scan``; collect a worksheet's merged ranges.

    Chunks are cut at their last ``<``; the tag it starts is carried (at most 256 bytes of it) into
    the next chunk, so no tag is counted twice or missed at a boundary. Stops once ``stop`` tags
    were seen in total: the caller refuses the workbook then.
    """
    carry = b""
    while chunk := part.read(1 << 20):
        scan.tags += chunk.count(b"<")
        buf = carry + chunk
        cut = buf.rfind(b"<")
        if cut <= 0:  # no tag starts in this chunk after the carried one (if any)
            carry = buf[:256] if cut == 0 else b""
            continue
        body, carry = buf[:cut], buf[cut : cut + 256]
        scan.styles += len(_STYLE_RECORD.findall(body))
        scan.strings += len(_SHARED_STRING.findall(body))
        if sheet:
            _scan_sheet(body, scan)
        if scan.tags > stop:
            return
    scan.styles += len(_STYLE_RECORD.findall(carry))
    scan.strings += len(_SHARED_STRING.findall(carry))
    if sheet:
        _scan_sheet(carry, scan)
    scan.row_cells = 0


def _scan_sheet(body: bytes, scan: _Scan) -> None:
    """Count a worksheet's cells, in all and in its widest row; collect its merged ranges."""
    for match in _SHEET_TOKEN.finditer(body):
        if match.group(1) == b"c":
            scan.cells += 1
            scan.row_cells += 1
            if scan.row_cells > scan.widest_row:
                scan.widest_row = scan.row_cells
        else:
            scan.row_cells = 0
    scan.merged += [m.decode("ascii", "replace") for m in _MERGE_CELL.findall(body)]


_MERGE_CELL = re.compile(rb"<(?:[\w.-]+:)?mergeCell\s+ref=\"([^\"]+)\"")
# Elements openpyxl turns into an object each when it loads the styles (any prefix, any part).
_STYLE_RECORD = re.compile(rb"<(?:[\w.-]+:)?(?:xf|font|fill|border|numFmt|dxf|cellStyle|tableStyle|color)[\s/>]")
_SHARED_STRING = re.compile(rb"<(?:[\w.-]+:)?si[\s/>]")
# openpyxl parses every cell of a row it reads, also those beyond the columns asked for.
_SHEET_TOKEN = re.compile(rb"<(?:[\w.-]+:)?(row|c)[\s/>]")


class _Reader:
    """Turns a read-only workbook into the plain data of an assessment, remembering each value's cell."""

    def __init__(self, wb: Any, registry: Registry, file: str | None) -> None:
        self.wb = wb
        self.registry = registry
        self.file = file
        self.problems: list[Problem] = []
        self.cells: dict[str, str] = {}
        self.info = INSTRUCTIONS

    def cell_of(self, path: str) -> str:
        """The cell a data path came from (the longest known prefix), else the path itself."""
        probe = path
        while probe:
            if probe in self.cells:
                return self.cells[probe]
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""
        return path

    def problem(self, ref: str, code: str, **params: Any) -> None:
        self.problems.append(Problem.of(ref, code, **params))

    def read(self) -> dict[str, Any]:
        names = list(self.wb.sheetnames)
        info = [n for n in names if n in _every_language(INSTRUCTIONS_MESSAGE)]
        if not info:
            raise ValidationError(
                [
                    Problem.of(
                        "",
                        "xlsx.no-instructions",
                        sheet=" / ".join(sorted(_every_language(INSTRUCTIONS_MESSAGE))),
                        sheets=repr(names[:10]),
                    )
                ],
                self.file,
            )
        self.info = info[0]
        meta = self._meta()
        fid, version = meta.get("framework_id"), meta.get("framework_version")
        try:
            framework = self.registry.framework(str(fid), str(version) if version else None)
        except QFrameworkError as exc:
            problem = (
                exc.problem(f"{self.info}!B3") if isinstance(exc, NotFound) else Problem(f"{self.info}!B3", str(exc))
            )
            raise ValidationError([problem], self.file) from None
        expected = sheet_names(framework)
        missing = [n for n in expected if n not in names]
        extra = [n for n in names if n not in expected and n != self.info and n not in _every_language(LISTS_MESSAGE)]
        if missing or extra:
            parts = [Note("xlsx.sheets.missing", {"sheets": tuple(missing)})] if missing else []
            parts += [Note("xlsx.sheets.extra", {"sheets": tuple(extra)})] if extra else []
            detail = Note("xlsx.sheets.both", {"missing": parts[0], "extra": parts[1]}) if len(parts) == 2 else parts[0]
            raise ValidationError(
                [Problem.of("", "xlsx.sheets", detail=detail, framework=framework.id)],
                self.file,
            )
        rater = meta.get("raters[0].id")
        data: dict[str, Any] = {
            "framework_id": fid,
            "framework_version": version,
            "subject": {"id": meta.get("subject.id", ""), "name": meta.get("subject.name", "")},
            "period": meta.get("period", ""),
            "notes": meta.get("notes", ""),
            "raters": [{"id": rater, "role": meta.get("raters[0].role", ""), "name": meta.get("raters[0].name", "")}],
            "ratings": [],
        }
        for dim, name in zip(framework.dimensions, expected, strict=True):
            for rating in self._dimension(framework, dim.indicators, name):
                rating["rater"] = rater
                self.cells[f"ratings[{len(data['ratings'])}].rater"] = self.cells["raters[0].id"]
                data["ratings"].append(rating)
        _strip_rows(data["ratings"], self.cells)
        return data

    def _meta(self) -> dict[str, Any]:
        ws = self.wb[self.info]
        rows = {r: row for r, row in enumerate(ws.iter_rows(min_row=1, max_row=META_ROWS[-1][0], max_col=2), 1)}
        out: dict[str, Any] = {}
        for row, label, path, _answer in META_ROWS:
            ref = f"{self.info}!B{row}"
            self.cells[path] = ref
            cells = rows.get(row, ())
            head = cells[0].value if len(cells) > 0 else None
            if head not in _every_language(label):
                self.problem(f"{self.info}!A{row}", "xlsx.label", label=_(label), found=repr(head))
            value = self._text(cells[1] if len(cells) > 1 else None, ref)
            if value is not None:
                out[path] = value
        return out

    def _text(self, cell: Any, ref: str) -> str | None:
        """A cell's content as text (None when empty); a formula is a problem, a number its digits."""
        if cell is None or cell.value is None:
            return None
        if cell.data_type == "f":
            self.problem(ref, "xlsx.formula")
            return None
        value = cell.value
        if isinstance(value, bool):
            return "wahr" if value else "falsch"
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip()
        return text or None

    def _dimension(self, framework: Framework, indicators: Sequence[Indicator], sheet: str) -> Iterator[dict[str, Any]]:
        ws = self.wb[sheet]
        last = FIRST_ROW + len(indicators) - 1
        bound = last + EXTRA_ROWS
        declared = ws.max_row
        too_long = isinstance(declared, int) and declared > bound
        if too_long:
            self.problem(f"{sheet}!A{last + 1}", "xlsx.rows.too-many", rows=float(declared), last=last)
        by_id = {ind.id: ind for ind in indicators}
        seen_header = False
        for r, row in enumerate(ws.iter_rows(min_row=1, max_row=bound, max_col=len(HEADER_MESSAGES)), start=1):
            cells = {col: row[i] for i, col in enumerate("ABCDEFGH") if i < len(row)}
            if r == HEADER_ROW:
                seen_header = True
                found = tuple(self._text(cells.get(c), f"{sheet}!{c}{r}") for c in "ABCDE")
                if not all(h in _every_language(m) for h, m in zip(found, HEADER_MESSAGES[:5], strict=True)):
                    self.problem(f"{sheet}!A{r}", "xlsx.header", headers=tuple(_headers()[:5]), found=repr(found))
                    return
            if r < FIRST_ROW:
                continue
            answers = {field: self._text(cells.get(col), f"{sheet}!{col}{r}") for col, field in ANSWER_COLUMNS.items()}
            ind_id = self._text(cells.get("A"), f"{sheet}!A{r}")
            if r > last and (ind_id is not None or any(v is not None for v in answers.values())):
                if not too_long:  # one problem per sheet says it all
                    self.problem(f"{sheet}!A{r}", "xlsx.rows.below", last=last)
                break
            if not any(v is not None for v in answers.values()):
                continue
            ind = by_id.get(ind_id or "")
            if ind is None:
                self.problem(f"{sheet}!A{r}", "xlsx.indicator", known=tuple(by_id), found=repr(ind_id))
                continue
            rating = self._rating(framework, ind, answers, sheet, r)
            if rating is not None:
                yield rating
        if not seen_header:
            self.problem(f"{sheet}!A{HEADER_ROW}", "xlsx.header.missing")

    def _rating(
        self, framework: Framework, ind: Indicator, answers: dict[str, str | None], sheet: str, r: int
    ) -> dict[str, Any] | None:
        scale = framework.scale_of(ind)
        raw = answers["value"]
        ref = f"{sheet}!C{r}"
        if raw is None:
            self.problem(ref, "xlsx.rating.none")
            return None
        rating: dict[str, Any] = {"indicator": ind.id}
        labels = {label.casefold(): value for label, value in _level_labels(scale)}
        labels.update({_one_line(lv.label).casefold(): lv.value for lv in scale.levels})
        key = _one_line(raw).casefold()
        if key in _NA_WORDS or key in {w.casefold() for w in _every_language(NOT_APPLICABLE_MESSAGE)}:
            rating["not_applicable"] = True
        elif key in labels:
            rating["value"] = labels[key]
        elif re.fullmatch(r"-?\d+", key):
            rating["value"] = int(key)  # a level value typed instead of its label; the scale check follows
        else:
            choices = [label for label, _ in _level_labels(scale)]
            choices += [_(NOT_APPLICABLE_MESSAGE)] if scale.allow_not_applicable else []
            self.problem(ref, "xlsx.rating.off-scale", value=raw, scale=scale.id, choices=tuple(choices))
            return None
        tier = answers["tier"]
        if tier is not None:
            tiers = {_one_line(t.title).casefold(): t.id for t in ind.tiers} | {t.id: t.id for t in ind.tiers}
            rating["tier"] = tiers.get(_one_line(tier).casefold(), tier)
        for field in ("evidence", "comment"):
            if answers[field] is not None:
                rating[field] = answers[field]
        return rating | {"_row": (sheet, r)}


def _strip_rows(ratings: list[dict[str, Any]], cells: dict[str, str]) -> None:
    """Record each rating's cells and drop the bookkeeping key."""
    for i, rating in enumerate(ratings):
        sheet, r = rating.pop("_row")
        cells[f"ratings[{i}]"] = f"{sheet}!A{r}"
        cells[f"ratings[{i}].indicator"] = f"{sheet}!A{r}"
        cells[f"ratings[{i}].value"] = f"{sheet}!C{r}"
        cells[f"ratings[{i}].not_applicable"] = f"{sheet}!C{r}"
        cells[f"ratings[{i}].evidence"] = f"{sheet}!D{r}"
        cells[f"ratings[{i}].comment"] = f"{sheet}!E{r}"
        cells[f"ratings[{i}].tier"] = f"{sheet}!F{r}"
