"""Reads: the knowledge-base search and consultations scoped to who is asking."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from terpadu.core.access import scope, staff_units
from terpadu.lib.stemming import stem_words, tokenize, trigram_similarity
from terpadu.units.calendar import unit_calendar
from terpadu.units.models import StaffRole, Unit

from .models import Attachment, CannedReply, ConsultantDuty, Consultation, KnowledgeArticle, Message

CONSULTANT_ROLES = [StaffRole.Role.CONSULTANT]
TYPO_THRESHOLD = 0.3  # pg_trgm's default, as in the library search

# Words that say nothing about the subject; left out so "berapa jumlah penduduk" is about penduduk.
_STOPWORDS_TEXT = (
    "yang dan di ke dari untuk dengan apa ini itu atau pada adalah bagaimana berapa saya kami ada "
    "tidak bisa mau ingin mohon tolong apakah dimana mana kapan siapa the of and to in for is what how "
    "a an on"
)
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


# --- knowledge base ---------------------------------------------------------------------------------


@dataclass
class ArticleHit:
    article: KnowledgeArticle
    score: float
    matched: int


def _query_stems(query: str) -> list[str]:
    words = [w for w in tokenize((query or "")[:300]) if w not in STOPWORDS and len(w) >= 2]
    return list(dict.fromkeys(stem for word in words for stem in stem_words(word)))


def articles_visible(*, unit: Unit | None = None) -> QuerySet[KnowledgeArticle]:
    """Published articles: nation-wide ones plus, for a unit, its own and its parents'."""
    qs = KnowledgeArticle.objects.filter(published=True).select_related("unit")
    if unit is not None:
        ancestors = [code for code in unit.path.split("/") if code]
        qs = qs.filter(Q(unit__isnull=True) | Q(unit__code__in=ancestors))
    return qs


def _ranked(qs: QuerySet[KnowledgeArticle], stems: list[str]) -> list[ArticleHit]:
    if not stems:
        return []
    condition = Q()
    for stem in stems:
        condition |= Q(search_stemmed__contains=f" {stem} ")
    hits = []
    for article in qs.filter(condition)[:500]:
        words = article.search_stemmed.split()
        matched = [s for s in stems if s in words]
        # Coverage of the query first, then how often the words occur (the question counts twice).
        score = len(matched) + sum(words.count(s) for s in matched) / (10 + len(words))
        hits.append(ArticleHit(article, score, len(matched)))
    hits.sort(key=lambda h: (-h.score, h.article.question, h.article.pk))
    return hits


def _corrected_stems(qs: QuerySet[KnowledgeArticle], query: str) -> list[str]:
    vocabulary: set[str] = set()
    for question, subjects in qs.values_list("question", "subjects"):
        vocabulary.update(
            w for w in tokenize(" ".join([question, *(subjects or [])])) if len(w) >= 4 and w.isalpha()
        )
    corrected = []
    for word in tokenize(query[:300]):
        if word in STOPWORDS or len(word) < 2:
            continue
        best = word
        if len(word) >= 4 and word.isalpha() and word not in vocabulary:
            scored = [(trigram_similarity(word, v), v) for v in vocabulary]
            scored = [s for s in scored if s[0] >= TYPO_THRESHOLD]
            if scored:
                best = max(scored, key=lambda s: (s[0], [-ord(c) for c in s[1]]))[1]
        corrected.extend(stem_words(best))
    return list(dict.fromkeys(corrected))


def knowledge_search(*, query: str, unit: Unit | None = None, limit: int = 10) -> list[ArticleHit]:
    """Published articles matching `query`, Snowball-stemmed as the library indexes publications
    ("kemiskinan" finds "miskin"); when nothing matches, misspelt words are replaced by the closest
    article word by trigram similarity and the search is repeated."""
    qs = articles_visible(unit=unit)
    stems = _query_stems(query)
    hits = _ranked(qs, stems)
    if not hits and stems:
        corrected = _corrected_stems(qs, query)
        if corrected != stems:
            hits = _ranked(qs, corrected)
    return hits[: max(1, min(limit, 50))]


def publication_suggestions(*, query: str, limit: int = 3) -> list:
    """Publications matching what the user types, from the library's own search."""
    if not _query_stems(query):
        return []
    try:
        from terpadu.library.search import publication_search

        return publication_search(query=query, per_page=limit, with_facets=False).hits
    except Exception:  # noqa: BLE001 - suggestions are a courtesy; the form works without them
        return []


# --- consultations ----------------------------------------------------------------------------------


def _base() -> QuerySet[Consultation]:
    return Consultation.objects.select_related("unit", "user", "assigned_to")


def consultations_of_user(*, user) -> QuerySet[Consultation]:
    return _base().filter(user=user) if user.is_authenticated else _base().none()


