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
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ._args import expect, expect_path
from .errors import Problem, QFrameworkError, ValidationError
from .model import Framework, Indicator, Provenance, Scale

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

#: The drop-down entry for a not-applicable rating (where the scale allows it).
NOT_APPLICABLE_LABEL = "nicht zutreffend"

INSTRUCTIONS = "Anleitung"
LISTS = "Listen"
HEADER_ROW = 4
FIRST_ROW = 5
HEADERS = ("ID", "Indikator", "Bewertung", "Nachweise", "Kommentar", "Stufe (optional)", "Skala", "Herkunft")
#: Answer columns of a dimension sheet and the rating field each holds.
ANSWER_COLUMNS = {"C": "value", "D": "evidence", "E": "comment", "F": "tier"}
#: Instructions-sheet rows: (row, label, data path, answer cell?).
META_ROWS = (
    (3, "Rahmenwerk", "framework_id", False),
    (4, "Version", "framework_version", False),
    (5, "Kommune (ID)", "subject.id", True),
    (6, "Name der Kommune", "subject.name", True),
    (7, "Zeitraum", "period", True),
    (8, "Bewerter:in (ID)", "raters[0].id", True),
    (9, "Rolle", "raters[0].role", True),
    (10, "Name der Bewerter:in", "raters[0].name", True),
    (11, "Anmerkungen", "notes", True),
)
_NA_WORDS = frozenset({NOT_APPLICABLE_LABEL, "n/a", "na", "nz", "not applicable", "entfällt"})

# Limits that keep a hostile file cheap to refuse; a real template is a few dozen kilobytes.
MAX_FILE_BYTES = 20_000_000
MAX_PART_BYTES = 50_000_000
MAX_TOTAL_BYTES = 100_000_000
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

_PROVENANCE_WORDS = {
    "quoted": "wörtlich aus der Quelle",
    "paraphrased": "sinngemäß nach der Quelle",
    "inferred": "erschlossen {who}",
    "authored": "formuliert {who}",
}


def _supplier(plugin: str | None) -> str:
    """Who wrote the data's own texts: the supplying plugin (not "qframework"), else the data's authors."""
    return f"vom Plugin {plugin}" if plugin else "von den Autor:innen dieser Rahmendaten"


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
        return "Herkunft nicht angegeben"
    titles = {s.id: s.title for s in framework.sources}
    source = _one_line(titles.get(p.source, p.source)) if p.source else ""
    text = f"{p.kind}: {_PROVENANCE_WORDS.get(p.kind, p.kind).format(who=_supplier(plugin))}"
    return text + (f" ({source})" if source else "")


