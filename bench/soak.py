"""Soak (issue 22): the production WSGI server under a steady, realistic mix for a long while.

gunicorn runs with the image's own configuration (docker/gunicorn.conf.py: gthread workers, timeouts,
worker recycling) and production settings (DEBUG off; the clients send `X-Forwarded-Proto: https` as
the TLS proxy in front would); a real Celery worker runs the imports. SOAK_CLIENTS signed-in clients
(executive, engineer, nurse and an API integrator) loop over the pages their day is made of for
SOAK_SECONDS (default 600), and an import of 1,000 households is sent through the API every minute.

Printed: requests and errors, p50 / p95 per page, and the resident memory of the web server (master
and workers) and of the Celery worker after the warm-up and at the end, with the growth (target:
0 errors, memory flat, ≤ 10 % growth after warm-up). `BENCH_SOAK_SECONDS=60 python -m bench soak`
for a quick look.
"""

import csv
import http.client
import io
import itertools
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid

from django.core.management import call_command

from bench.harness import (
    BASE_DIR,
    Report,
    Row,
    fmt_time,
    free_port,
    process_tree_rss,
    session_cookie,
    wait_until_up,
)

SCHEMA, HOST = "kantang", "kantang.localhost"
SECONDS = int(os.environ.get("BENCH_SOAK_SECONDS", "600"))
CLIENTS = int(os.environ.get("BENCH_SOAK_CLIENTS", "20"))
WARM_UP = min(60, SECONDS // 5)
IMPORT_EVERY = 60
IMPORT_ROWS = 1_000
TARGET_GROWTH = 0.10

# Each role's day: the pages it opens, in order, again and again.
PAGES = {
    "executive": ["/", "/dashboard/", "/dashboard/disaster/", "/infrastructure/requests/"],
    "engineer": ["/", "/infrastructure/assets/", "/infrastructure/requests/", "/infrastructure/map/",
                 # Kantang's centre (7.41 N, 99.52 E) at the zooms an engineer works at
                 "/infrastructure/map/tiles/14/12721/7853.mvt",
                 "/infrastructure/map/tiles/15/25442/15707.mvt",
                 "/infrastructure/requests/map/"],
    "nurse": ["/", "/health/persons/", "/health/households/", "/health/care/", "/health/visits/"],
    "api": ["/api/v1/assets/?page_size=100", "/api/v1/service-requests/?page_size=100",
            "/api/v1/health/summary/"],
}


def run(report: Report) -> None:
    report.progress("seed_demo (both pilots)")
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    cookies = {role: session_cookie(SCHEMA, HOST, role) for role in ("executive", "engineer", "nurse")}
    token = _api_token()
    env = {**os.environ, "DEBUG": "0", "DEV_ENV_FILE": os.devnull, "GUNICORN_MAX_REQUESTS": "2000"}
    port = free_port()
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "cityplatform.wsgi", "--config", "docker/gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "--worker-tmp-dir", "/dev/shm", "--access-logfile", os.devnull],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "cityplatform", "worker", "--concurrency=1",
         "--loglevel=WARNING", "-n", f"soak-{uuid.uuid4().hex[:6]}@%h"],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_until_up(port)
        report.progress(f"gunicorn (docker/gunicorn.conf.py) and a Celery worker; {CLIENTS} clients for "
                        f"{fmt_time(SECONDS)}, an import of {IMPORT_ROWS:,} rows every minute")
        result = _soak(port, cookies, token, web.pid, worker.pid)
    finally:
        for process in (web, worker):
            process.terminate()
        for process in (web, worker):
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
    _report(report, result)


def _api_token() -> str:
    from django_tenants.utils import schema_context

    from accounts.models import User
    from accounts.tokens import api_token_create

    with schema_context(SCHEMA):
        _token, secret = api_token_create(user=User.objects.get(username="admin"), name="soak")
        return secret


def _households_csv(round_no: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["house_id", "house_no", "moo", "community", "lat", "lon"])
    for n in range(IMPORT_ROWS):
        writer.writerow([f"9{round_no:03d}{n:07d}", f"{n}/{round_no}", 1 + n % 9, "ชุมชนทดสอบโหลด",
                         f"{7.40 + (n % 100) * 1e-4:.5f}", f"{99.50 + (n // 100) * 1e-4:.5f}"])
    return buffer.getvalue().encode("utf-8-sig")


