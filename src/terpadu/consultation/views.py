"""Pages: search-first new consultation with live suggestions, the consultation chat, the staff actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services
from .forms import ConsultationForm, MessageForm
from .models import KnowledgeArticle


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
            "inbox": selectors.consultation_inbox(user=request.user).exclude(status="closed")[:100],
        },
    )


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
        },
    )


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
        else:
            raise Http404
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("consultation:detail", pk=pk)


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
