"""The municipality's own Excel persons file (CONTRACT §5 dataset `persons`) for people who are
also in the export, as a clerk keeps it: Thai prefixes and sex, Buddhist-Era dates, the
conditions by code. Importing it first and the export after must not duplicate anyone."""

import csv
import io

from kernel.national_id import national_id_is_valid

from . import codes
from .export import Export, Row
from .truth import H, P

EXCEL_COLUMNS = ("cid", "prefix", "first_name", "last_name", "sex", "birth_date", "house_id", "phone",
                 "chronic", "disability")


def _excel_row(export: Export, row: Row, *, conditions: frozenset[str], disability: str,
               with_house_id: bool) -> dict[str, str]:
    birth = row[P["BIRTH"]]
    house_id = ""
    if with_house_id:
        home = export.truth.homes.get(row[P["HID"]])
        house_id = home[H["HOUSE_ID"]] if home else ""
    return {
        "cid": row[P["CID"]], "prefix": codes.PRENAME_THAI.get(row[P["PRENAME"]], ""),
        "first_name": row[P["NAME"]], "last_name": row[P["LNAME"]],
        "sex": "ชาย" if row[P["SEX"]] == "1" else "หญิง",
        "birth_date": f"{birth[6:8]}/{birth[4:6]}/{int(birth[:4]) + 543}", "house_id": house_id,
        "phone": row[P["MOBILE"]], "chronic": ", ".join(sorted(conditions)),
        "disability": codes.DISABILITY[disability][1] if disability else "ไม่มี",
    }


def excel_persons(export: Export, n: int, *, include_newcomer: bool = True,
                  with_house_id: bool = False) -> list[dict[str, str]]:
    """`n` residents with a valid Thai national ID spread over the export (deterministic), plus the
    newcomer whom the export will only list next month. `house_id` stays empty unless asked for:
    the persons import refuses a house ID whose household is not imported yet."""
    truth = export.truth
    by_pid = {row[P["PID"]]: row for row in export.files["PERSON"] if len(row) > P["PID"]}
    eligible = sorted(k for k in truth.residents
                      if national_id_is_valid(truth.persons[k].cid) and truth.persons[k].nation == codes.THAI)
    step = max(1, len(eligible) // max(1, n))
    chosen = eligible[::step][:n]
    rows = []
    for key in chosen:
        disabilities = sorted(export.truth.disabilities.get(key, ()))
        disab = next((code for code, (value, *_rest) in codes.DISABILITY.items()
                      if disabilities and value == disabilities[0]), "")
        rows.append(_excel_row(export, by_pid[key[1]], conditions=truth.conditions(key), disability=disab,
                               with_house_id=with_house_id))
    if include_newcomer and export.newcomer is not None:
        conditions = frozenset(c for r in export.newcomer_chronic
                               if (c := codes.condition_for_icd(r[3])) is not None)
        rows.append(_excel_row(export, export.newcomer, conditions=conditions, disability="",
                               with_house_id=with_house_id))
    return rows


def excel_persons_csv(export: Export, n: int, *, include_newcomer: bool = True,
                      with_house_id: bool = False) -> bytes:
    """The same as a CSV file Excel saves ("CSV UTF-8": a BOM, CRLF), English header keys."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXCEL_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(excel_persons(export, n, include_newcomer=include_newcomer, with_house_id=with_house_id))
    return buffer.getvalue().encode("utf-8-sig")
