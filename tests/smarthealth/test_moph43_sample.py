"""The synthetic 43-file generator keeps its promises: consistent keys, valid IDs and CE dates in
the good rows, the defects it says it injected, every file convention written as declared, the
same files for the same seed, and a next month that changes about the share asked for."""

import csv
import datetime as dt
import io
import re
import zipfile

import pytest
from django.core.management import call_command

from kernel.national_id import national_id_is_valid
from smarthealth.moph43.sample import (
    HEADERS,
    KINDS_BY_FILE,
    LAYOUTS,
    USED_FILES,
    VARIANTS,
    Conventions,
    SampleOptions,
    build_export,
    columns_for,
    condition_for_icd,
    excel_persons_csv,
    file_bytes,
    next_month,
    write_zip,
    zip_bytes,
)

OPTIONS = SampleOptions(persons=900, seed=11, bad_rows=True)


@pytest.fixture(scope="module")
def export():
    return build_export(OPTIONS)


@pytest.fixture(scope="module")
def month2(export):
    return next_month(export)


def good_rows(export, name):
    bad = {b.index for b in export.bad_in(name)}
    return [row for i, row in enumerate(export.files[name]) if i not in bad]


def col(name, column):
    return HEADERS[name].index(column)


def read_zip(data: bytes) -> dict[str, dict]:
    """A plain reader of what the generator promises: any folder, any name case, UTF-8 (BOM or
    not) else cp874, CRLF or LF, a header recognised by its first cell."""
    files = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            raw = archive.read(info)
            try:
                text, encoding = raw.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                text, encoding = raw.decode("cp874"), "cp874"
            lines = [line for line in re.split(r"\r?\n", text.lstrip("\ufeff")) if line]
            header = bool(lines) and lines[0].split("|")[0].upper() == "HOSPCODE"
            name = info.filename.rsplit("/", 1)[-1]
            files[name.rsplit(".", 1)[0].upper()] = {
                "path": info.filename, "name": name, "raw": raw, "encoding": encoding,
                "header": lines[0].split("|") if header else None,
                "rows": [line.split("|") for line in lines[1 if header else 0:]],
            }
    return files


# --- the rows ---------------------------------------------------------------------------------
def test_it_gives_the_same_files_for_the_same_seed(export):
    again = build_export(OPTIONS)
    assert again.files == export.files
    assert again.bad_rows == export.bad_rows
    assert zip_bytes(again) == zip_bytes(export)
    other = build_export(SampleOptions(persons=900, seed=12, bad_rows=True))
    assert other.files["PERSON"] != export.files["PERSON"]


def test_it_writes_the_number_of_persons_asked_for(export):
    assert len(good_rows(export, "PERSON")) == OPTIONS.persons
    assert len(export.files["PERSON"]) == OPTIONS.persons + len(export.bad_in("PERSON"))


def test_every_home_a_person_lives_in_exists_with_its_head_and_volunteer(export):
    persons = {row[col("PERSON", "PID")]: row for row in good_rows(export, "PERSON")}
    homes = {row[col("HOME", "HID")]: row for row in good_rows(export, "HOME")}
    for row in persons.values():
        assert row[col("PERSON", "HID")] == "" or row[col("PERSON", "HID")] in homes
    for home in homes.values():
        head = persons[home[col("HOME", "HEADID")]]
        assert head[col("PERSON", "HID")] == home[col("HOME", "HID")]
        assert head[col("PERSON", "FSTATUS")] == "1"
        if home[col("HOME", "VHVID")]:
            assert persons[home[col("HOME", "VHVID")]][col("PERSON", "VSTATUS")] == "2"
    assert sum(1 for home in homes.values() if home[col("HOME", "VHVID")]) > len(homes) * 0.9
    outside = [row for row in persons.values() if row[col("PERSON", "TYPEAREA")] == "4"]
    assert outside and all(row[col("PERSON", "HID")] == "" for row in outside)


