"""The shared kernel: rules every module needs, defined once.

It imports no app of the project (import-linter checks this in `make test`), only Django and
the standard library, so any app — the ground-floor `tenants`, both domains, the import engine and
the API — may use it without pulling in another's models.

- `geo`: Thailand's bounds and the "is this point in Thailand / swapped?" checks.
- `text`: Thai digits, zero-width characters and the normalisation of typed or imported text.
- `national_id`: the Thai national ID's format, check digit, printed form and mask.
- `thaidate`, `forms`: Buddhist-Era dates shown and read; form fields; a service's errors on a form.
- `choices`: the choices base that reads Thai as well as English labels.
- `i18n`: `bilingual()` for places without a language switch.
- `http`, `ratelimit`: the client's address and fixed-window rate limits.
- `exports`: CSV / XLSX responses with safe cells and Thai file names.
- `tiles`: Mapbox vector tiles cut by PostGIS.
- `db`: database connections around os.fork().
"""
