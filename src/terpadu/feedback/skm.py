"""The questionnaire of the public satisfaction survey (SKM), PermenPAN-RB 14/2017: the one place
that names the nine elements, their order, their questions and their 1–4 answer labels.

U1..U9 follow the numbering of the regulation's sample questionnaire, which is what IKM reports
tabulate: facilities (sarana dan prasarana) are asked eighth and the handling of complaints,
suggestions and input ninth. Every page, form, API error, PDF and XLSX reads this list.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Element:
    code: str  # "u1".."u9": the response field
    title: Promise  # the element's name in the regulation
    question: Promise
    answers: tuple[Promise, Promise, Promise, Promise]  # labels of 1, 2, 3, 4

    @property
    def label(self) -> str:
        return self.code.upper()

    def choices(self) -> list[tuple[int, Promise]]:
        return list(enumerate(self.answers, start=1))


ELEMENTS: tuple[Element, ...] = (
    Element(
        "u1",
        _("Requirements"),
        _("How well do the service requirements match the kind of service?"),
        (_("Not appropriate"), _("Less appropriate"), _("Appropriate"), _("Very appropriate")),
    ),
    Element(
        "u2",
        _("Systems, mechanisms and procedures"),
        _("How easy is the service procedure at this unit?"),
        (_("Not easy"), _("Less easy"), _("Easy"), _("Very easy")),
    ),
    Element(
        "u3",
        _("Completion time"),
        _("How fast was the service delivered?"),
        (_("Not fast"), _("Less fast"), _("Fast"), _("Very fast")),
    ),
    Element(
        "u4",
        _("Fee/tariff"),
        _("How fair is the fee/tariff of the service?"),
        (_("Very expensive"), _("Quite expensive"), _("Cheap"), _("Free")),
    ),
    Element(
        "u5",
        _("Product specification of the service"),
        _("How well does the product you received match the one in the service standard?"),
        (_("Not appropriate"), _("Less appropriate"), _("Appropriate"), _("Very appropriate")),
    ),
    Element(
        "u6",
        _("Competence of the staff"),
        _("How competent were the staff who served you?"),
        (_("Not competent"), _("Less competent"), _("Competent"), _("Very competent")),
    ),
    Element(
        "u7",
        _("Conduct of the staff"),
        _("How polite and friendly were the staff?"),
        (
            _("Not polite and friendly"),
            _("Less polite and friendly"),
            _("Polite and friendly"),
            _("Very polite and friendly"),
        ),
    ),
    Element(
        "u8",
        _("Facilities and infrastructure"),
        _("What do you think of the quality of the facilities and infrastructure?"),
        (_("Poor"), _("Fair"), _("Good"), _("Very good")),
    ),
    Element(
        "u9",
        _("Handling of complaints, suggestions and input"),
        _("How are complaints from service users handled?"),
        (
            _("Not available"),
            _("Available but not working"),
            _("Working but not optimally"),
            _("Well managed"),
        ),
    ),
)

ELEMENT_CODES: tuple[str, ...] = tuple(element.code for element in ELEMENTS)
BY_CODE: dict[str, Element] = {element.code: element for element in ELEMENTS}

# SPATULA's rating of the staff member who served (optional), 1–5 stars.
STAFF_RATING_LABELS: tuple[Promise, ...] = (
    _("Very poor"),
    _("Poor"),
    _("Fair"),
    _("Good"),
    _("Excellent"),
)

# The anti-corruption perception questions BPS asks with its survey: (response field, question).
# Each is answered yes/no or left unanswered.
INTEGRITY_QUESTIONS: tuple[tuple[str, Promise], ...] = (
    ("asked_for_money", _("Did any staff member ask you for money, goods or favours for this service?")),
    ("offered_gift", _("Did you give or offer staff money or a gift for this service?")),
    ("extra_fee", _("Were you charged any fee outside the published tariff?")),
    ("broker_seen", _("Did you see brokers (calo) offering to arrange the service?")),
    ("discrimination", _("Were you served less well than other service users?")),
)
INTEGRITY_FIELDS: tuple[str, ...] = tuple(field for field, _question in INTEGRITY_QUESTIONS)
