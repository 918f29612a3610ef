"""One-off: today's free-text communities into the register, with a preview.

    manage.py merge_communities --schema kantang            # the preview (nothing is written)
    manage.py merge_communities --schema kantang --apply    # create the entries, point the rows
    … --map "ชุมชนบางหมากใต้=ชุมชนบางหมาก"                   # say yourself what a name means
    … --no-near                                              # likely typos become their own entry
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django_tenants.utils import get_tenant_model, schema_context

from communities.merging import merge_apply, merge_propose


class Command(BaseCommand):
    help = "Map today's free-text community names to the register (preview by default; --apply writes)."

    def add_arguments(self, parser):
        parser.add_argument("--schema", help="The municipality's schema (default: every municipality).")
        parser.add_argument("--apply", action="store_true", help="Write the mapping (default: preview only).")
        parser.add_argument("--dry-run", action="store_true", help="Preview only (the default).")
        parser.add_argument("--map", action="append", default=[], metavar="NAME=COMMUNITY",
                            help="What a name means (repeatable); COMMUNITY may be new.")
        parser.add_argument("--no-near", action="store_true",
                            help="Do not map likely typos onto a community: they get their own entry.")

    def handle(self, *args, **options):
        if options["apply"] and options["dry_run"]:
            raise CommandError("--apply and --dry-run together: choose one.")
        given = {}
        for pair in options["map"]:
            source, sep, target = pair.partition("=")
            if not sep or not source.strip() or not target.strip():
                raise CommandError(f"--map takes NAME=COMMUNITY, not {pair!r}")
            given[source.strip()] = " ".join(target.split())
        if options["schema"]:
            schemas = [options["schema"]]
        else:
            schemas = list(get_tenant_model().objects.exclude(schema_name="public")
                           .values_list("schema_name", flat=True))
        for schema in schemas:
            with schema_context(schema):
                self._one(schema, given=given, near=not options["no_near"], apply=options["apply"])

    def _one(self, schema: str, *, given: dict[str, str], near: bool, apply: bool) -> None:
        proposals = merge_propose(given=given, near=near)
        self.stdout.write(f"{schema} ({connection.schema_name}): {len(proposals)} names")
        for p in proposals:
            arrow = "=" if p.source == p.target else "→"
            self.stdout.write(f"  {p.how:5} {p.rows:6} {p.source} {arrow} {p.target}")
        if not apply:
            self.stdout.write("  preview only: run again with --apply to write it")
            return
        counts = merge_apply(proposals)
        self.stdout.write("  applied: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
