"""Change requests between a municipality and the platform team (ARV): submit, comment, move the
status, check attachments, and tell the other side by e-mail.

The requests live in `public`; the people live in their own schemas, so rows name their authors
and the e-mail addresses are looked up in the right schema when a notification goes out.
"""

import logging
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import get_public_schema_name, schema_context

from kernel.i18n import bilingual, in_active_language

from ..models import ChangeRequest, ChangeRequestAttachment, ChangeRequestComment, Municipality

logger = logging.getLogger(__name__)

MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

# Extension → (kind checked against the content, the content type the file is served with).
ATTACHMENT_TYPES = {
    "png": ("png", "image/png"),
    "jpg": ("jpeg", "image/jpeg"),
    "jpeg": ("jpeg", "image/jpeg"),
    "pdf": ("pdf", "application/pdf"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "csv": ("text", "text/csv; charset=utf-8"),
    "txt": ("text", "text/plain; charset=utf-8"),
}
ALLOWED_EXTENSIONS = ", ".join(f".{ext}" for ext in ATTACHMENT_TYPES if ext != "jpeg")
# Shown in the browser; everything else is downloaded, never rendered on our origin.
INLINE_CONTENT_TYPES = {"image/png", "image/jpeg"}

# Control bytes that plain text (CSV, TXT) never holds; tab, newlines and form feed are fine.
_BINARY_BYTES = frozenset(range(0x00, 0x09)) | frozenset(range(0x0E, 0x1B)) | frozenset(range(0x1C, 0x20))
_UNSAFE_NAME_CHARS = re.compile(r'[<>:"/\\|?*;]')


@dataclass(frozen=True)
class CheckedAttachment:
    file: object
    name: str
    content_type: str
    size: int


# --- Attachments ------------------------------------------------------------------------------


def attachment_safe_name(name: str) -> str:
    """The file's own name without folders, control characters (including right-to-left
    overrides that disguise `exe.pdf`) or characters that file systems and headers trip on."""
    name = unicodedata.normalize("NFC", str(name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE_NAME_CHARS.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = stem.strip(" .")[:120] or "file"
    ext = ext.lower()[:10]
    return f"{stem}.{ext}" if ext else stem


def _file_size(file) -> int:
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
        file.seek(0)
    return size


def _read_all(file) -> bytes:
    file.seek(0)
    data = file.read()
    file.seek(0)
    return data


def _office_kind(file) -> str | None:
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        file.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    # Macros run on the platform team's machines: an .xlsm/.docm renamed .xlsx is refused.
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        return "macro"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    return None


def _is_text(data: bytes) -> bool:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 as Excel saves "Unicode text"
        try:
            data.decode("utf-16")
        except UnicodeDecodeError:
            return False
        return True
    if any(byte in _BINARY_BYTES for byte in data):
        return False
    for encoding in ("utf-8-sig", "cp874"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _image_is_readable(file) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(file) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    finally:
        file.seek(0)
    return True


def _content_kind(file, head: bytes) -> str | None:
    """What the bytes are, whatever the name says."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png" if _image_is_readable(file) else None
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg" if _image_is_readable(file) else None
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(file)
    if head.startswith((b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"#!")):
        return "program"
    return "text" if _is_text(_read_all(file)) else None


def attachment_check(file) -> CheckedAttachment:
    """One uploaded file: an allowed type by its content (not only its name), at most 10 MB.

    Raises ValidationError with a Thai / English message naming the file.
    """
    name = attachment_safe_name(getattr(file, "name", "") or "")
    size = _file_size(file)
    params = {"name": name, "allowed": ALLOWED_EXTENSIONS, "size": f"{size / 1024 / 1024:.1f}"}
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(in_active_language(
            _("“%(name)s” is too large (%(size)s MB); each file may be at most 10 MB."), params
        ), code="attachment_too_large")
    if size == 0:
        raise ValidationError(in_active_language(_("“%(name)s” is empty."), params), code="attachment_empty")
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    if ext not in ATTACHMENT_TYPES:
        raise ValidationError(in_active_language(
            _("“%(name)s” is not an accepted type. Accepted: %(allowed)s."), params
        ), code="attachment_type")
    expected, content_type = ATTACHMENT_TYPES[ext]
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    found = _content_kind(file, head)
    if found == "macro":
        raise ValidationError(in_active_language(
            _("“%(name)s” contains macros; save it as a plain .xlsx or .docx without macros."), params
        ), code="attachment_macro")
    if found != expected:
        raise ValidationError(in_active_language(
            _("The content of “%(name)s” does not match its name (it is not a real .%(ext)s file)."),
            {**params, "ext": ext},
        ), code="attachment_mismatch")
    return CheckedAttachment(file=file, name=name, content_type=content_type, size=size)


def attachments_check(files) -> list[CheckedAttachment]:
    """Every file, all checked before anything is written; every problem reported at once."""
    files = [f for f in (files or ()) if f]
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError(in_active_language(
            _("At most %(max)s files can be attached at a time (you chose %(count)s)."),
            {"max": MAX_ATTACHMENTS, "count": len(files)},
        ), code="attachment_count")
    checked, errors = [], []
    for file in files:
        try:
            checked.append(attachment_check(file))
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    return checked


def _attachments_save(*, change_request: ChangeRequest, comment, checked, uploaded_by: str) -> None:
    for item in checked:
        ext = item.name.rpartition(".")[2].lower()
        attachment = ChangeRequestAttachment(
            request=change_request, comment=comment, original_name=item.name,
            content_type=item.content_type, size=item.size, uploaded_by=uploaded_by,
        )
        item.file.seek(0)
        # A random stored name: the original stays in the row, never in a path on disk.
        attachment.file.save(f"{uuid.uuid4().hex}.{ext}", item.file, save=False)
        attachment.save()


# --- Services ---------------------------------------------------------------------------------


def _display_name(user) -> str:
    return (user.get_full_name() or "").strip() or user.get_username()


@transaction.atomic
def change_request_submit(*, municipality: Municipality, user, data: dict, files=(),
                          origin: str | None = None) -> ChangeRequest:
    """A municipality's staff member asks the platform team; the team is told by e-mail."""
    checked = attachments_check(files)
    change_request = ChangeRequest(
        municipality=municipality,
        title=(data.get("title") or "").strip(),
        description=(data.get("description") or "").strip(),
        category=data.get("category") or "",
        priority=data.get("priority") or ChangeRequest.Priority.NORMAL,
        status=ChangeRequest.Status.NEW,
        submitted_by_username=user.get_username(),
        submitted_by_name=_display_name(user),
        submitted_by_email=user.email or "",
    )
    change_request.full_clean()
    change_request.save()
    _attachments_save(change_request=change_request, comment=None, checked=checked,
                      uploaded_by=change_request.submitted_by_name)
    _notify(change_request=change_request, kind="new", recipients=platform_team_emails(),
            origin=origin, link_side="platform")
    return change_request


@transaction.atomic
def change_request_comment(*, change_request: ChangeRequest, side: str, author_username: str,
                           author_name: str, body: str, files=(),
                           origin: str | None = None) -> ChangeRequestComment:
    """One message in the thread, from either side; the other side is told by e-mail."""
    body = (body or "").strip()
    checked = attachments_check(files)
    if not body and not checked:
        raise ValidationError(_("Write a comment or attach a file."), code="comment_empty")
    change_request = ChangeRequest.objects.select_for_update().get(pk=change_request.pk)
    comment = ChangeRequestComment(
        request=change_request, side=side, author_username=author_username, author_name=author_name,
        body=body,
    )
    comment.full_clean()
    comment.save()
    _attachments_save(change_request=change_request, comment=comment, checked=checked,
                      uploaded_by=author_name or author_username)
    change_request.save(update_fields=["updated_at"])
    _notify_other_side(change_request=change_request, comment=comment, origin=origin)
    return comment


@transaction.atomic
def change_request_transition(*, change_request: ChangeRequest, to_status: str, author_username: str,
                              author_name: str, comment: str = "", files=(),
                              origin: str | None = None) -> ChangeRequestComment:
    """The platform team moves the request along ChangeRequest.TRANSITIONS, optionally with a
    comment and files in the same entry of the thread; an illegal move changes nothing."""
    checked = attachments_check(files)
    locked = ChangeRequest.objects.select_for_update().get(pk=change_request.pk)
    if to_status not in ChangeRequest.Status.values:
        raise ValidationError(in_active_language(_("“%(status)s” is not a status."), {"status": to_status}),
                              code="status_unknown")
    if not locked.can_transition_to(to_status):
        raise ValidationError(in_active_language(
            _("A request that is “%(from)s” cannot be moved to “%(to)s”."),
            {"from": ChangeRequest.Status(locked.status).label, "to": ChangeRequest.Status(to_status).label},
        ), code="status_illegal")
    entry = ChangeRequestComment(
        request=locked, side=ChangeRequestComment.Side.PLATFORM, author_username=author_username,
        author_name=author_name, body=(comment or "").strip(), status_from=locked.status, status_to=to_status,
    )
    entry.full_clean()
    entry.save()
    _attachments_save(change_request=locked, comment=entry, checked=checked,
                      uploaded_by=author_name or author_username)
    locked.status = to_status
    locked.save(update_fields=["status", "updated_at"])
    change_request.status, change_request.updated_at = locked.status, locked.updated_at
    _notify_other_side(change_request=locked, comment=entry, origin=origin)
    return entry


# --- Notifications ----------------------------------------------------------------------------


def platform_team_emails() -> list[str]:
    """settings.PLATFORM_TEAM_EMAILS, or else every active console user with an address."""
    configured = list(settings.PLATFORM_TEAM_EMAILS)
    if configured:
        return configured
    from accounts.models import User

    with schema_context(get_public_schema_name()):
        perm = Permission.objects.filter(content_type__app_label="accounts", codename="use_console").first()
        users = User.objects.filter(is_active=True).exclude(email="")
        users = users.filter(Q(is_superuser=True) | Q(groups__permissions=perm) | Q(user_permissions=perm)) \
            if perm else users.filter(is_superuser=True)
        return sorted(set(users.values_list("email", flat=True)))


def municipality_emails(change_request: ChangeRequest) -> list[str]:
    """The submitter and every municipality member who wrote in the thread, as their accounts
    say today (an address may have changed since they wrote)."""
    from accounts.models import User

    usernames = {change_request.submitted_by_username}
    usernames |= set(change_request.comments.filter(side=ChangeRequestComment.Side.MUNICIPALITY)
                     .values_list("author_username", flat=True))
    with schema_context(change_request.municipality.schema_name):
        found = {u: e for u, e in User.objects.filter(username__in=usernames, is_active=True)
                 .exclude(email="").values_list("username", "email")}
    if change_request.submitted_by_username not in found and change_request.submitted_by_email:
        found[change_request.submitted_by_username] = change_request.submitted_by_email
    return sorted(set(found.values()))


def _notify_other_side(*, change_request: ChangeRequest, comment: ChangeRequestComment,
                       origin: str | None) -> None:
    if comment.side == ChangeRequestComment.Side.MUNICIPALITY:
        _notify(change_request=change_request, kind="comment", comment=comment,
                recipients=platform_team_emails(), origin=origin, link_side="platform")
    else:
        _notify(change_request=change_request, kind="update", comment=comment,
                recipients=municipality_emails(change_request), origin=origin, link_side="municipality")


def _link(change_request: ChangeRequest, *, side: str, origin: str | None) -> str:
    """The request's page on the recipient's host, with the scheme and port the sender used."""
    if side == "platform":
        host = settings.PLATFORM_DOMAIN
        path = reverse("tenants:request-detail", urlconf="cityplatform.urls_public",
                       args=[change_request.pk])
    else:
        domain = change_request.municipality.primary_domain
        host = domain.domain if domain else settings.PLATFORM_DOMAIN
        path = reverse("changerequests:detail", urlconf="cityplatform.urls_tenant",
                       args=[change_request.pk])
    parts = urlsplit(origin or "")
    scheme = parts.scheme or ("http" if settings.DEBUG else "https")
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    return f"{scheme}://{host}{port}{path}"


_SUBJECTS = {
    "new": _("[%(ref)s] New change request from %(municipality)s: %(title)s"),
    "comment": _("[%(ref)s] %(municipality)s commented: %(title)s"),
    "update": _("[%(ref)s] The platform team answered: %(title)s"),
}


def _notify(*, change_request: ChangeRequest, kind: str, recipients: list[str], origin: str | None,
            link_side: str, comment: ChangeRequestComment | None = None) -> None:
    """Render the Thai and English mail now, send it after the transaction commits (nothing is
    mailed about a request that was rolled back)."""
    if not recipients:
        return
    context = {
        "change_request": change_request, "comment": comment,
        "link": _link(change_request, side=link_side, origin=origin),
        "attachments": list(comment.attachments.all()) if comment else list(change_request.attachments.all()),
    }
    params = {"ref": change_request.reference, "title": change_request.title[:80],
              "municipality": change_request.municipality.name_th}
    parts = []
    municipality = change_request.municipality
    names = {"th": municipality.name_th, "en": municipality.name_en or municipality.name_th}
    for language in ("th", "en"):
        context["municipality_name"] = names[language]
        with translation.override(language):
            parts.append(render_to_string(f"tenants/email/change_request_{kind}.txt", context).strip())
    subject = bilingual(_SUBJECTS[kind], params)
    body = "\n\n----------------------------------------\n\n".join(parts) + "\n"
    messages = [EmailMessage(subject=subject, body=body, to=[address]) for address in recipients]

    def send():
        try:
            get_connection().send_messages(messages)
        except Exception:  # a mail server that is down must not turn a saved request into an error
            logger.exception("Could not send the e-mail about change request %s", change_request.pk)

    transaction.on_commit(send)
