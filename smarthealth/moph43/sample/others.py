"""A few rows in files the platform does not read (they must be listed as "not used"): the unit's
providers, addresses elsewhere of TYPEAREA 4 people, causes of death, and some OPD visits with
their diagnosis and drugs."""

import datetime as dt
import random

from . import codes
from .care import Care
from .options import Dates, SampleOptions
from .population import People, Town

Row = tuple[str, ...]
_DRUGS = {"HT": ("Amlodipine 5 mg tab", "Enalapril 5 mg tab"), "DM": ("Metformin 500 mg tab",
                                                                        "Glipizide 5 mg tab")}
_CAUSES = ("I219", "I639", "C220", "J189", "N185", "E149", "R54")


def other_files(town: Town, care: Care, *, options: SampleOptions, rng: random.Random,
                dates: Dates) -> dict[str, list[Row]]:
    hospcode, today = options.hospcode, options.exported_at.date()
    staff = People(options=options, rng=rng, dates=dates, cids=town.cids)
    providers: list[Row] = []
    for k, provider in enumerate(care.providers):
        p = staff.person(age=rng.randint(25, 55), sex="2" if k % 3 else "1")
        providers.append((hospcode, provider, f"ว.{rng.randint(10000, 99999)}" if k == 0 else "", "",
                          p.cid, codes.PRENAME_MR if p.sex == "1" else codes.PRENAME_MISS, p.name, p.lname,
                          p.sex, dates.d8(p.birth), "02" if k == 0 else "03",
                          dates.d8(today - dt.timedelta(days=rng.randint(400, 4000))), "", "", "",
                          p.d_update))
    address: list[Row] = []
    death: list[Row] = []
    service: list[Row] = []
    diagnosis: list[Row] = []
    drug: list[Row] = []
    elsewhere = [t for t in ("02", "03", "04", "05", "06") if t != options.tambon]
    for p in town.persons:
        if p.typearea == "4":
            address.append((hospcode, p.pid, "1", "", "1", "", "", str(rng.randint(1, 300)), "", "", "",
                             "", f"{rng.randint(1, 9):02d}", rng.choice(elsewhere), options.ampur,
                             options.changwat, p.d_update, p.cid))
        if p.discharge == "1" and p.ddischarge:
            death.append((hospcode, p.pid, "", "", "", dates.d8(p.ddischarge), rng.choice(_CAUSES), "",
                          "", "", "", rng.choice(_CAUSES), "", "2", "", p.d_update, p.cid))
        mapped = {c for icd in p.icds if (c := codes.condition_for_icd(icd)) in ("HT", "DM")}
        if mapped and p.discharge == "9" and len(service) < 200 and rng.random() < 0.1:
            condition = sorted(mapped)[0]
            day = care.serv_day(p, days=90)
            seq, stamp = care.next_seq(), care.stamp(day)
            provider = rng.choice(care.providers)
            sbp = rng.randint(110, 170)
            service.append((hospcode, p.pid, str(int(p.pid)), seq, dates.d8(day),
                            f"{rng.randint(8, 15):02d}{rng.randint(0, 59):02d}00", "1", "1", "", "", "",
                            "1", "", "", "มารับยาตามนัด", "1", "36.6", str(sbp), str(sbp - rng.randint(30, 50)),
                            str(rng.randint(60, 95)), "20", "1", "", "", "0.00", "0.00", "0.00", "0.00",
                            stamp, "", p.cid))
            icd = next(i for i in p.icds if codes.condition_for_icd(i) == condition)
            diagnosis.append((hospcode, p.pid, seq, dates.d8(day), "1", icd, "", provider, stamp, p.cid))
            drug.append((hospcode, p.pid, seq, dates.d8(day), "", "", rng.choice(_DRUGS[condition]),
                         str(rng.choice((30, 60, 90))), "เม็ด", "", "0.00", "0.00", provider, stamp, p.cid))
    return {"PROVIDER": providers, "ADDRESS": address, "DEATH": death, "SERVICE": service,
            "DIAGNOSIS_OPD": diagnosis, "DRUG_OPD": drug}
