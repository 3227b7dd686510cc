"""The WhatsApp webhook, the held-email pages and the channel notice on the consultant's page."""

import json
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from terpadu.consultation.models import Consultation
from terpadu.consultation.services import is_consultant_for
from terpadu.notify import whatsapp

from . import selectors, services
from .models import Kind

logger = logging.getLogger(__name__)


def _channel_off() -> HttpResponse:
    return HttpResponse(
        _(
            "The WhatsApp channel is off: WHATSAPP_TOKEN, WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_APP_SECRET "
            "and WHATSAPP_VERIFY_TOKEN are not all set."
        ),
        status=503,
        content_type="text/plain; charset=utf-8",
    )


@csrf_exempt  # Meta signs the body instead (X-Hub-Signature-256), checked before anything is read
@require_http_methods(["GET", "POST"])
def whatsapp_webhook(request):
    if not whatsapp.is_configured():
        return _channel_off()
    if request.method == "GET":
        challenge = services.whatsapp_verify(
            mode=request.GET.get("hub.mode", ""),
            token=request.GET.get("hub.verify_token", ""),
            challenge=request.GET.get("hub.challenge", ""),
        )
        if challenge is None:
            return HttpResponseForbidden("verify token mismatch", content_type="text/plain")
        return HttpResponse(challenge, content_type="text/plain")
    body = request.body
    if not whatsapp.signature_valid(body, request.headers.get("X-Hub-Signature-256"), settings_secret()):
        return HttpResponseForbidden("invalid signature", content_type="text/plain")
    try:
        payload = json.loads(body)
    except ValueError:
        return HttpResponseBadRequest("not JSON", content_type="text/plain")
    try:
        services.whatsapp_webhook(payload)
    except ValidationError as exc:
        return HttpResponseBadRequest(" ".join(exc.messages), content_type="text/plain")
    except whatsapp.WhatsAppError as exc:
        # A media download that may work later: Meta delivers the webhook again.
        logger.warning("WhatsApp webhook deferred: %s", exc)
        return HttpResponse("try again later", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def settings_secret() -> str:
    return whatsapp.config().app_secret


@login_required
def held_emails(request):
    return render(
        request,
        "consultation_channels/held_list.html",
        {"held": selectors.held_emails_for(user=request.user)[:200]},
    )


@login_required
@require_POST
def held_email_decide(request, pk: int, decision: str):
    held = selectors.held_email_for(user=request.user, pk=pk)
    try:
        if decision == "accept":
            message = services.held_email_accept(held=held, actor=request.user)
            messages.success(
                request,
                _("The email was added to consultation %(number)s.")
                % {"number": message.consultation.number},
            )
            return redirect("consultation:detail", pk=message.consultation_id)
        if decision == "reject":
            services.held_email_reject(held=held, actor=request.user)
            messages.success(request, _("The email was rejected; nothing was added."))
        else:
            return HttpResponseBadRequest()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("consultation_channels:held")


def channel_notice(request, consultation: Consultation) -> str:
    """Slot "consultation.sidebar" on the consultation page: for the unit's consultants, how the
    user is reached (WhatsApp window, template, channel off; email address) and held emails."""
    if request is None or not isinstance(consultation, Consultation):
        return ""
    if not is_consultant_for(request.user, consultation):
        return ""
    thread = selectors.thread_of(consultation)
    contact = thread.contact if thread else None
    whatsapp_thread = consultation.channel == Consultation.Channel.WHATSAPP
    return render_to_string(
        "consultation_channels/_channel_notice.html",
        {
            "consultation": consultation,
            "whatsapp_thread": whatsapp_thread,
            "whatsapp_on": whatsapp.is_configured(),
            "template_name": whatsapp.config().template,
            "contact": contact,
            "is_whatsapp_contact": contact is not None and contact.kind == Kind.WHATSAPP,
            "window_open": bool(contact and services.window_open(contact)),
            "window_closes": services.window_closes_at(contact) if contact else None,
            "email_to": services.email_recipient(consultation),
            "last_out": selectors.last_outbound(consultation),
            "held_count": services.held_emails_pending([consultation.pk]),
        },
        request=request,
    )


def held_emails_notice(request, _obj=None) -> str:
    """Slot "consultation.inbox": a link to the held emails of the consultant's units, when any wait."""
    if request is None or not request.user.is_authenticated:
        return ""
    count = selectors.held_emails_for(user=request.user).count()
    if not count:
        return ""
    return render_to_string("consultation_channels/_held_notice.html", {"held_count": count}, request=request)