def sheet_names(framework: Framework) -> list[str]:
    """The sheet name of each dimension: its title, cut to Excel's 31 characters, unique."""
    names: list[str] = []
    taken = {INSTRUCTIONS.casefold(), LISTS.casefold()}
    for dim in framework.dimensions:
        base = re.sub(r"[\[\]:*?/\\']", " ", _one_line(dim.title)).strip() or dim.id
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
    info.title = INSTRUCTIONS
    _put(info, "A1", f"Selbstbewertung: {_one_line(framework.title)} ({framework.id} {framework.version})").font = bold
    values = {
        "framework_id": framework.id,
        "framework_version": framework.version,
        "subject.id": subject,
        "period": period,
        "raters[0].id": rater,
    }
    for row, label, path, answer in META_ROWS:
        _put(info, f"A{row}", label).font = bold
        cell = _put(info, f"B{row}", values.get(path, ""))
        if answer:
            cell.protection = unlocked
            cell.fill = answer_fill
    text = [
        "So füllen Sie diese Arbeitsmappe aus:",
        "1. Tragen Sie oben in den gelben Feldern Kommune, Zeitraum und Ihre Bewerter-ID ein (IDs: Kleinbuchstaben,"
        " Ziffern, '-').",
        "2. Wählen Sie auf jedem Blatt in Spalte C (Bewertung) eine Stufe aus der Liste oder 'nicht zutreffend'.",
        "   Leere Zeilen gelten als nicht bewertet. Nachweise und Kommentar (Spalten D, E) sind freiwillig.",
        "3. Speichern Sie die Datei und prüfen Sie sie mit: qframework score DATEI.xlsx",
        "   Mehrere Bewerter:innen: qframework score a.xlsx b.xlsx --combine",
        "",
        "Herkunft der Texte: Die Texte der Dimensionen und Indikatoren sind "
        + (f"Daten des Plugins {plugin}" if plugin else "Daten dieser Rahmendatei")
        + ", nicht das",
        "Dokument des Herausgebers. Jede Zeile nennt die Herkunft ihres Textes; nur 'quoted' ist Wortlaut der Quelle.",
        f"Rahmenwerk: {_one_line(framework.title)}"
        + (f", herausgegeben von {_one_line(framework.publisher)}" if framework.publisher else "")
        + f" [{_provenance_text(framework, framework.provenance, plugin)}]",
    ]
    text += [f"Quelle {s.id}: {_one_line(s.title)}" + (f" {s.url}" if s.url else "") for s in framework.sources]
    for i, line in enumerate(text):
        _put(info, f"A{13 + i}", line)
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = 40
    info.protection.sheet = True

    # The drop-down lists live on a hidden sheet: labels may hold commas, which inline lists cannot.
    lists = wb.create_sheet(LISTS)
    list_ranges: dict[str, str] = {}
    column = 0

    def add_list(key: str, entries: Sequence[str]) -> None:
        nonlocal column
        column += 1
        letter = openpyxl.utils.get_column_letter(column)
        _put(lists, f"{letter}1", key)
        for r, entry in enumerate(entries, start=2):
            _put(lists, f"{letter}{r}", entry)
        list_ranges[key] = f"'{LISTS}'!${letter}$2:${letter}${len(entries) + 1}"

    for scale in framework.scales:
        labels = [label for label, _ in _level_labels(scale)]
        add_list(f"scale:{scale.id}", labels + ([NOT_APPLICABLE_LABEL] if scale.allow_not_applicable else []))
    for ind in framework.indicators():
        if ind.tiers:
            add_list(f"tiers:{ind.id}", [_one_line(t.title) for t in ind.tiers])
    lists.sheet_state = "hidden"
    lists.protection.sheet = True

    for dim, name in zip(framework.dimensions, sheet_names(framework), strict=True):
        ws = wb.create_sheet(name)
        _put(ws, "A1", f"{dim.number} {_one_line(dim.title)}").font = Font(bold=True, size=13)
        _put(ws, "A2", f"Herkunft: {_provenance_text(framework, dim.provenance, plugin)}")
        _put(ws, "A3", "Bewertung in Spalte C aus der Liste wählen; Nachweise, Kommentar und Stufe sind freiwillig.")
        for col, header in enumerate(HEADERS, start=1):
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
                _put(ws, f"C{row}", NOT_APPLICABLE_LABEL if rating.not_applicable else label)
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
            dv.error = "Bitte einen Eintrag aus der Liste wählen."
            dv.errorTitle = "Ungültige Eingabe"
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
        raise ValidationError([Problem("", f"not a readable Excel workbook (.xlsx): {_why(exc)}")], file) from None
    try:
        reg = _registry_or_default(registry)
        reader = _Reader(wb, reg, file)
        plain = reader.read()
        built, problems = _assessment_problems(plain, reg, check)
    except (ValidationError, QFrameworkError):
        raise
    except Exception as exc:  # a broken part of the zip found while streaming a sheet
        raise ValidationError([Problem("", f"not a readable Excel workbook (.xlsx): {_why(exc)}")], file) from None
    finally:
        wb.close()
    if any(p.path.startswith("raters[0]") for p in problems):  # the rater id's problem, not once per rating
        problems = [p for p in problems if not re.fullmatch(r"ratings\[\d+\]\.rater", p.path)]
    mapped = reader.problems + [Problem(reader.cell_of(p.path), p.message) for p in problems]
    problems = list(dict.fromkeys(mapped))
    if problems or built is None:
        raise ValidationError(problems or [Problem("", "not an assessment")], file)
    return built