def test_national_ids_are_valid_except_the_injected_ones(export):
    for row in good_rows(export, "PERSON"):
        for column in ("CID", "FATHER", "MOTHER", "COUPLE"):
            value = row[col("PERSON", column)]
            assert value == "" or national_id_is_valid(value), (column, value)
    foreigners = [row for row in good_rows(export, "PERSON") if row[col("PERSON", "NATION")] != "099"]
    no_id = [row for row in foreigners if not row[col("PERSON", "CID")]]
    assert len(no_id) == round(OPTIONS.persons * OPTIONS.foreign_share)
    assert all(row[col("PERSON", "LABOR")] for row in no_id)
    assert all(row[col("PERSON", "CID")][0] == "0" for row in foreigners if row[col("PERSON", "CID")])
    bad = {b.kind: export.files["PERSON"][b.index] for b in export.bad_in("PERSON")}
    assert not national_id_is_valid(bad["bad_cid"][col("PERSON", "CID")])
    assert bad["placeholder_cid"][col("PERSON", "CID")] == "1111111111111"


def _dates_of(name):
    types = {"BIRTH", "DDISCHARGE", "MOVEIN", "DATE_DIAG", "DATE_DISCH", "DATE_SERV", "DATE_DETECT",
             "DATE_DISAB", "DDEATH"}
    return [i for i, column in enumerate(HEADERS[name]) if column in types]


@pytest.mark.parametrize("name", USED_FILES + ("DEATH", "ADDRESS", "SERVICE"))
def test_good_rows_have_ce_dates_up_to_the_export(export, name):
    end = export.exported_at
    for row in good_rows(export, name):
        assert len(row) == len(HEADERS[name])
        for i in _dates_of(name):
            if row[i]:
                day = dt.datetime.strptime(row[i], "%Y%m%d")
                assert dt.datetime(1900, 1, 1) <= day <= end, (HEADERS[name][i], row[i])
        stamp = dt.datetime.strptime(row[HEADERS[name].index("D_UPDATE")], "%Y%m%d%H%M%S")
        assert stamp <= end
        if "DATE_SERV" in HEADERS[name]:
            assert row[col(name, "DATE_SERV")] <= row[col(name, "D_UPDATE")][:8]


def test_screenings_and_adl_rows_look_like_real_ones(export):
    rows = good_rows(export, "NCDSCREEN")
    assert all(int(r[col("NCDSCREEN", "SBP_1")]) > int(r[col("NCDSCREEN", "DBP_1")]) for r in rows)
    untested = [r for r in rows if r[col("NCDSCREEN", "BSTEST")] == "9"]
    assert untested and all(r[col("NCDSCREEN", "BSLEVEL")] == "" for r in untested)
    second = [bool(r[col("NCDSCREEN", "SBP_2")]) for r in rows]
    assert any(second) and not all(second)
    functional = good_rows(export, "FUNCTIONAL")
    barthel = [r for r in functional if r[col("FUNCTIONAL", "FUNCTIONAL_TEST")] == "01"]
    assert all(0 <= int(r[col("FUNCTIONAL", "TESTRESULT")]) <= 20 for r in barthel)
    assert {r[col("FUNCTIONAL", "DEPENDENT")] for r in barthel} == {"1", "2", "3"}
    assert {r[col("FUNCTIONAL", "FUNCTIONAL_TEST")] for r in functional} >= {"01", "02"}
    services = {r[col("COMMUNITY_SERVICE", "COMSERVICE")] for r in good_rows(export, "COMMUNITY_SERVICE")}
    assert {"1A000", "1A001", "1A431"} <= services and services & {"1A30", "1A31", "1A32", "1A33"}
    vids = {r[col("VILLAGE", "VID")] for r in good_rows(export, "VILLAGE")}
    assert vids == {f"92020{moo}" for moo in range(101, 109)}


