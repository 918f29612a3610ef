from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from kernel.i18n import bilingual
from smarthealth.moph43.sample import (
    LAYOUTS,
    Conventions,
    SampleOptions,
    build_export,
    excel_persons_csv,
    next_month,
    write_zip,
)


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # argparse cannot take a lazy translation
        return str(_("Write a synthetic 43-file export of a health centre (invented persons only) as a zip, "
                     "for tests, benchmarks and demonstrations; optionally the following month and an "
                     "Excel persons file of some of the same people."))

    def add_arguments(self, parser):
        parser.add_argument("out", help=_("the zip file to write, or a folder to write it into under its "
                                          "conventional name"))
        parser.add_argument("--persons", type=int, default=1000, help=_("number of persons (default 1000)"))
        parser.add_argument("--seed", type=int, default=1, help=_("the same seed gives the same file"))
        parser.add_argument("--year", type=int, default=2025, help=_("year of the export (CE)"))
        parser.add_argument("--month", type=int, default=2, help=_("month of the export (1–12)"))
        parser.add_argument("--hospcode", default="07547", help=_("5-digit code of the health centre"))
        parser.add_argument("--subdistrict-code", default="920201",
                            help=_("6-digit subdistrict code (province, district, subdistrict)"))
        parser.add_argument("--lat", type=float, default=7.405,
                            help=_("latitude of the centre of the homes"))
        parser.add_argument("--lon", type=float, default=99.515,
                            help=_("longitude of the centre of the homes"))
        parser.add_argument("--bad-rows", action="store_true",
                            help=_("add a few invalid rows to every file the platform reads"))
        parser.add_argument("--no-header", action="store_true", help=_("write no header row"))
        parser.add_argument("--lower-header", action="store_true", help=_("write the header in lower case"))
        parser.add_argument("--bom", action="store_true",
                            help=_("start each UTF-8 file with a byte-order mark"))
        parser.add_argument("--encoding", choices=("utf-8", "cp874"), default="utf-8",
                            help=_("text encoding of the files"))
        parser.add_argument("--lf", action="store_true", help=_("end lines with LF instead of CRLF"))
        parser.add_argument("--root", action="store_true",
                            help=_("put the files at the root of the zip instead of in a folder"))
        parser.add_argument("--name-case", choices=("upper", "lower", "mixed"), default="upper",
                            help=_("file names PERSON.TXT (upper), person.txt (lower) or PERSON.txt (mixed)"))
        parser.add_argument("--no-final-newline", action="store_true",
                            help=_("leave out the newline after the last row"))
        parser.add_argument("--person-layout", choices=LAYOUTS, default="current",
                            help=_("PERSON columns: v20 (31), current (33) or hospcode9 (34)"))
        parser.add_argument("--service-layout", choices=LAYOUTS, default="current",
                            help=_("other files: v20 (without CID), current, or hospcode9 (HOSPCODE9 added)"))
        parser.add_argument("--buddhist-year", action="store_true",
                            help=_("name the zip with a Buddhist-Era year"))
        parser.add_argument("--only-non-empty", action="store_true",
                            help=_("leave out the files that have no rows"))
        parser.add_argument("--next-month", metavar="FILE",
                            help=_("also write the following month's export (about one row in a hundred "
                                   "changed) to FILE"))
        parser.add_argument("--excel-persons", metavar="FILE",
                            help=_("also write an Excel persons CSV of some of the same people to FILE"))
        parser.add_argument("--excel-count", type=int, default=20,
                            help=_("how many persons the Excel file lists (default 20)"))

    def handle(self, *args, **o):
        try:
            options = SampleOptions(persons=o["persons"], seed=o["seed"], year=o["year"], month=o["month"],
                                    hospcode=o["hospcode"], subdistrict_code=o["subdistrict_code"],
                                    centre_lat=o["lat"], centre_lon=o["lon"], bad_rows=o["bad_rows"],
                                    # the river bank west of Kantang's centre; elsewhere no limit
                                    min_east_m=-700.0 if o["subdistrict_code"] == "920201" else None)
        except ValueError as error:
            raise CommandError(bilingual(_("Invalid option: %(error)s"), {"error": str(error)})) from error
        conventions = Conventions(
            header=not o["no_header"], header_case="lower" if o["lower_header"] else "upper", bom=o["bom"],
            encoding=o["encoding"], newline="\n" if o["lf"] else "\r\n", folder=not o["root"],
            name_case=o["name_case"], final_newline=not o["no_final_newline"],
            person_layout=o["person_layout"], service_layout=o["service_layout"],
            buddhist_year=o["buddhist_year"], all_files=not o["only_non_empty"])
        export = build_export(options)
        self._write(export, Path(o["out"]), conventions)
        if o["excel_persons"]:
            path = Path(o["excel_persons"])
            data = excel_persons_csv(export, o["excel_count"])
            path.write_bytes(data)
            self.stdout.write(bilingual(_("%(file)s: %(count)s persons for the Excel import"),
                                        {"file": str(path), "count": data.count(b"\r\n") - 1}))
        if o["next_month"]:
            self._write(next_month(export), Path(o["next_month"]), conventions)

    def _write(self, export, out: Path, conventions: Conventions) -> None:
        if out.is_dir():
            out = out / write_zip(export, out / "moph43-sample.part", conventions)
            (out.parent / "moph43-sample.part").rename(out)
        else:
            write_zip(export, out, conventions)
        truth = export.truth
        self.stdout.write(bilingual(
            _("%(file)s: %(persons)s PERSON rows (%(residents)s residents), %(homes)s homes, %(rows)s rows "
              "in %(files)s files, %(bad)s of them invalid on purpose"),
            {"file": str(out), "persons": len(export.files["PERSON"]), "residents": len(truth.residents),
             "homes": len(export.files["HOME"]), "rows": sum(len(rows) for rows in export.files.values()),
             "files": sum(1 for rows in export.files.values() if rows), "bad": len(export.bad_rows)}))
