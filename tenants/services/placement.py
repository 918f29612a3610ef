"""Where municipalities live on a Citus cluster, and moving them between workers while they are
used (issue 21). The Citus rules themselves are in tenants/citus.py; here are the platform's
operations on them: checked, audited, and run on a connection of their own (a move is not
allowed inside a transaction, and must not hold the request's)."""

import logging
import time
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .. import citus
from ..models import ConsoleAuditEntry, Municipality
from . import pg
from .console_audit import Actor, console_audit_record
from .municipalities import MunicipalityError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MoveResult:
    schema: str
    source: str
    target: str
    seconds: float

    @property
    def moved(self) -> bool:
        return self.source != self.target


def _require_citus() -> None:
    if not citus.enabled():
        raise MunicipalityError(_("This platform does not run on a Citus cluster (CITUS is off)."))


def cluster_workers() -> list[citus.Node]:
    """The workers and how many municipalities each holds; [] on one server."""
    if not citus.enabled():
        return []
    with pg.side_connection() as conn, conn.cursor() as cursor:
        return citus.workers(cursor)


def municipality_node(*, municipality: Municipality) -> str:
    """host:port of the worker that holds the municipality; "" when none (one server)."""
    if not citus.enabled():
        return ""
    with pg.side_connection() as conn, conn.cursor() as cursor:
        node = citus.schema_node(cursor, municipality.schema_name)
    return str(node) if node else ""


def municipality_move(*, municipality: Municipality, to_node: str, actor: Actor) -> MoveResult:
    """Move the municipality's schema whole to the worker `to_node` (host:port).

    Its pages and tasks keep working meanwhile: Citus copies the schema by logical replication
    and blocks writes only while the last changes are applied (about a second for a pilot)."""
    _require_citus()
    if municipality.is_platform:
        raise MunicipalityError(_("The platform itself lives on the coordinator and is not moved."))
    started = time.perf_counter()
    try:
        with pg.side_connection() as conn, conn.cursor() as cursor:
            source, target = citus.schema_move(cursor, municipality.schema_name, to_node=to_node)
    except citus.CitusError as error:
        raise MunicipalityError(_("Cannot move %(name)s: %(error)s"),
                                {"name": municipality.name_th, "error": str(error)}) from error
    result = MoveResult(municipality.schema_name, str(source) if source else "", str(target),
                        time.perf_counter() - started)
    if result.moved:
        with transaction.atomic():
            console_audit_record(municipality=municipality, actor=actor, action=ConsoleAuditEntry.Action.EDIT,
                                 details={"node": [result.source, result.target]})
        logger.info("municipality %s moved from %s to %s in %.1f s by %s", result.schema, result.source,
                    result.target, result.seconds, actor)
    return result


def municipalities_rebalance(*, actor: Actor) -> int:
    """Even out the municipalities over the workers (after adding one); the shard moves made."""
    _require_citus()
    started = time.perf_counter()
    with pg.side_connection() as conn, conn.cursor() as cursor:
        moves = citus.schemas_rebalance(cursor)
    logger.info("rebalanced the workers: %d shard moves in %.1f s by %s", moves,
                time.perf_counter() - started, actor)
    return moves