def test_chronic_codes_map_to_the_platform_conditions():
    assert [condition_for_icd(c) for c in ("E119", "E14", "E10", "E15", "E785")] == \
        ["DM", "DM", "DM", None, None]
    assert [condition_for_icd(c) for c in ("I10", "I150", "I16", "I251")] == ["HT", "HT", None, None]
    assert [condition_for_icd(c) for c in ("I639", "I694", "I70")] == ["STROKE", "STROKE", None]
    icds = ("N185", "J449", "J459", "C509", "C97", "D05", "K297", "E11.9")
    assert [condition_for_icd(c) for c in icds] == ["CKD", "COPD", None, "CANCER", "CANCER", None, None, "DM"]


# --- the truth --------------------------------------------------------------------------------
def test_the_truth_counts_residents_only(export):
    truth = export.truth
    persons = good_rows(export, "PERSON")
    expected = {(r[0], r[col("PERSON", "PID")]) for r in persons
                if r[col("PERSON", "TYPEAREA")] in ("1", "3", "5") and r[col("PERSON", "DISCHARGE")] == "9"}
    assert truth.residents == expected
    assert truth.not_counted and not truth.not_counted & truth.residents
    assert truth.discharged and {code for code, _day in truth.discharged.values()} >= {"1", "2"}
    assert truth.without_cid & truth.residents  # foreigners without an ID are residents too
    summary = truth.summary(today=export.exported_at.date())
    assert summary["persons"] == len(expected)
    for figure in ("by_sex", "by_age_band", "by_adl_group"):
        assert sum(summary[figure].values()) == len(expected)
    assert summary["households"] == len(good_rows(export, "HOME"))
    assert set(summary["by_condition"]) == {"DM", "HT", "CKD", "COPD", "STROKE", "CANCER"}


def test_the_truth_ignores_bad_rows_unless_they_are_repaired(export):
    bad = next(b for b in export.bad_in("PERSON") if b.kind == "race_99")
    assert bad.key not in export.truth.persons
    assert bad.key in export.truth_with(accept_kinds=frozenset({"race_99"})).residents


def test_every_declared_defect_is_where_it_is_said_to_be(export):
    for name, kinds in KINDS_BY_FILE.items():
        found = {b.kind for b in export.bad_in(name)}
        assert found == set(kinds), name
        for b in export.bad_in(name):
            row = export.files[name][b.index]
            if b.kind == "ragged":
                assert len(row) < len(HEADERS[name]) - 2
                continue
            assert len(row) == len(HEADERS[name])
            value = row[col(name, b.column)] if b.column else ""
            if b.kind == "bad_date":
                with pytest.raises(ValueError):
                    dt.datetime.strptime(value, "%Y%m%d")
            elif b.kind == "be_year":
                assert int(value[:4]) > 2400
            elif b.kind == "typearea_9":
                assert value == "9"
            elif b.kind == "unknown_pid":
                assert b.key not in export.truth.persons
            elif b.kind == "person_rejected":
                person = export.files["PERSON"][b.depends_on]
                assert person[col("PERSON", "PID")] == b.key[1]
                assert any(p.kind == "bad_cid" and p.index == b.depends_on for p in export.bad_in("PERSON"))
            elif b.kind == "sbp_below_dbp":
                assert int(value) < int(row[col(name, "DBP_1")])
            elif b.kind == "swapped_coordinates":
                assert float(value) > 90
    assert b.line(header=True) == b.index + 2


