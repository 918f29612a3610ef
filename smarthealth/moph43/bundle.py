"""The upload of a 43-file import: the export's zip as the health centre's program wrote it, or
its .txt files (several .txt files uploaded together are zipped by the upload form).

Entries are found by name, in any folder and any case (`F43_07547_…/PERSON.TXT`, `person.txt`);
the files the platform does not read are listed as "not used", never refused. Before anything
reads it, the zip passes the checks of every uploaded workbook (imports.prechecks): no more than
MAX_ENTRIES entries, no more than MAX_UNZIPPED once inflated, nothing encrypted. Each used entry is
copied to a private temporary folder in fixed blocks, so a file is read twice (encoding, then
rows) without holding it in memory; the folder goes when the import ends.
"""

import posixpath
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from imports.errors import ImportFileError
from imports.prechecks import BLOCK, MAX_UNZIPPED
from imports.reading import max_upload_bytes

from .layouts import ORDER, SPECS, FileSpec

MAX_ENTRIES = 1000  # the standard has 52 files; a zip of thousands of entries is no export


@dataclass
class Member:
    spec: FileSpec
    name: str  # as the zip (or the upload) names it
    path: Path | None  # a private copy, or the upload itself (None: read from the zip)
    size: int
    archive: zipfile.ZipFile | None = None
    entry: zipfile.ZipInfo | None = None

    def read(self) -> bytes:
        """The file's bytes (ImportFileError when its zip entry cannot be inflated)."""
        if self.path is not None:
            return self.path.read_bytes()
        assert self.archive is not None and self.entry is not None
        try:
            return self.archive.read(self.entry)
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, RuntimeError,
                ValueError) as error:
            raise ImportFileError(_("The zip cannot be read: %(error)s"), {"error": error}) from None


@dataclass
class Bundle:
    used: list[Member] = field(default_factory=list)  # in load order (layouts.ORDER)
    not_used: list[str] = field(default_factory=list)  # entry names

    @property
    def total_bytes(self) -> int:
        return max(sum(member.size for member in self.used), 1)


def standard_name(entry: str) -> str:
    """`F43_07547_…/person.txt` → `PERSON`."""
    base = posixpath.basename(entry.replace("\\", "/"))
    stem, dot, suffix = base.rpartition(".")
    return (stem if dot and suffix.lower() == "txt" else base).strip().upper()


def _ordered(members: list[Member]) -> list[Member]:
    rank = {spec.name: i for i, spec in enumerate(ORDER)}
    return sorted(members, key=lambda m: (rank[m.spec.name], m.name))


@contextmanager
def open_bundle(path: Path, name: str, *, extract: bool = True) -> Iterator[Bundle]:
    """The used files of the upload `path` (original name `name`), extracted (or, `extract`
    false, read from the zip on demand); ImportFileError when the upload as a whole cannot be
    read."""
    path = Path(path)
    size = path.stat().st_size
    if size > max_upload_bytes():
        raise ImportFileError(_("The file is larger than %(mb)s MB."), {"mb": max_upload_bytes() // 2**20})
    suffix = Path(name).suffix.lower()
    if suffix == ".txt":
        spec = SPECS.get(standard_name(name))
        if spec is None:
            raise ImportFileError(
                _("“%(name)s” is not one of the files this import reads (%(files)s): name the file as "
                  "the health centre's program did, e.g. PERSON.txt."),
                {"name": name, "files": ", ".join(f"{s.name}.txt" for s in ORDER)})
        yield Bundle(used=[Member(spec=spec, name=name, path=path, size=size)])
        return
    if suffix != ".zip":
        raise ImportFileError(
            _("The 43-file import accepts the export's .zip or its .txt files, not “%(name)s”."),
            {"name": name})
    if not extract:
        with _opened(path) as archive:
            yield _extract(archive, None)
        return
    with tempfile.TemporaryDirectory(prefix="moph43-") as folder, _opened(path) as archive:
        yield _extract(archive, Path(folder))


@contextmanager
def _opened(path: Path) -> Iterator[zipfile.ZipFile]:
    if not zipfile.is_zipfile(path):
        raise ImportFileError(_("This .zip file is damaged or not a zip file."))
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError, EOFError,
            RuntimeError, ValueError) as error:
        raise ImportFileError(_("The zip cannot be read: %(error)s"), {"error": error}) from None
    with archive:
        yield archive


def _extract(archive: zipfile.ZipFile, folder: Path | None) -> Bundle:
    bundle = Bundle()
    try:
        entries = [info for info in archive.infolist() if not info.is_dir()]
        if len(entries) > MAX_ENTRIES:
            raise ImportFileError(_("The zip holds more than %(n)s files: it is refused."),
                                  {"n": MAX_ENTRIES})
        if sum(info.file_size for info in entries) > MAX_UNZIPPED:
            raise ImportFileError(_("This .zip file expands to more than %(mb)s MB: it is refused."),
                                  {"mb": MAX_UNZIPPED // (1024 * 1024)})
        used = []
        for number, info in enumerate(entries):
            spec = SPECS.get(standard_name(info.filename))
            if spec is None:
                bundle.not_used.append(info.filename)
                continue
            if info.flag_bits & 0x1:
                raise ImportFileError(_("“%(name)s” in the zip is encrypted: export it again without a "
                                        "password."), {"name": info.filename})
            if folder is None:
                used.append(Member(spec=spec, name=info.filename, path=None, size=info.file_size,
                                   archive=archive, entry=info))
                continue
            target = folder / f"{number}.txt"
            with archive.open(info) as source, open(target, "wb") as copy:
                shutil.copyfileobj(source, copy, BLOCK)
            used.append(Member(spec=spec, name=info.filename, path=target, size=info.file_size))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError, EOFError,
            RuntimeError, ValueError) as error:  # damaged, or a compression zipfile lacks
        raise ImportFileError(_("The zip cannot be read: %(error)s"), {"error": error}) from None
    if not used:
        raise ImportFileError(_("The zip holds none of the files this import reads (%(files)s)."),
                              {"files": ", ".join(f"{s.name}.txt" for s in ORDER)})
    bundle.used = _ordered(used)
    bundle.not_used.sort()
    return bundle
