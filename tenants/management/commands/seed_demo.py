import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tenants.demo import DEMO_ACCOUNTS, PILOTS, PLATFORM_ACCOUNT, demo_seed

DEFAULT_DEMO_PASSWORD = "demo-pass-1234"


class Command(BaseCommand):
    help = "Create or refresh the two pilot municipalities, their demo data and demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=["small", "large"], default="small")

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError(
                "seed_demo ทำงานเฉพาะโหมดสาธิต (DEBUG=1 หรือ DEMO_MODE=1) / "
                "seed_demo runs only in demo mode (DEBUG=1 or DEMO_MODE=1): it sets well-known passwords."
            )
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        pilots = demo_seed(size=options["size"], password=password, log=self.stdout.write)
        port = os.environ.get("PORT", "8000")
        self.stdout.write(self.style.SUCCESS(f"seeded {len(pilots)} pilot municipalities"))
        console = f"http://{settings.PLATFORM_DOMAIN}:{port}/"
        self.stdout.write(f"  console   {console}   user {PLATFORM_ACCOUNT[0]}")
        for pilot in PILOTS:
            users = ", ".join(account[0] for account in DEMO_ACCOUNTS)
            self.stdout.write(f"  {pilot.schema_name:<9} http://{pilot.domain}:{port}/   users {users}")
        self.stdout.write("  password  $DEMO_PASSWORD (default demo-pass-1234)")
