"""Every Thai local government on one platform: N municipalities provisioned from the DOPA
gazetteer, and what the platform does at that size, each figure against a baseline measured in the
same run (the same thing at the start, with a few municipalities, or Django's own way).

N is BENCH_NATIONAL_N (default 7,850: the whole country, ~20 GB of disk and well over half an
hour); `make bench` runs a modest N unless given one: `make bench BENCH_NATIONAL_N=7850`.
"""

import os
from typing import Any

from django.conf import settings
from django.db import connection

from bench.harness import Report, Row, fmt_ratio, fmt_time, median, timed
from national.services import municipalities_to_publish
from tenants.models import Domain, Municipality, SchemaTemplate
from tenants.services.provisioning import schema_template_build

from . import fill, measures, migrations

N = int(os.environ.get("BENCH_NATIONAL_N") or 7850)
N0 = 20                 # the baseline's size
MIGRATED_CREATES = 3    # creations by migration, before any template exists
CREATES = 5             # "create one more", timed at N0 and at N
NOOP_SAMPLE = 5         # schemas Django's no-op migrate is timed on
MEMORY_MUNICIPALITIES = 500
CREATE_TARGET_S, NOOP_TARGET_S, REAL_TARGET_S, LOCK_TARGET_S = 0.3, 60.0, 600.0, 2.0
ROUTING_TARGET_S, PAGE_TARGET_S, PUBLISH_TARGET_S, MEMORY_TARGET_MB = 100e-6, 0.3, 600.0, 200.0


def run(report: Report) -> None:
    fill.gazetteer_load(report)
    base = _baseline(report)
    report.progress(f"provisioning up to N = {N} municipalities")
    elapsed, fill_times = timed(fill.fill_to, report, N)
    n = fill.municipalities_count()
    report.add(Row(
        name="national.provision", figures=f"{n} municipalities in {fmt_time(elapsed)}",
        baseline=f"median create {fmt_time(median(fill_times))} while filling",
        notes=["bulk onboarding from the DOPA gazetteer (an SAO per subdistrict), then PAOs and district "
               "towns; each through municipality_create, restored from the release's template"],
    ))
    for step in (_create, _template, _noop, _real, _routing, _publish, _pages, _memory, _catalogue):
        connection.set_schema_to_public()
        step(report, base, n)


def _creates(first: int, count: int) -> list[float]:
    times = [timed(fill.one_more, i)[0] for i in range(first, first + count)]
    connection.set_schema_to_public()
    return times


def _baseline(report: Report) -> dict[str, Any]:
    base: dict[str, Any] = {}
    SchemaTemplate.objects.all().delete()  # another bench of this run may have built one
    report.progress(f"baseline: {MIGRATED_CREATES} municipalities created by migration (no template yet)")
    base["migrated_create"] = median(_creates(1, MIGRATED_CREATES))
    report.progress("baseline: building the release's schema template")
    base["template_build"], _template = timed(schema_template_build, rebuild=True)
    report.progress(f"baseline: up to {N0 - CREATES} municipalities from the template, then {CREATES} timed")
    fill.fill_to(report, N0 - CREATES)  # warms up what the timed ones use (the template's SQL, plans)
    base["create"] = median(_creates(1 + MIGRATED_CREATES, CREATES))
    municipalities = list(Municipality.objects.local_governments())
    report.progress(f"baseline: national publish of {len(municipalities)} municipalities")
    base["publish"] = median(measures.national_publish(municipalities))
    report.progress("baseline: console pages")
    base["pages"] = measures.page_times(measures.console_client(), measures.console_pages())
    report.progress("baseline: no-op migrations")
    base["noop"], _summary = migrations.executor_noop(report)
    schemas = migrations.municipality_schemas()
    base["django_noop"] = migrations.django_noop_per_schema(schemas[:NOOP_SAMPLE])
    base["size"] = len(schemas)
    base["catalogue"] = measures.catalogue(schemas[0])
    return base


def _create(report: Report, base: dict[str, Any], n: int) -> None:
    report.progress(f"at N: {CREATES} more municipalities")
    creates = _creates(1 + MIGRATED_CREATES + CREATES, CREATES)
    typical, before, migrated = median(creates), base["create"], base["migrated_create"]
    report.add(Row(
        name="national.create_one_more", figures=f"median {fmt_time(typical)}  max {fmt_time(max(creates))}",
        target="≤ 0.3 s median", verdict=Report.verdict(typical <= CREATE_TARGET_S),
        baseline=f"vs at {base['size']} municipalities {fmt_time(before)}: {fmt_ratio(typical, before)}",
        notes=[f"municipality_create at {n} municipalities, {CREATES} times, restored from the release's "
               "template",
               f"by migration (no template yet), at ≤ {MIGRATED_CREATES} municipalities: "
               f"{fmt_time(migrated)} ({fmt_ratio(typical, migrated)})"],
    ))


