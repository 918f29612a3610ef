"""The demo seed's long-term care (tenants.demo): a CM (the demo nurse), the demo caregiver's CG
row with the first eligible residents enrolled and assigned to her (so `make run` shows a CG's
day), an approved plan with its schedule, a payment by the demo fund's officer and a visit."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone


def seed(*, municipality, size: str = "small", log=print) -> None:
    from django.contrib.auth.models import Group as AuthGroup

    from accounts.models import User
    from accounts.roles import Role
    from smarthealth.models import Person
    from smarthealth.selectors import with_current_adl

    from .models import (
        Caregiver,
        CareItem,
        CareManager,
        CarePlan,
        CgVisit,
        LtcCase,
        LtcSettings,
        Payment,
        ScheduleRow,
    )
    from .rules import ADL_ELIGIBLE_MAX, CareCategory, CgStatus, Responsible, budget_year

    nurse = User.objects.filter(username="nurse").first()
    if nurse is None or CareManager.objects.exists():
        return
    settings = LtcSettings.current()
    manager = CareManager.objects.create(
        user=nurse,
        first_name=nurse.first_name or "สุนิสา",
        last_name=nurse.last_name or "รักษ์ดี",
        licence_no="0451122334",
        unit="กองสาธารณสุขฯ",
        training_date=dt.date(2023, 3, 1),
    )
    # tenants.demo makes `caregiver` a demo account (role, demo password) before the seeders run;
    # made here only when this seed runs on its own, and then without a password.
    cg_user, created = User.objects.get_or_create(
        username="caregiver",
        defaults={"first_name": "บุญเรือน", "last_name": "ใจดี", "position": "ผู้ช่วยเหลือดูแลผู้ที่มีภาวะพึ่งพิง"},
    )
    if created:  # signs in once the administrator sets a password (accounts' reset page)
        cg_user.set_unusable_password()
        cg_user.save()
    fund_officer = User.objects.filter(username="ltc_fund").first() or nurse
    group, _ = AuthGroup.objects.get_or_create(name=Role.CAREGIVER.value)
    cg_user.groups.add(group)
    caregiver = Caregiver.objects.create(
        user=cg_user,
        first_name="บุญเรือน",
        last_name="ใจดี",
        hours=70,
        status=CgStatus.CARING,
        care_manager=manager,
        unit="เทศบาล",
        training_date=dt.date(2025, 9, 1),
    )
    today = timezone.localdate()
    year = budget_year(today, start_month=settings.fund_year_start_month)
    eligible = (
        with_current_adl(Person.objects.filter(status=Person.Status.LIVING))
        .filter(current_adl_score__lte=ADL_ELIGIBLE_MAX)
        .order_by("pk")[:3]
    )
    for n, person in enumerate(eligible):
        case = LtcCase.objects.create(
            person=person,
            enrolled_on=today - dt.timedelta(days=40),
            status_since=today - dt.timedelta(days=40),
            care_manager=manager,
            caregiver=caregiver,
            adl_at_enrolment=person.current_adl_score,
            created_by=nurse,
        )
        score = person.current_adl_score
        plan = CarePlan.objects.create(
            case=case,
            budget_year=year,
            version=1,
            written_by=manager,
            written_on=today - dt.timedelta(days=35),
            diagnosis="โรคหลอดเลือดสมอง",
            adl_score=score,
            group=3 if score <= 4 else 1,
            suggested_group=3 if score <= 4 else 1,
            problems="เคลื่อนไหวลำบาก",
            short_term_goals="ไม่มีแผลกดทับ",
            long_term_goals="ช่วยเหลือตนเองได้มากขึ้น",
            requested_amount=Decimal("10442"),
            amount_breakdown="ค่าบริการ CG",
            status=CarePlan.Status.APPROVED if n < 2 else CarePlan.Status.SUBMITTED,
            submitted_on=today - dt.timedelta(days=35),
            decided_on=today - dt.timedelta(days=30) if n < 2 else None,
            meeting="1/2569" if n < 2 else "",
            approved_amount=Decimal("10442") if n < 2 else None,
        )
        CareItem.objects.create(plan=plan, category=CareCategory.GENERAL, text="พลิกตะแคงตัวทุก 2 ชั่วโมง")
        # Two days a week, one of them the day of the seed: `make run` shows her "visit today".
        for weekday in sorted({today.weekday(), (today.weekday() + 3) % 7}):
            ScheduleRow.objects.create(
                plan=plan,
                activity="เช็ดตัว ทำกายภาพ",
                weekday=weekday,
                time=dt.time(9, 0),
                frequency="ทุกสัปดาห์",
                responsible=Responsible.CG,
            )
        if n == 0:
            Payment.objects.create(
                plan=plan,
                paid_on=today - dt.timedelta(days=20),
                amount=Decimal("5221"),
                reference="ฎ.1/2569",
                recorded_by=fund_officer,
            )
            CgVisit.objects.create(
                case=case,
                plan=plan,
                caregiver=caregiver,
                visited_on=today - dt.timedelta(days=2),
                activities=["hygiene", "physio"],
                problems=["pressure_sore"],
                sbp=130,
                dbp=80,
                witness_name="ลูกสาว",
                deviation=True,
                deviation_reason="มาไม่ตรงวัน",
            )
    log(f"ltc: {len(eligible)} cases")