# --- the files --------------------------------------------------------------------------------
@pytest.mark.parametrize("layout", LAYOUTS)
def test_column_counts_follow_the_layout(export, layout):
    files = read_zip(zip_bytes(export, Conventions(person_layout=layout, service_layout=layout)))
    assert len(files["PERSON"]["header"]) == {"v20": 31, "current": 33, "hospcode9": 34}[layout]
    for name in USED_FILES:
        columns = columns_for(name, layout)
        assert files[name]["header"] == list(columns)
        ragged = {b.index for b in export.bad_in(name) if b.kind == "ragged"}
        widths = {len(row) for i, row in enumerate(files[name]["rows"]) if i not in ragged}
        assert widths == {len(columns)}, name
    assert len(columns_for("CHRONIC", "v20")) == len(columns_for("CHRONIC", "current")) - 1
    assert len(columns_for("HOME", "v20")) == len(columns_for("HOME", "current")) == 38


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_variant_reads_back_to_the_same_rows(export, variant):
    conventions = VARIANTS[variant]
    buffer = io.BytesIO()
    name = write_zip(export, buffer, conventions)
    files = read_zip(buffer.getvalue())
    assert re.fullmatch(r"F43_07547_(2025|2568)0228180000\.zip", name)
    for file in USED_FILES:
        got = files[file]
        assert (got["header"] is not None) == conventions.header
        layout = conventions.person_layout if file == "PERSON" else conventions.service_layout
        width = len(columns_for(file, layout))
        full = len(HEADERS[file])
        expected = [list(row) if len(row) != full  # a ragged bad row is written as it is
                    else [*row, "000007547"] if layout == "hospcode9" else list(row[:width])
                    for row in export.files[file]]
        assert got["rows"] == expected, (variant, file)
        # only the header may start with HOSPCODE: detecting it cannot eat a data row
        assert not any(row[0].upper() == "HOSPCODE" for row in got["rows"])
    non_empty = sum(1 for rows in export.files.values() if rows)
    assert len(files) == (len(HEADERS) if conventions.all_files else non_empty)


def test_the_conventions_are_written_as_declared(export):
    default = read_zip(zip_bytes(export))["PERSON"]
    assert default["path"].startswith("F43_07547_20250228180000/") and default["name"] == "PERSON.TXT"
    assert b"\r\n" in default["raw"] and default["raw"].endswith(b"\r\n") and default["encoding"] == "utf-8"
    odd = read_zip(zip_bytes(export, Conventions(folder=False, name_case="lower", newline="\n", bom=True,
                                                   final_newline=False, header_case="lower",
                                                   buddhist_year=True)))["PERSON"]
    assert odd["path"] == "person.txt" and odd["raw"].startswith(b"\xef\xbb\xbfhospcode|cid|pid|")
    assert b"\r" not in odd["raw"] and not odd["raw"].endswith(b"\n")
    assert read_zip(zip_bytes(export, Conventions(name_case="mixed")))["PERSON"]["name"] == "PERSON.txt"
    assert file_bytes(export, "ACCIDENT", Conventions(header=False)) == b""
    assert file_bytes(export, "ACCIDENT").startswith(b"HOSPCODE|PID|SEQ|")


def test_cp874_round_trips_thai_names(export):
    raw = file_bytes(export, "PERSON", Conventions(encoding="cp874", header=False))
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    rows = [line.split("|") for line in raw.decode("cp874").split("\r\n") if line]
    assert rows == [list(row) for row in export.files["PERSON"]]
    assert any(re.search("[ก-๙]", row[col("PERSON", "NAME")]) for row in rows)


def test_it_streams_large_files_in_chunks():
    big = build_export(SampleOptions(persons=9000, seed=2, other_files=False))
    raw = file_bytes(big, "PERSON", Conventions(newline="\n", final_newline=False))
    lines = raw.decode("utf-8").split("\n")
    assert len(lines) == 9001 and lines[-1] and all(line.count("|") == 32 for line in lines)


# --- the next month ---------------------------------------------------------------------------
def test_next_month_changes_about_the_share_asked_for(export, month2):
    changes = month2.changes
    assert month2.exported_at.date() == dt.date(2025, 3, 31)
    for name in ("PERSON", "HOME", "CHRONIC", "FUNCTIONAL", "NCDSCREEN", "COMMUNITY_SERVICE"):
        before = len(good_rows(export, name))
        assert 1 <= changes.changed_rows(name) <= max(3, before * 0.03), name
        differing = sum(1 for a, b in zip(export.files[name], month2.files[name], strict=False) if a != b)
        assert differing == len(changes.updated.get(name, ()))
        assert len(month2.files[name]) - len(export.files[name]) == len(changes.added.get(name, ()))
        for i in [*changes.updated.get(name, ()), *changes.added.get(name, ())]:
            stamp = month2.files[name][i][HEADERS[name].index("D_UPDATE")]
            assert "20250301" <= stamp[:8] <= "20250331"
    assert month2.bad_rows == export.bad_rows
    assert month2.files["VILLAGE"] == export.files["VILLAGE"]
    assert next_month(export).files == month2.files  # deterministic too