def _template(report: Report, base: dict[str, Any], n: int) -> None:
    report.progress("at N: rebuilding the schema template")
    build, template = timed(schema_template_build, rebuild=True)
    report.add(Row(
        name="national.template_build", figures=fmt_time(build),
        baseline=f"vs at {MIGRATED_CREATES} municipalities {fmt_time(base['template_build'])}: "
                 f"{fmt_ratio(build, base['template_build'])}",
        notes=[f"once per release: a scratch schema migrated and pg_dump'ed ({len(template.sql) // 1024} kB "
               f"of SQL, {len(template.relation_names)} relations, {template.migrations} migrations), "
               "checked by a trial restore"],
    ))


def _noop(report: Report, base: dict[str, Any], n: int) -> None:
    report.progress("at N: no-op migrate_municipalities")
    noop, summary = migrations.executor_noop(report)
    schemas = migrations.municipality_schemas()
    per_schema = migrations.django_noop_per_schema(schemas[:NOOP_SAMPLE])
    django = per_schema * len(schemas)
    report.add(Row(
        name="national.migrate_noop", figures=f"{fmt_time(noop)} over {len(schemas)} schemas + public",
        target="≤ 60 s", verdict=Report.verdict(noop <= NOOP_TARGET_S),
        baseline=f"vs Django's migrate {fmt_time(per_schema)} per schema × {len(schemas)} ≈ "
                 f"{fmt_time(django)}: {fmt_ratio(noop, django)}",
        notes=["`manage.py migrate_municipalities --no-template` as a subprocess, start-up included: "
               f"{summary}",
               f"Django's: migrate_schemas --schema S in this process, {NOOP_SAMPLE} schemas timed",
               f"at {base['size']} municipalities: {fmt_time(base['noop'])}; Django's per schema then "
               f"{fmt_time(base['django_noop'])}"],
    ))


def _real(report: Report, base: dict[str, Any], n: int) -> None:
    report.progress("at N: one real schema migration (column + index on infrastructure_asset)")
    real = migrations.real_migration(report)
    count = len(migrations.municipality_schemas())
    django = real.django_per_schema * count
    met = (real.total <= REAL_TARGET_S and real.longest_lock_s <= LOCK_TARGET_S and not real.failures
           and real.behind_after == 0)
    report.add(Row(
        name="national.real_migration",
        figures=f"{fmt_time(real.total)}  longest lock {fmt_time(real.longest_lock_s)}  "
                f"failed {len(real.failures)}",
        target="≤ 10 min, each lock ≤ 2 s", verdict=Report.verdict(met),
        baseline=f"vs Django's migrate {fmt_time(real.django_per_schema)} per schema × {count} ≈ "
                 f"{fmt_time(django)}: {fmt_ratio(real.total, django)}",
        notes=["AddField + AddIndex on infrastructure_asset in every schema; Django's timed on "
               f"{real.sample}",
               (f"first run SIGKILLed after {real.first.done} schemas committed "
                f"({fmt_time(real.first.seconds)})" if real.first.killed else
                f"first run finished before it could be killed: {real.first.done} schemas "
                f"({fmt_time(real.first.seconds)})")
               + f"; the second migrated the remaining {real.second_migrated} in {fmt_time(real.second_run)} "
               f"({real.by_sql} by batched SQL, {real.by_django} by Django); schemas behind afterwards: "
               f"{real.behind_after}",
               "longest lock: from a batch's first lock to its commit, over both runs (the killed run's as "
               "of its last progress line)"],
    ))


def _routing(report: Report, base: dict[str, Any], n: int) -> None:
    report.progress(f"at N: routing over {n} hosts")
    hosts = list(Domain.objects.filter(tenant__in=Municipality.objects.local_governments(), is_primary=True)
                 .values_list("domain", flat=True))
    warm, cold, stock = measures.routing(hosts)
    report.add(Row(
        name="national.routing", figures=f"{fmt_time(warm)}/request warm  {fmt_time(cold)} cold",
        target="≤ 0.1 ms/request", verdict=Report.verdict(warm <= ROUTING_TARGET_S),
        baseline=f"vs stock TenantMainMiddleware {fmt_time(stock)}/request: {fmt_ratio(warm, stock)}",
        notes=[f"process_request alone, 20,000 requests to hosts drawn at random from all {len(hosts)}; "
               "cold: the first request to each host"],
    ))


