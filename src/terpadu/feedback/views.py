"""Pages: the survey behind its single-use link, the public complaint form and tracking page,
and the staff pages (IKM, responses, complaints), each scoped to the staff member's units."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from terpadu.core.access import get_for_staff, staff_units, unit_for_staff
from terpadu.units.models import ChannelKind, StaffRole, Unit

from . import exports, selectors, services, skm
from .models import SURVEY_SERVICE_KINDS, Complaint, SurveyResponse

LINK_ERROR_STATUS = {"unknown": 404, "used": 409, "expired": 410}


def error_dict(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for e in errs for m in e.messages] for field, errs in exc.error_dict.items()}
    return {"form": [str(m) for m in exc.messages]}


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


# --- survey -----------------------------------------------------------------------------------------


def survey_data_from_post(post) -> dict:
    data = {
        key: post.get(key, "")
        for key in ("staff_rating", "comment", "gender", "age_group", "education", "occupation")
    }
    data["answers"] = {code: post.get(code, "") for code in skm.ELEMENT_CODES}
    for field in skm.INTEGRITY_FIELDS:
        data[field] = post.get(field, "")
    return data


def _survey_context(invitation, values=None, errors=None) -> dict:
    values = values or {}
    answers = values.get("answers", {})
    elements = [
        {
            "element": element,
            "choices": element.choices(),
            "value": str(answers.get(element.code, "")),
            "errors": (errors or {}).get(element.code, []),
        }
        for element in skm.ELEMENTS
    ]
    integrity = [
        {"field": field, "question": question, "value": str(values.get(field, ""))}
        for field, question in skm.INTEGRITY_QUESTIONS
    ]
    return {
        "invitation": invitation,
        "unit": invitation.unit,
        "service_label": dict(SURVEY_SERVICE_KINDS).get(invitation.service, invitation.service),
        "elements": elements,
        "integrity": integrity,
        "values": values,
        "errors": errors or {},
        "staff_ratings": list(enumerate(skm.STAFF_RATING_LABELS, start=1)),
        "genders": SurveyResponse.Gender.choices,
        "age_groups": SurveyResponse.AgeGroup.choices,
        "educations": SurveyResponse.Education.choices,
        "occupations": SurveyResponse.Occupation.choices,
    }


@require_http_methods(["GET", "POST"])
def survey(request, token: str):
    try:
        invitation = services.invitation_by_token(token)
    except services.SurveyLinkError as exc:
        return render(
            request,
            "feedback/survey_closed.html",
            {"reason": exc.message, "code": exc.code},
            status=LINK_ERROR_STATUS[exc.code],
        )
    if request.method == "POST":
        data = survey_data_from_post(request.POST)
        try:
            services.survey_submit(token=token, data=data)
        except services.SurveyLinkError as exc:
            return render(
                request,
                "feedback/survey_closed.html",
                {"reason": exc.message, "code": exc.code},
                status=LINK_ERROR_STATUS[exc.code],
            )
        except ValidationError as exc:
            context = _survey_context(invitation, data, error_dict(exc))
            return render(request, "feedback/survey.html", context, status=400)
        return redirect("feedback:survey-thanks")
    return render(request, "feedback/survey.html", _survey_context(invitation))


@require_GET
def survey_thanks(request):
    return render(request, "feedback/survey_thanks.html")


# --- complaints, public -----------------------------------------------------------------------------


@require_GET
def complaints_home(request):
    if code := request.GET.get("unit"):
        unit = Unit.objects.filter(code=code, is_active=True).first()
        if unit is not None:
            return redirect("feedback:complaint-form", code=unit.code)
    units = Unit.objects.filter(is_active=True).only("code", "name").order_by("code")
    return render(request, "feedback/complaints_home.html", {"units": units})


@require_http_methods(["GET", "POST"])
def complaint_form(request, code: str):
    unit = get_object_or_404(Unit, code=code, is_active=True)
    values, errors = {}, {}
    if request.method == "POST":
        values = {
            key: request.POST.get(key, "")
            for key in ("category", "service", "body", "contact_name", "contact_email", "contact_phone")
        }
        try:
            complaint = services.complaint_create(
                unit=unit, channel=ChannelKind.WEBSITE, client_key=client_ip(request), **values
            )
        except ValidationError as exc:
            errors = error_dict(exc)
        except services.RateLimited as exc:
            errors = {"form": [str(exc)]}
            return render(
                request,
                "feedback/complaint_form.html",
                _complaint_form_context(unit, values, errors),
                status=429,
            )
        else:
            request.session["feedback_new_complaint"] = complaint.tracking_code
            return redirect("feedback:complaint-status", tracking_code=complaint.tracking_code)
    status = 400 if errors else 200
    return render(
        request, "feedback/complaint_form.html", _complaint_form_context(unit, values, errors), status=status
    )


def _complaint_form_context(unit, values, errors) -> dict:
    return {
        "unit": unit,
        "values": values,
        "errors": errors,
        "categories": Complaint.Category.choices,
        "services": SURVEY_SERVICE_KINDS,
        "channels": unit.complaint_channels.all(),
    }


@require_GET
def complaint_lookup(request):
    code = request.GET.get("code", "")
    complaint = selectors.complaint_by_code(code) if code.strip() else None
    if complaint is None:
        if code.strip():
            messages.error(request, _("No complaint has this tracking code. Check the code and try again."))
        return redirect("feedback:complaints")
    return redirect("feedback:complaint-status", tracking_code=complaint.tracking_code)


@require_GET
def complaint_status(request, tracking_code: str):
    complaint = selectors.complaint_by_code(tracking_code)
    if complaint is None:
        raise Http404
    fresh = request.session.pop("feedback_new_complaint", "") == complaint.tracking_code
    unit = complaint.unit
    # Only what the public view reveals: status, dates, the reply. Never the body or the contact.
    times = {}
    for name in ("received_at", "due_at", "first_response_at", "answered_at", "closed_at"):
        moment = getattr(complaint, name)
        times[name] = unit.local(moment) if moment else None
    return render(
        request,
        "feedback/complaint_status.html",
        {
            "public": selectors.complaint_public(complaint),
            "times": times,
            "complaint_unit": unit,
            "fresh": fresh,
            "status": complaint.get_status_display(),
        },
    )


# --- IKM, staff -------------------------------------------------------------------------------------


def _units_page(request, template: str, url_name: str):
    units = list(staff_units(request.user).order_by("code"))
    if not units:
        raise Http404
    if len(units) == 1:
        return redirect(url_name, code=units[0].code)
    return render(request, template, {"units": units, "url_name": url_name})


@login_required
@require_GET
def ikm_home(request):
    return _units_page(request, "feedback/staff_units.html", "feedback:ikm")


def _ikm_request(request, code: str):
    unit = unit_for_staff(request.user, code)
    period = selectors.parse_period(unit, request.GET.get("from"), request.GET.get("to"))
    service = request.GET.get("service", "")
    if service not in services.SERVICE_VALUES:
        service = ""
    return unit, period, service


@login_required
@require_GET
def ikm_page(request, code: str):
    unit, period, service = _ikm_request(request, code)
    context = exports.ikm_report_context(unit=unit, period=period, service=service)
    in_scope = staff_units(request.user)
    context["side_by_side"] = selectors.ikm_side_by_side(
        units=in_scope.filter(path__startswith=unit.path).exclude(pk=unit.pk).order_by("code")[:60],
        period=period,
        service=service or None,
    )
    context["is_admin"] = staff_units(request.user, [StaffRole.Role.UNIT_ADMIN]).filter(pk=unit.pk).exists()
    context["services"] = SURVEY_SERVICE_KINDS
    context["query"] = request.GET.urlencode()
    return render(request, "feedback/ikm.html", context)


@login_required
@require_POST
def ikm_follow_up(request, code: str):
    unit, period, service = _ikm_request(request, code)
    try:
        services.follow_up_save(
            actor=request.user,
            unit=unit,
            service=service,
            period_start=period.start,
            period_end=period.end,
            plan=request.POST.get("plan", ""),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The follow-up plan was saved."))
    return redirect(reverse("feedback:ikm", args=[unit.code]) + "?" + request.GET.urlencode())


@login_required
@require_GET
def ikm_pdf(request, code: str):
    unit, period, service = _ikm_request(request, code)
    pdf = exports.ikm_report_pdf(request, unit=unit, period=period, service=service)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="ikm-{unit.code}-{period.start}-{period.end}.pdf"'
    )
    return response


@login_required
@require_GET
def responses_xlsx(request, code: str):
    unit, period, service = _ikm_request(request, code)
    data = exports.responses_xlsx(unit=unit, period=period, service=service)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="survei-{unit.code}-{period.start}-{period.end}.xlsx"'
    )
    return response


@login_required
@require_GET
def responses_page(request, code: str):
    unit, period, service = _ikm_request(request, code)
    queryset = selectors.responses(unit=unit, period=period, service=service or None).select_related("staff")
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/responses.html",
        {
            "unit": unit,
            "period": period,
            "service": service,
            "page": page,
            "codes": skm.ELEMENT_CODES,
            "query": request.GET.urlencode(),
        },
    )


# --- complaints, staff ------------------------------------------------------------------------------


@login_required
@require_GET
def complaint_staff_home(request):
    return _units_page(request, "feedback/staff_units.html", "feedback:complaint-staff-list")


@login_required
@require_GET
def complaint_staff_list(request, code: str):
    unit = unit_for_staff(request.user, code)
    status = request.GET.get("status", "open")
    breached = {"1": True, "0": False}.get(request.GET.get("breached", ""))
    page = Paginator(selectors.complaints(unit=unit, status=status, breached=breached), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "feedback/staff_complaints.html",
        {
            "unit": unit,
            "page": page,
            "status": status,
            "statuses": Complaint.Status.choices,
            "breached": request.GET.get("breached", ""),
        },
    )


STAFF_COMPLAINT_FIELDS = (
    "channel",
    "category",
    "service",
    "body",
    "contact_name",
    "contact_email",
    "contact_phone",
    "lapor_tracking_id",
)


@login_required
@require_http_methods(["GET", "POST"])
def complaint_staff_new(request, code: str):
    unit = unit_for_staff(request.user, code)
    values, errors = {"channel": ChannelKind.SUGGESTION_BOX}, {}
    if request.method == "POST":
        values = {key: request.POST.get(key, "") for key in STAFF_COMPLAINT_FIELDS}
        received = request.POST.get("received_at", "")
        try:
            received_at = exports.parse_local_datetime(unit, received) if received else None
            complaint = services.complaint_create(
                actor=request.user, unit=unit, received_at=received_at, **values
            )
        except ValidationError as exc:
            errors = error_dict(exc)
        else:
            messages.success(
                request,
                _("Complaint recorded with tracking code %(code)s.") % {"code": complaint.tracking_code},
            )
            return redirect("feedback:complaint-staff-detail", code=unit.code, pk=complaint.pk)
        values["received_at"] = received
    return render(
        request,
        "feedback/staff_complaint_new.html",
        {
            "unit": unit,
            "values": values,
            "errors": errors,
            "channels": ChannelKind.choices,
            "categories": Complaint.Category.choices,
            "services": SURVEY_SERVICE_KINDS,
        },
        status=400 if errors else 200,
    )


def _unit_staff(unit):
    return (
        get_user_model()
        .objects.filter(staff_roles__unit=unit, staff_roles__active=True, is_active=True)
        .distinct()
        .order_by("name")
    )


@login_required
@require_http_methods(["GET", "POST"])
def complaint_staff_detail(request, code: str, pk: int):
    unit = unit_for_staff(request.user, code)
    complaint = get_for_staff(
        Complaint.objects.select_related("unit", "handler"), request.user, pk=pk, unit=unit
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "reply":
                services.complaint_reply(
                    actor=request.user, complaint=complaint, text=request.POST.get("text", "")
                )
                messages.success(request, _("The reply was saved."))
            else:
                handler_id = request.POST.get("handler", "")
                handler = _unit_staff(unit).filter(pk=handler_id).first() if handler_id else None
                if handler_id and handler is None:
                    raise ValidationError({"handler": _("The handler must be a staff member of this unit.")})
                services.complaint_update(
                    actor=request.user,
                    complaint=complaint,
                    category=request.POST.get("category") or None,
                    handler=handler,
                    clear_handler=not handler_id,
                    status=request.POST.get("status") or None,
                    note=request.POST.get("note", ""),
                )
                messages.success(request, _("The complaint was updated."))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return redirect("feedback:complaint-staff-detail", code=unit.code, pk=complaint.pk)
    return render(
        request,
        "feedback/staff_complaint_detail.html",
        {
            "unit": unit,
            "complaint": complaint,
            "events": complaint.events.select_related("actor"),
            "staff": _unit_staff(unit),
            "categories": Complaint.Category.choices,
            "whatsapp": exports.whatsapp_link(complaint),
            "tracking_url": services.tracking_url(complaint),
        },
    )