def test_next_month_has_deaths_moves_a_birth_and_the_newcomer(export, month2):
    changes, truth = month2.changes, month2.truth
    persons = {row[col("PERSON", "PID")]: row for row in good_rows(month2, "PERSON")}
    assert changes.died and changes.moved_out and changes.born and changes.newcomer
    for key in changes.died:
        assert truth.discharged[key][0] == "1" and truth.discharged[key][1] >= dt.date(2025, 3, 1)
        assert key in export.truth.residents and key not in truth.residents
    assert {r[col("DEATH", "PID")] for r in month2.files["DEATH"]} >= {k[1] for k in changes.died}
    for key in changes.moved_out:
        assert truth.discharged[key][0] == "2"
    baby = persons[changes.born[0][1]]
    assert baby[col("PERSON", "BIRTH")].startswith("202503")
    assert national_id_is_valid(baby[col("PERSON", "CID")])
    mother = next(r for r in persons.values() if r[col("PERSON", "CID")] == baby[col("PERSON", "MOTHER")])
    assert mother[col("PERSON", "HID")] == baby[col("PERSON", "HID")] in truth.homes
    newcomer = persons[changes.newcomer[1]]
    assert changes.newcomer not in export.truth.persons and changes.newcomer in truth.residents
    assert newcomer[col("PERSON", "CID")] not in {p.cid for p in export.truth.persons.values()}
    assert "HT" in truth.conditions(changes.newcomer)
    located = {hid for hid, row in truth.homes.items() if row[col("HOME", "LATITUDE")]}
    assert changes.homes_located and set(changes.homes_located) <= located


def test_the_excel_persons_file_lists_people_of_the_export_and_the_newcomer(export, month2):
    rows = list(csv.DictReader(io.StringIO(excel_persons_csv(export, 12).decode("utf-8-sig"))))
    assert len(rows) == 13
    by_cid = {p.cid: p for p in export.truth.persons.values()}
    for row in rows[:-1]:
        person = by_cid[row["cid"]]
        assert person.key in export.truth.residents
        day, month, year = row["birth_date"].split("/")
        assert dt.date(int(year) - 543, int(month), int(day)) == person.birth
        assert row["sex"] == ("ชาย" if person.sex == "M" else "หญิง")
        assert row["chronic"] == ", ".join(sorted(export.truth.conditions(person.key)))
    newcomer = rows[-1]
    assert newcomer["cid"] not in by_cid and newcomer["chronic"] == "HT"
    assert month2.truth.persons[month2.changes.newcomer].cid == newcomer["cid"]


# --- the command ------------------------------------------------------------------------------
def test_the_command_writes_a_zip(tmp_path):
    out = tmp_path / "f43.zip"
    call_command("moph43_sample", str(out), persons=150, seed=4, bad_rows=True, no_header=True,
                 encoding="cp874", root=True, name_case="lower", next_month=str(tmp_path / "next.zip"),
                 excel_persons=str(tmp_path / "persons.csv"), excel_count=5, stdout=io.StringIO())
    files = read_zip(out.read_bytes())
    assert files["PERSON"]["path"] == "person.txt" and files["PERSON"]["header"] is None
    assert len(files["PERSON"]["rows"]) == len(build_export(
        SampleOptions(persons=150, seed=4, bad_rows=True)).files["PERSON"])
    assert read_zip((tmp_path / "next.zip").read_bytes())["PERSON"]["rows"]
    assert (tmp_path / "persons.csv").read_bytes().startswith(b"\xef\xbb\xbfcid,prefix,")
    call_command("moph43_sample", str(tmp_path), persons=50, stdout=io.StringIO())
    assert (tmp_path / "F43_07547_20250228180000.zip").exists()
