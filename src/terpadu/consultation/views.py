"""Pages: search-first new consultation with live suggestions, the consultation chat, the staff actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from terpadu.core.access import unit_for_staff
from terpadu.units.models import Unit

from . import selectors, services
from .forms import CannedReplyForm, ConsultationForm, InboxFilterForm, MessageForm
from .models import CannedReply, Consultation, KnowledgeArticle


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


@login_required
def my_consultations(request):
    return render(
        request,
        "consultation/list.html",
        {
            "consultations": selectors.consultations_of_user(user=request.user),
            "is_consultant": bool(selectors.duties_of(user=request.user))
            or selectors.consultation_inbox(user=request.user).exists(),
        },
    )


@login_required
def inbox(request):
    """The consultant inbox: their units' consultations, filtered; 404 for anyone who answers none."""
    duties = selectors.duties_of(user=request.user)
    if not duties and not request.user.is_superuser:
        raise Http404
    form = InboxFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = list(selectors.inbox_filtered(user=request.user, filters=filters)[:200])
    unread = set(selectors.consultations_with_unread(consultation_ids=[c.pk for c in rows]))
    context = {"form": form, "rows": rows, "unread": unread, "duties": duties}
    if request.htmx:
        # The live inbox (inbox.js) reloads just the rows when the unit's socket says one changed.
        return render(request, "consultation/_inbox_rows.html", context)
    return render(request, "consultation/inbox.html", context)