def _why(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:200]


def _check_zip(data: bytes, file: str | None) -> None:
    """Refuse what is not a zip, or a zip that would unpack to far more than a template ever holds."""

    def fail(message: str) -> ValidationError:
        return ValidationError([Problem("", message)], file)

    if len(data) > MAX_FILE_BYTES:
        raise fail(f"the file is {len(data):,} bytes; an assessment workbook is far smaller (limit {MAX_FILE_BYTES:,})")
    if not data.startswith(b"PK"):
        raise fail("not an Excel workbook (.xlsx): the file is not a zip archive (an old .xls or a renamed file?)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise fail(f"not an Excel workbook (.xlsx): broken zip archive ({_why(exc)})") from None
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES:
            raise fail(
                f"the workbook part {info.filename!r} unpacks to {info.file_size:,} bytes "
                f"(total {total:,}); refused as too large for an assessment workbook"
            )
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        raise fail("not an Excel workbook (.xlsx): the zip has no xl/workbook.xml")
    for info in infos:
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(info) as part:
                    merged = _merged_ranges(part)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
                raise fail(f"not an Excel workbook (.xlsx): broken part {info.filename} ({_why(exc)})") from None
            if merged:
                raise fail(
                    f"merged cells ({', '.join(merged[:5])}) in {info.filename}: the template has none; "
                    "unmerge them (or start from a fresh template)"
                )


def _merged_ranges(part: Any) -> list[str]:
    """The ``mergeCell`` ranges of a worksheet part, read in chunks (the part size is already bounded)."""
    found: list[str] = []
    tail = b""
    while chunk := part.read(1 << 20):
        buf = tail + chunk
        found += [m.decode("ascii", "replace") for m in re.findall(rb"<(?:\w+:)?mergeCell\s+ref=\"([^\"]+)\"", buf)]
        tail = buf[-200:]
    return sorted(set(found))


class _Reader:
    """Turns a read-only workbook into the plain data of an assessment, remembering each value's cell."""

    def __init__(self, wb: Any, registry: Registry, file: str | None) -> None:
        self.wb = wb
        self.registry = registry
        self.file = file
        self.problems: list[Problem] = []
        self.cells: dict[str, str] = {}

    def cell_of(self, path: str) -> str:
        """The cell a data path came from (the longest known prefix), else the path itself."""
        probe = path
        while probe:
            if probe in self.cells:
                return self.cells[probe]
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""
        return path

    def problem(self, ref: str, message: str) -> None:
        self.problems.append(Problem(ref, message))

    def read(self) -> dict[str, Any]:
        names = list(self.wb.sheetnames)
        if INSTRUCTIONS not in names:
            raise ValidationError(
                [
                    Problem(
                        "", f"no sheet {INSTRUCTIONS!r}: not a qframework assessment workbook (sheets: {names[:10]})"
                    )
                ],
                self.file,
            )
        meta = self._meta()
        fid, version = meta.get("framework_id"), meta.get("framework_version")
        try:
            framework = self.registry.framework(str(fid), str(version) if version else None)
        except QFrameworkError as exc:
            raise ValidationError([Problem(f"{INSTRUCTIONS}!B3", str(exc))], self.file) from None
        expected = sheet_names(framework)
        missing = [n for n in expected if n not in names]
        extra = [n for n in names if n not in expected and n not in (INSTRUCTIONS, LISTS)]
        if missing or extra:
            parts = [f"missing sheets: {', '.join(missing)}"] if missing else []
            parts += [f"unexpected sheets: {', '.join(extra)}"] if extra else []
            raise ValidationError(
                [
                    Problem(
                        "",
                        f"the sheets are not the template's ({'; '.join(parts)}); write a fresh one with "
                        f"qframework template {framework.id} --format xlsx",
                    )
                ],
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
        ws = self.wb[INSTRUCTIONS]
        rows = {r: row for r, row in enumerate(ws.iter_rows(min_row=1, max_row=META_ROWS[-1][0], max_col=2), 1)}
        out: dict[str, Any] = {}
        for row, label, path, _ in META_ROWS:
            ref = f"{INSTRUCTIONS}!B{row}"
            self.cells[path] = ref
            cells = rows.get(row, ())
            head = cells[0].value if len(cells) > 0 else None
            if head != label:
                self.problem(f"{INSTRUCTIONS}!A{row}", f"expected the label {label!r}, found {head!r}")
            value = self._text(cells[1] if len(cells) > 1 else None, ref)
            if value is not None:
                out[path] = value
        return out

    def _text(self, cell: Any, ref: str) -> str | None:
        """A cell's content as text (None when empty); a formula is a problem, a number its digits."""
        if cell is None or cell.value is None:
            return None
        if cell.data_type == "f":
            self.problem(ref, "a formula is not allowed in an answer cell; type the value itself")
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
            self.problem(
                f"{sheet}!A{last + 1}",
                f"the sheet reaches row {declared:,}; the template ends at row {last} (delete what is below)",
            )
        by_id = {ind.id: ind for ind in indicators}
        seen_header = False
        for r, row in enumerate(ws.iter_rows(min_row=1, max_row=bound, max_col=len(HEADERS)), start=1):
            cells = {col: row[i] for i, col in enumerate("ABCDEFGH") if i < len(row)}
            if r == HEADER_ROW:
                seen_header = True
                found = tuple(self._text(cells.get(c), f"{sheet}!{c}{r}") for c in "ABCDE")
                if found != HEADERS[:5]:
                    self.problem(f"{sheet}!A{r}", f"expected the header row {', '.join(HEADERS[:5])}; found {found}")
                    return
            if r < FIRST_ROW:
                continue
            answers = {field: self._text(cells.get(col), f"{sheet}!{col}{r}") for col, field in ANSWER_COLUMNS.items()}
            ind_id = self._text(cells.get("A"), f"{sheet}!A{r}")
            if r > last and (ind_id is not None or any(v is not None for v in answers.values())):
                if not too_long:  # one problem per sheet says it all
                    self.problem(f"{sheet}!A{r}", f"content below the indicators; the template ends at row {last}")
                break
            if not any(v is not None for v in answers.values()):
                continue
            ind = by_id.get(ind_id or "")
            if ind is None:
                known = ", ".join(by_id)
                self.problem(f"{sheet}!A{r}", f"expected an indicator id of this sheet ({known}), found {ind_id!r}")
                continue
            rating = self._rating(framework, ind, answers, sheet, r)
            if rating is not None:
                yield rating
        if not seen_header:
            self.problem(f"{sheet}!A{HEADER_ROW}", "the header row is missing")

    def _rating(
        self, framework: Framework, ind: Indicator, answers: dict[str, str | None], sheet: str, r: int
    ) -> dict[str, Any] | None:
        scale = framework.scale_of(ind)
        raw = answers["value"]
        ref = f"{sheet}!C{r}"
        if raw is None:
            self.problem(ref, "no rating: choose a level from the list or 'nicht zutreffend' (or clear the row)")
            return None
        rating: dict[str, Any] = {"indicator": ind.id}
        labels = {label.casefold(): value for label, value in _level_labels(scale)}
        labels.update({_one_line(lv.label).casefold(): lv.value for lv in scale.levels})
        key = _one_line(raw).casefold()
        if key in _NA_WORDS:
            rating["not_applicable"] = True
        elif key in labels:
            rating["value"] = labels[key]
        elif re.fullmatch(r"-?\d+", key):
            rating["value"] = int(key)  # a level value typed instead of its label; the scale check follows
        else:
            choices = [label for label, _ in _level_labels(scale)]
            choices += [NOT_APPLICABLE_LABEL] if scale.allow_not_applicable else []
            self.problem(ref, f"{raw!r} is not a level of the scale {scale.id!r} (choose: {', '.join(choices)})")
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
