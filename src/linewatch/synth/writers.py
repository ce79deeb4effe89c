"""Writing feeds to disk, byte-for-byte the same for the same input: CSV, JSON and a small
streaming XLSX writer (openpyxl stamps the current time into every workbook it saves, which
would make two runs of the same seed differ)."""

from __future__ import annotations

import csv
import json
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
Cell = object  # str, int, float or None; other values are written with str()


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if value is None else value for value in row])
            count += 1
    return count


def write_json(path: Path, document: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        json.dump(document, handle, ensure_ascii=False, indent=1, sort_keys=False)
        handle.write("\n")


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _cell_xml(reference: str, value: Cell, shared: dict[str, int]) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{reference}"><v>{value}</v></c>'
    # Text goes to the shared-strings table, as Excel and school MIS exports write it.
    index = shared.setdefault(str(value), len(shared))
    return f'<c r="{reference}" t="s"><v>{index}</v></c>'


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'  # noqa: E501 (schema URLs)
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'  # noqa: E501 (schema URLs)
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'  # noqa: E501 (schema URLs)
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'  # noqa: E501 (schema URLs)
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'  # noqa: E501 (schema URLs)
    "</Relationships>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'  # noqa: E501 (schema URLs)
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'  # noqa: E501 (schema URLs)
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'  # noqa: E501 (schema URLs)
    "</Relationships>"
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    "</styleSheet>"
)


def write_xlsx(
    path: Path,
    sheet_name: str,
    title_rows: Sequence[Sequence[Cell]],
    header: Sequence[str],
    rows: Iterable[Sequence[Cell]],
) -> int:
    """A one-sheet workbook: optional title rows, the header, then the rows (streamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{escape(sheet_name)}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    letters = [
        _column_letter(i) for i in range(max(len(header), *(len(r) for r in title_rows)) if title_rows else len(header))
    ]
    count = 0
    shared: dict[str, int] = {}  # memory grows with distinct texts, not rows

    def info(name: str) -> zipfile.ZipInfo:
        entry = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
        entry.compress_type = zipfile.ZIP_DEFLATED
        return entry

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(info("[Content_Types].xml"), _CONTENT_TYPES)
        archive.writestr(info("_rels/.rels"), _ROOT_RELS)
        archive.writestr(info("xl/workbook.xml"), workbook)
        archive.writestr(info("xl/_rels/workbook.xml.rels"), _WORKBOOK_RELS)
        archive.writestr(info("xl/styles.xml"), _STYLES)
        with archive.open(info("xl/worksheets/sheet1.xml"), "w") as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            number = 0
            buffer: list[str] = []
            for row in [*title_rows, list(header)]:
                number += 1
                buffer.append(
                    f'<row r="{number}">'
                    + "".join(_cell_xml(f"{letters[i]}{number}", v, shared) for i, v in enumerate(row))
                    + "</row>"
                )
            for row in rows:
                number += 1
                count += 1
                buffer.append(
                    f'<row r="{number}">'
                    + "".join(_cell_xml(f"{letters[i]}{number}", v, shared) for i, v in enumerate(row))
                    + "</row>"
                )
                if len(buffer) >= 2000:
                    sheet.write("".join(buffer).encode("utf-8"))
                    buffer.clear()
            sheet.write(("".join(buffer) + "</sheetData></worksheet>").encode("utf-8"))
        with archive.open(info("xl/sharedStrings.xml"), "w") as strings:
            strings.write(
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                f'count="{len(shared)}" uniqueCount="{len(shared)}">'.encode()
            )
            for text in shared:  # insertion order is index order
                strings.write(f'<si><t xml:space="preserve">{escape(text)}</t></si>'.encode())
            strings.write(b"</sst>")
    return count