@login_required
@require_POST
def duty_toggle(request):
    unit = unit_for_staff(request.user, request.POST.get("unit", ""), services.CONSULTANT_ROLES)
    try:
        services.duty_set(
            unit=unit, consultant=request.user, actor=request.user, on_duty=request.POST.get("on_duty") == "1"
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("consultation:inbox")


@login_required
def consultation_new(request):
    form = ConsultationForm(
        request.POST or None, request.FILES or None, initial={"unit": request.GET.get("unit")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.consultation_open(
                user=request.user,
                unit=form.cleaned_data["unit"],
                topic=form.cleaned_data["topic"],
                description=form.cleaned_data["description"],
                files=form.cleaned_data["attachments"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Consultation %(number)s opened.") % {"number": consultation.number})
            return redirect("consultation:detail", pk=consultation.pk)
    return render(request, "consultation/new.html", {"form": form})


@require_GET
def suggestions(request):
    """The htmx partial under the new-consultation form: articles and publications as the user types."""
    query = " ".join([request.GET.get("topic", ""), request.GET.get("description", "")])[:300]
    code = request.GET.get("unit") or ""
    unit = None
    if code:
        from terpadu.units.models import Unit

        unit = Unit.objects.filter(code=code, is_active=True).first()
    hits = selectors.knowledge_search(query=query, unit=unit, limit=5) if query.strip() else []
    publications = selectors.publication_suggestions(query=query) if query.strip() else []
    return render(
        request,
        "consultation/_suggestions.html",
        {"hits": hits, "publications": publications, "query": query.strip(), "unit_code": code},
    )


@require_POST
def article_answered(request, pk: int):
    """'This answered it': recorded for the deflection rate."""
    article = get_object_or_404(KnowledgeArticle, pk=pk, published=True)
    unit = None
    if code := request.POST.get("unit"):
        from terpadu.units.models import Unit

        unit = Unit.objects.filter(code=code).first()
    services.deflection_record(article=article, user=request.user, unit=unit, query=request.POST.get("q", ""))
    return render(request, "consultation/_answered.html", {"article": article})


def article_detail(request, pk: int):
    article = get_object_or_404(KnowledgeArticle.objects.select_related("unit"), pk=pk, published=True)
    return render(request, "consultation/article.html", {"article": article})


@login_required
def consultation_detail(request, pk: int):
    consultation, staff = selectors.consultation_for(user=request.user, pk=pk)
    form = MessageForm(request.POST or None, request.FILES or None)
    # The chat page posts files with fetch() and reads the answer as JSON; the message itself
    # arrives over the WebSocket like any other.
    wants_json = "application/json" in request.headers.get("Accept", "")
    if request.method == "POST":
        if form.is_valid():
            try:
                message = services.message_post(
                    consultation=consultation,
                    actor=request.user,
                    body=form.cleaned_data["body"],
                    internal=staff and form.cleaned_data["internal"],
                    files=form.cleaned_data["attachments"],
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                if wants_json:
                    return JsonResponse({"message": services.message_payload(message)}, status=201)
                return redirect("consultation:detail", pk=pk)
        if wants_json:
            errors = [str(e) for errors in form.errors.values() for e in errors]
            return JsonResponse({"errors": errors}, status=400)
    chat = list(selectors.consultation_messages(consultation=consultation, staff=staff))
    return render(
        request,
        "consultation/detail.html",
        {
            "consultation": consultation,
            "staff": staff,
            "chat": chat,
            "last_id": chat[-1].pk if chat else 0,
            # Ticks on this side's messages show how far the other side has read.
            "my_side": "staff" if staff else "user",
            "other_read": consultation.user_read_up_to if staff else consultation.staff_read_up_to,
            "form": form,
            "due_local": consultation.unit.local(consultation.due_at) if consultation.due_at else None,
            **(_staff_context(consultation) if staff else {}),
        },
    )


def _staff_context(consultation: Consultation) -> dict:
    return {
        "consultants": services.consultants_of(consultation.unit),
        "canned": selectors.canned_replies(unit=consultation.unit),
        "notes": selectors.internal_notes(consultation=consultation)[:20],
        "referral_services": [(s.value, s.label) for s in services.REFERRAL_SERVICES],
        "referral_units": Unit.objects.filter(is_active=True)
        .exclude(pk=consultation.unit_id)
        .order_by("code"),
    }


@login_required
@require_POST
def consultation_action(request, pk: int, action: str):
    consultation, staff = selectors.consultation_for(user=request.user, pk=pk)
    if not staff:
        raise Http404
    try:
        if action == "mark-clear":
            services.consultation_mark_clear(consultation=consultation, actor=request.user)
        elif action == "request-clarification":
            services.consultation_request_clarification(
                consultation=consultation, actor=request.user, body=request.POST.get("body", "")
            )
        elif action == "close":
            services.consultation_close(consultation=consultation, actor=request.user)
        elif action == "assign":
            consultant = (
                services.consultants_of(consultation.unit)
                .filter(pk=_int(request.POST.get("consultant")))
                .first()
            )
            services.consultation_assign(consultation=consultation, actor=request.user, consultant=consultant)
        elif action == "refer":
            code = request.POST.get("to_unit") or ""
            to_unit = Unit.objects.filter(code=code, is_active=True).first() if code else None
            if code and to_unit is None:
                raise ValidationError({"to_unit": _("Choose an active BPS unit.")})
            services.consultation_refer(
                consultation=consultation,
                actor=request.user,
                service=request.POST.get("service", ""),
                to_unit=to_unit,
                note=request.POST.get("note", ""),
                transfer=request.POST.get("transfer") == "1",
            )
            consultation.refresh_from_db()
            if not services.is_consultant_for(request.user, consultation):
                messages.success(
                    request, _("The consultation was passed to %(unit)s.") % {"unit": to_unit.name}
                )
                return redirect("consultation:inbox")
        else:
            raise Http404
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("consultation:detail", pk=pk)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@login_required
def canned_replies(request, unit: str):
    """A unit's canned replies: list, add; staff of the unit only (others 404)."""
    unit_obj = unit_for_staff(request.user, unit, services.CONSULTANT_ROLES)
    form = CannedReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.canned_reply_save(
                unit=unit_obj,
                actor=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Canned reply saved."))
            return redirect("consultation:canned", unit=unit_obj.code)
    return render(
        request,
        "consultation/canned.html",
        {"unit": unit_obj, "replies": selectors.canned_replies(unit=unit_obj), "form": form},
    )


@login_required
def canned_reply_edit(request, unit: str, reply_id: int):
    unit_obj = unit_for_staff(request.user, unit, services.CONSULTANT_ROLES)
    reply = get_object_or_404(CannedReply, pk=reply_id, unit=unit_obj)
    if request.method == "POST" and request.POST.get("delete"):
        services.canned_reply_delete(reply=reply, actor=request.user)
        messages.success(request, _("Canned reply deleted."))
        return redirect("consultation:canned", unit=unit_obj.code)
    form = CannedReplyForm(request.POST or None, initial={"title": reply.title, "body": reply.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.canned_reply_save(
                unit=unit_obj,
                actor=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                reply=reply,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Canned reply saved."))
            return redirect("consultation:canned", unit=unit_obj.code)
    return render(request, "consultation/canned_edit.html", {"unit": unit_obj, "reply": reply, "form": form})


@login_required
@require_GET
def attachment_download(request, pk: int, attachment_id: int):
    """A file of a message, only to the consultation's user (public messages) or its unit's staff."""
    consultation, staff = selectors.consultation_for(user=request.user, pk=pk)
    attachment = selectors.attachment_for(consultation=consultation, staff=staff, pk=attachment_id)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
