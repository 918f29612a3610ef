from django.core.management.base import BaseCommand, CommandError

from tenants.models import Municipality
from tenants.services.console_audit import Actor
from tenants.services.municipalities import MunicipalityError
from tenants.services.placement import cluster_workers, municipalities_rebalance, municipality_move


class Command(BaseCommand):
    help = (
        "On a Citus cluster (CITUS=1): move one municipality's schema whole to another worker while it "
        "is used (citus_schema_move, logical replication: writes wait only for the last changes), or "
        "--rebalance to even out all municipalities over the workers (after adding one). --list shows "
        "the workers and how many municipalities each holds."
    )

    def add_arguments(self, parser):
        parser.add_argument("schema", nargs="?", help="the municipality's schema, e.g. kantang")
        parser.add_argument("--to-node", help="the worker to move it to, host:port (see --list)")
        parser.add_argument("--rebalance", action="store_true", help="even out every municipality")
        parser.add_argument("--list", action="store_true", help="the workers and their municipalities")

    def handle(self, *args, schema=None, to_node=None, rebalance=False, list=False, **options):
        try:
            if list:
                for node in cluster_workers():
                    self.stdout.write(f"{node}  {node.schemas} municipalities")
            elif rebalance:
                moves = municipalities_rebalance(actor=Actor.shell())
                self.stdout.write(self.style.SUCCESS(f"rebalanced: {moves} shard moves"))
            else:
                if not schema or not to_node:
                    raise CommandError("give a schema and --to-node host:port (or --rebalance, --list)")
                municipality = Municipality.objects.filter(schema_name=schema).first()
                if municipality is None:
                    raise CommandError(f"no municipality with the schema {schema!r}")
                result = municipality_move(municipality=municipality, to_node=to_node, actor=Actor.shell())
                if result.moved:
                    self.stdout.write(self.style.SUCCESS(
                        f"moved {schema} from {result.source} to {result.target} in {result.seconds:.1f} s"))
                else:
                    self.stdout.write(f"{schema} is already on {result.target}")
        except MunicipalityError as error:
            raise CommandError(error.bilingual()) from error