def _publish(report: Report, base: dict[str, Any], n: int) -> None:
    municipalities = list(municipalities_to_publish())
    report.progress(f"at N: nightly national publish of {len(municipalities)} municipalities")
    times = measures.national_publish(municipalities)
    total, linear = sum(times), base["publish"] * len(times)
    report.add(Row(
        name="national.publish",
        figures=f"{fmt_time(total)} for {len(times)} (median {fmt_time(median(times))})",
        target="≤ 10 min", verdict=Report.verdict(total <= PUBLISH_TARGET_S),
        baseline=f"vs {len(times)} × the median at {base['size']} = {fmt_time(linear)}: "
                 f"{fmt_ratio(total, linear)}",
        notes=["national_snapshot_publish one after another in one process; the nightly task sends one "
               "Celery task per municipality, so W workers take about 1/W of this"],
    ))


def _pages(report: Report, base: dict[str, Any], n: int) -> None:
    report.progress("at N: console pages")
    pages = measures.page_times(measures.console_client(), measures.console_pages())
    worst, before = max(pages.values()), max(base["pages"].values())
    report.add(Row(
        name="national.console_pages", figures=f"worst p95 {fmt_time(worst)}",
        target="p95 ≤ 300 ms", verdict=Report.verdict(worst <= PAGE_TARGET_S),
        baseline=f"vs worst at {base['size']} {fmt_time(before)}: {fmt_ratio(worst, before)}",
        notes=[f"{name}: p95 {fmt_time(t)} (at {base['size']}: {fmt_time(base['pages'][name])})"
               for name, t in pages.items()]
        + ["Django test client on the console host, signed in as the platform team, 15 timed requests "
           "a page"],
    ))


def _memory(report: Report, base: dict[str, Any], n: int) -> None:
    schemas = migrations.municipality_schemas()[:MEMORY_MUNICIPALITIES]
    report.progress(f"at N: one connection serving {len(schemas)} municipalities, without then with "
                    "recycling")
    clients = measures.signed_in_clients(schemas)
    never = measures.connection_memory(clients, max_schemas=0)
    limit = settings.DB_CONNECTION_MAX_SCHEMAS
    recycled = measures.connection_memory(clients, max_schemas=limit)
    report.add(Row(
        name="national.connection_memory",
        figures=f"private peak {recycled.peak_anon_mb:.0f} MB, VmRSS peak {recycled.peak_rss_mb:.0f} MB "
                f"over {len(schemas)}",
        target="≤ 200 MB private", verdict=Report.verdict(recycled.peak_anon_mb <= MEMORY_TARGET_MB),
        baseline=f"vs never recycled: private {never.peak_anon_mb:.0f} MB "
                 f"({fmt_ratio(recycled.peak_anon_mb, never.peak_anon_mb)}), VmRSS "
                 f"{never.peak_rss_mb:.0f} MB",
        notes=["the backend of this thread's pooled connection, VmRSS from /proc after each 10 "
               "municipalities (home page and asset list of a signed-in administrator in each); VmRSS "
               "also counts the server's shared memory the backend has touched (shared_buffers, lock "
               "table), mapped once for all connections: the connection's own memory is the private part",
               f"recycled after {limit} schemas (DB_CONNECTION_MAX_SCHEMAS): {recycled.connections} backends "
               f"seen; private {recycled.anon_mb:.0f} MB (peak {recycled.peak_anon_mb:.0f} MB), memory "
               f"contexts {recycled.contexts_mb:.0f} MB",
               f"never recycled: peak {never.peak_rss_mb:.0f} MB, private {never.anon_mb:.0f} MB, memory "
               f"contexts {never.contexts_mb:.0f} MB"],
    ))


def _catalogue(report: Report, base: dict[str, Any], n: int) -> None:
    report.progress("at N: catalogue and pg_dump of one schema")
    cat, cat0 = measures.catalogue(migrations.municipality_schemas()[0]), base["catalogue"]
    report.add(Row(
        name="national.catalogue",
        figures=f"pg_class {cat.pg_class:,} rows  pg_attribute {cat.pg_attribute:,}  database "
                f"{cat.database_mb:,.0f} MB",
        baseline=f"vs at {base['size']}: pg_class {fmt_ratio(cat.pg_class, cat0.pg_class)}, database "
                 f"{fmt_ratio(cat.database_mb, cat0.database_mb)}",
        notes=[f"{cat.schema_relations} relations in a municipality's schema; at {base['size']}: pg_class "
               f"{cat0.pg_class:,}, pg_attribute {cat0.pg_attribute:,}, {cat0.database_mb:,.0f} MB"],
    ))
    report.add(Row(
        name="national.pg_dump_one_schema", figures=f"{fmt_time(cat.dump_seconds)} ({cat.dump_kb:,.0f} kB)",
        baseline=f"vs at {base['size']} {fmt_time(cat0.dump_seconds)}: "
                 f"{fmt_ratio(cat.dump_seconds, cat0.dump_seconds)}",
        notes=["pg_dump -Fc -n <schema> (backups.py's dump): it reads the whole catalogue, whatever the "
               "schema"],
    ))
