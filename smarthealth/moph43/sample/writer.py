"""Writing an export the ways real exporters do (reference §1 and §5): header or none, its case, a
BOM, UTF-8 or cp874, CRLF or LF, a folder or the zip root, file-name case, a missing final
newline, the v2.0 / current / HOSPCODE9 layouts, a Buddhist-year zip name. Files are streamed
into the zip in chunks, never built whole in memory."""

import io
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Literal

from .export import Export
from .layouts import HEADERS, USED_FILES, Layout, columns_for, row_in_layout

_CHUNK = 4000  # rows encoded and written at a time


@dataclass(frozen=True, kw_only=True)
class Conventions:
    header: bool = True
    header_case: Literal["upper", "lower"] = "upper"
    bom: bool = False  # a UTF-8 BOM before the first byte (ignored for cp874)
    encoding: Literal["utf-8", "cp874"] = "utf-8"
    newline: Literal["\r\n", "\n"] = "\r\n"
    folder: bool = True  # files in F43_<HOSPCODE>_<timestamp>/ rather than at the zip root
    name_case: Literal["upper", "lower", "mixed"] = "upper"  # PERSON.TXT, person.txt, PERSON.txt
    final_newline: bool = True
    person_layout: Layout = "current"  # PERSON: v20 31 columns, current 33, hospcode9 34
    service_layout: Layout = "current"  # every other file: v20 without CID, hospcode9 + HOSPCODE9
    buddhist_year: bool = False  # the zip and folder name's timestamp in BE (robocon's exporter)
    all_files: bool = True  # every file of the standard, most of them empty; False: only non-empty
    compresslevel: int = 6


# One of each convention that differs from the default, for tests that try them all.
VARIANTS: dict[str, Conventions] = {
    "default": Conventions(),
    "no_header": Conventions(header=False),
    "lower_header": Conventions(header_case="lower"),
    "bom": Conventions(bom=True),
    "cp874": Conventions(encoding="cp874"),
    "lf": Conventions(newline="\n"),
    "root": Conventions(folder=False),
    "lower_names": Conventions(name_case="lower"),
    "mixed_names": Conventions(name_case="mixed"),
    "no_final_newline": Conventions(final_newline=False),
    "v20": Conventions(person_layout="v20", service_layout="v20"),
    "hospcode9": Conventions(person_layout="hospcode9", service_layout="hospcode9"),
    "buddhist_year": Conventions(buddhist_year=True),
    "only_non_empty": Conventions(all_files=False),
    "jhcis_like": Conventions(header=False, encoding="cp874", folder=False, name_case="lower", bom=False,
                              person_layout="v20", service_layout="v20", final_newline=False),
}


def zip_stem(export: Export, conventions: Conventions = Conventions()) -> str:
    """`F43_<HOSPCODE>_<YYYYMMDDHHMMSS>`, the year in BE when `buddhist_year`."""
    at = export.exported_at
    year = at.year + 543 if conventions.buddhist_year else at.year
    return f"F43_{export.options.hospcode}_{year:04d}{at:%m%d%H%M%S}"


def file_name(name: str, conventions: Conventions = Conventions()) -> str:
    if conventions.name_case == "lower":
        return f"{name.lower()}.txt"
    if conventions.name_case == "mixed":
        return f"{name}.txt"
    return f"{name}.TXT"


def layout_of(name: str, conventions: Conventions) -> Layout:
    return conventions.person_layout if name == "PERSON" else conventions.service_layout


def written_files(export: Export, conventions: Conventions = Conventions()) -> list[str]:
    """The files written, in the order the zip holds them: the used ones first."""
    names = [*USED_FILES, *sorted(set(HEADERS) - set(USED_FILES))]
    return [n for n in names if conventions.all_files or export.files.get(n)]


def _chunks(export: Export, name: str, conventions: Conventions) -> Iterator[bytes]:
    encoding = "utf-8-sig" if conventions.bom and conventions.encoding == "utf-8" else conventions.encoding
    encoder = _Encoder(encoding)
    nl, layout = conventions.newline, layout_of(name, conventions)
    lines: list[str] = []
    if conventions.header:
        columns = columns_for(name, layout)
        header = "|".join(columns)
        lines.append(header.lower() if conventions.header_case == "lower" else header)
    rows = export.files.get(name, [])
    for start in range(0, max(len(rows), 1), _CHUNK):
        lines.extend("|".join(row_in_layout(name, row, layout)) for row in rows[start:start + _CHUNK])
        last = start + _CHUNK >= len(rows)
        if lines:
            text = nl.join(lines) + (nl if not last or conventions.final_newline else "")
            yield encoder(text)
        lines = []


class _Encoder:
    """Encodes chunk after chunk; the BOM of utf-8-sig only once, at the start."""

    def __init__(self, encoding: str) -> None:
        self.encoding, self.first = encoding, True

    def __call__(self, text: str) -> bytes:
        if self.first:
            self.first = False
            return text.encode(self.encoding)
        return text.encode("utf-8" if self.encoding == "utf-8-sig" else self.encoding)


def file_bytes(export: Export, name: str, conventions: Conventions = Conventions()) -> bytes:
    """One file as an exporter writes it (for uploading the .txt files one by one)."""
    return b"".join(_chunks(export, name, conventions))


def write_zip(export: Export, target: str | os.PathLike[str] | BinaryIO,
              conventions: Conventions = Conventions()) -> str:
    """Write the export as a zip to a path or a binary file object; returns the zip's
    conventional name (`F43_07547_20250228180000.zip`). Same export and conventions, same bytes."""
    stem = zip_stem(export, conventions)
    folder = f"{stem}/" if conventions.folder else ""
    stamp = export.exported_at.timetuple()[:6]
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED,
                         compresslevel=conventions.compresslevel) as archive:
        for name in written_files(export, conventions):
            info = zipfile.ZipInfo(folder + file_name(name, conventions), date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            # ZipFile's compresslevel applies to names only; a ZipInfo (fixed date, same bytes
            # every run) carries its own level, under a private name until Python 3.13.
            setattr(info, "compress_level" if hasattr(info, "compress_level") else "_compresslevel",
                    conventions.compresslevel)
            with archive.open(info, "w") as out:
                for chunk in _chunks(export, name, conventions):
                    out.write(chunk)
    return f"{stem}.zip"


def zip_bytes(export: Export, conventions: Conventions = Conventions()) -> bytes:
    buffer = io.BytesIO()
    write_zip(export, buffer, conventions)
    return buffer.getvalue()