def _multipart(fields: dict[str, str], name: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
             for key, value in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                 "Content-Type: text/csv\r\n\r\n".encode() + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _soak(port: int, cookies: dict, token: str, web_pid: int, worker_pid: int) -> dict:
    timings: dict[str, list[float]] = {}
    errors: list[tuple[str, int | str]] = []
    imports: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    roles = list(itertools.islice(itertools.cycle(PAGES), CLIENTS))

    def headers_for(role: str) -> dict:
        headers = {"Host": HOST, "X-Forwarded-Proto": "https"}
        if role == "api":
            headers["Authorization"] = f"Bearer {token}"
        else:
            headers["Cookie"] = f"sessionid={cookies[role]}"
        return headers

    def client(role: str) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = headers_for(role)
        for path in itertools.cycle(PAGES[role]):
            if stop.is_set():
                break
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                status: int | str = response.status
            except (OSError, http.client.HTTPException) as error:
                status = type(error).__name__
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            elapsed = time.perf_counter() - started
            with lock:
                timings.setdefault(path.split("?")[0], []).append(elapsed)
                if not (isinstance(status, int) and status < 400):
                    errors.append((path, status))
        connection.close()

    def importer() -> None:
        for round_no in itertools.count(1):
            if stop.wait(IMPORT_EVERY if round_no > 1 else 5):
                break
            body, content_type = _multipart({"dataset": "households"}, f"soak-{round_no}.csv",
                                            _households_csv(round_no))
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            try:
                connection.request("POST", "/api/v1/imports/", body=body, headers={
                    **headers_for("api"), "Content-Type": content_type})
                response = connection.getresponse()
                answer = response.read()
                if response.status != 202:
                    with lock:
                        errors.append(("POST /api/v1/imports/", response.status))
                else:
                    imports.append(json.loads(answer)["id"])
            finally:
                connection.close()

    threads = [threading.Thread(target=client, args=(role,), daemon=True) for role in roles]
    threads.append(threading.Thread(target=importer, daemon=True))
    for thread in threads:
        thread.start()
    time.sleep(WARM_UP)
    after_warm_up = (process_tree_rss(web_pid), process_tree_rss(worker_pid))
    with lock:  # the warm-up's timings (imports, first connections) are not the steady state
        timings.clear()
    time.sleep(max(SECONDS - WARM_UP, 1))
    at_end = (process_tree_rss(web_pid), process_tree_rss(worker_pid))
    stop.set()
    for thread in threads:
        thread.join(timeout=180)
    statuses = _import_statuses(port, headers_for("api"), imports)
    return {"timings": timings, "errors": errors, "memory": (after_warm_up, at_end), "imports": statuses}


def _import_statuses(port: int, headers: dict, ids: list[str]) -> dict[str, int]:
    deadline = time.monotonic() + 300
    counts: dict[str, int] = {}
    for job_id in ids:
        while True:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", f"/api/v1/imports/{job_id}", headers=headers)
            status = json.loads(connection.getresponse().read()).get("status", "?")
            connection.close()
            if status in ("done", "failed") or time.monotonic() > deadline:
                break
            time.sleep(1)
        counts[status] = counts.get(status, 0) + 1
    return counts


def _report(report: Report, result: dict) -> None:
    total = sum(len(values) for values in result["timings"].values())
    errors = result["errors"]
    report.add(Row("requests after warm-up", f"{total:,} from {CLIENTS} clients in {fmt_time(SECONDS)}"))
    report.add(Row("errors (4xx, 5xx, broken connections)", f"{len(errors):,}", target="0",
                   verdict=Report.verdict(not errors),
                   notes=[f"{path}: {status}" for path, status in errors[:5]]))
    done = result["imports"].get("done", 0)
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(result["imports"].items())) or "none"
    report.add(Row("imports through the API", outcomes, target="every one done",
                   verdict=Report.verdict(done == sum(result["imports"].values()) and done > 0)))
    for path, values in sorted(result["timings"].items()):
        cuts = statistics.quantiles(values, n=20) if len(values) > 1 else values * 19
        report.add(Row(f"GET {path}", f"p50 {fmt_time(statistics.median(values))}, p95 {fmt_time(cuts[18])} "
                                      f"({len(values):,} requests)"))
    (web_start, worker_start), (web_end, worker_end) = result["memory"]
    for name, start_rss, end_rss in (("web (gunicorn master + workers)", web_start, web_end),
                                     ("Celery worker", worker_start, worker_end)):
        growth = (end_rss - start_rss) / start_rss if start_rss else 0.0
        report.add(Row(f"RSS {name}", f"{start_rss / 2**20:,.0f} → {end_rss / 2**20:,.0f} MB ({growth:+.1%})",
                       target=f"≤ +{TARGET_GROWTH:.0%} after warm-up",
                       verdict=Report.verdict(growth <= TARGET_GROWTH)))