def consultation_inbox(
    *,
    user,
    status: str = "",
    unit: Unit | None = None,
    mine: bool = False,
    channel: str = "",
    due: str = "",
    assigned: str = "",
    query: str = "",
    now: dt.datetime | None = None,
) -> QuerySet[Consultation]:
    """Consultations of the staff member's units, filtered as the inbox asks.

    `due`: "soon" (clock running, at most one working day left in the unit's calendar) or
    "overdue"; `assigned`: "me" or "none"; `query`: a number or words of the topic.
    """
    qs = scope(_base(), user, roles=CONSULTANT_ROLES)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    if mine or assigned == "me":
        qs = qs.filter(assigned_to=user)
    elif assigned == "none":
        qs = qs.filter(assigned_to__isnull=True)
    if query := (query or "").strip()[:100]:
        condition = Q(number__iexact=query) | Q(number__icontains=query)
        for word in query.split()[:5]:
            condition |= Q(topic__icontains=word)
        qs = qs.filter(condition)
    if due in ("soon", "overdue"):
        now = now or timezone.now()
        running = qs.filter(
            status=Consultation.Status.CLEAR,
            due_at__isnull=False,
            paused_at__isnull=True,
            answered_at__isnull=True,
        )
        if due == "overdue":
            qs = running.filter(due_at__lt=now)
        else:
            # "One working day left" depends on each unit's calendar: one threshold per unit in play.
            condition = Q(pk__in=[])
            for unit_in_play in Unit.objects.filter(pk__in=running.values("unit")):
                threshold = unit_calendar(unit_in_play, years=range(now.year - 1, now.year + 2))
                limit = threshold.end_of_nth_working_day(now, 1)
                condition |= Q(unit=unit_in_play, due_at__gte=now, due_at__lte=limit)
            qs = running.filter(condition)
    return qs.order_by(F("due_at").asc(nulls_last=True), "-created_at")


def inbox_filtered(*, user, filters: dict, now: dt.datetime | None = None) -> QuerySet[Consultation]:
    """The inbox as the page and the API show it, from `InboxFilterForm`'s cleaned data: status ""
    means every consultation not closed, "all" includes closed ones."""
    status = filters.get("status") or ""
    qs = consultation_inbox(
        user=user,
        status="" if status == "all" else status,
        channel=filters.get("channel") or "",
        due=filters.get("due") or "",
        assigned=filters.get("assigned") or "",
        query=filters.get("q") or "",
        now=now,
    )
    if not status:
        qs = qs.exclude(status=Consultation.Status.CLOSED)
    return qs


def inbox_unit(*, user, code: str) -> Unit | None:
    """The unit whose live inbox `user` may follow: one where they answer consultations."""
    return staff_units(user, CONSULTANT_ROLES).filter(code=code).first()


def consultations_with_unread(*, consultation_ids: list[int]) -> list[int]:
    """Of these consultations, those where the user wrote something staff have not read yet."""
    return list(
        Message.objects.filter(
            consultation_id__in=consultation_ids,
            author_kind=Message.Author.USER,
            pk__gt=F("consultation__staff_read_up_to"),
        )
        .values_list("consultation_id", flat=True)
        .distinct()
    )


def canned_replies(*, unit: Unit) -> QuerySet[CannedReply]:
    return CannedReply.objects.filter(unit=unit).order_by("title", "pk")


def duties_of(*, user) -> list[tuple[Unit, bool]]:
    """Each unit where `user` answers consultations, and whether they are on duty there."""
    units = (
        Unit.objects.filter(
            staff_roles__user=user,
            staff_roles__active=True,
            staff_roles__role__in=[StaffRole.Role.CONSULTANT, StaffRole.Role.UNIT_ADMIN],
        )
        .distinct()
        .order_by("code")
    )
    on = set(ConsultantDuty.objects.filter(user=user, on_duty=True).values_list("unit_id", flat=True))
    return [(u, u.pk in on) for u in units]


def internal_notes(*, consultation: Consultation) -> QuerySet[Message]:
    return consultation.messages.filter(internal=True).select_related("author").order_by("-id")


def consultation_for(*, user, pk: int) -> tuple[Consultation, bool]:
    """The consultation and whether `user` sees it as staff; 404 for anyone else's."""
    if not user.is_authenticated:
        raise Http404
    consultation = _base().filter(pk=pk).first()
    if consultation is None:
        raise Http404
    if staff_units(user, CONSULTANT_ROLES).filter(pk=consultation.unit_id).exists():
        return consultation, True
    if consultation.user_id == user.pk:
        return consultation, False
    raise Http404


def consultation_messages(*, consultation: Consultation, staff: bool, after_id: int = 0) -> QuerySet[Message]:
    """Messages in order; internal notes only for staff; `after_id` for catching up after a reconnect."""
    qs = (
        consultation.messages.select_related("author")
        .prefetch_related("attachments")
        .filter(id__gt=after_id)
        .order_by("id")
    )
    return qs if staff else qs.filter(internal=False)


def attachment_for(*, consultation: Consultation, staff: bool, pk: int) -> Attachment:
    """An attachment of this consultation the reader may see (staff see internal notes' files); else 404."""
    qs = Attachment.objects.select_related("message").filter(message__consultation=consultation, pk=pk)
    if not staff:
        qs = qs.filter(message__internal=False)
    attachment = qs.first()
    if attachment is None:
        raise Http404
    return attachment
