"""The IKM arithmetic of PermenPAN-RB 14/2017 and the Krejcie–Morgan sample size: pure functions.

Everything is exact (Fraction) until the figure is shown: NRR per element = sum of answers /
responses; IKM = Σ NRR × 1/9; converted score = IKM × 25. The grade is read from the converted
score rounded to two decimals, half up (the precision in which the regulation publishes its
intervals), so 88.305 → 88.31 → A while 88.3049… → 88.30 → B.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from terpadu.feedback.skm import ELEMENT_CODES

WEIGHT = Fraction(1, len(ELEMENT_CODES))  # every element weighs the same: 1/9
SCORE_FACTOR = 25

# (lowest converted score, grade, quality of service), best first.
GRADES: tuple[tuple[Decimal, str, Promise], ...] = (
    (Decimal("88.31"), "A", _("Very good")),
    (Decimal("76.61"), "B", _("Good")),
    (Decimal("65.00"), "C", _("Less good")),
    (Decimal("0"), "D", _("Not good")),
)

# Krejcie & Morgan (1970): chi-square for 1 degree of freedom at 95 %, P = 0.5, d = 0.05.
CHI_SQUARE = Fraction("3.841")
PROPORTION = Fraction(1, 2)
MARGIN = Fraction(5, 100)


def _exact_decimal(value: Fraction, places: int) -> Decimal:
    # Rounded in integers, half up, so no intermediate binary or decimal rounding can flip a tie.
    scale = 10**places
    scaled = value * scale
    whole, remainder = divmod(scaled.numerator, scaled.denominator)
    if 2 * remainder >= scaled.denominator:
        whole += 1
    return Decimal(whole).scaleb(-places)


def nrr(totals: Mapping[str, int], responses: int) -> dict[str, Fraction]:
    """Average answer per element (nilai rata-rata), exact; empty when there are no responses."""
    if responses <= 0:
        return {}
    return {code: Fraction(int(totals[code]), responses) for code in ELEMENT_CODES}


def ikm(nrr_by_element: Mapping[str, Fraction]) -> Fraction | None:
    """IKM = Σ NRR × 1/9 (1–4), exact."""
    if not nrr_by_element:
        return None
    return sum((nrr_by_element[code] * WEIGHT for code in ELEMENT_CODES), Fraction(0))


def converted_score(ikm_value: Fraction) -> Fraction:
    return ikm_value * SCORE_FACTOR


def rounded_score(score: Fraction) -> Decimal:
    return _exact_decimal(score, 2)


def grade(score: Fraction | Decimal) -> tuple[str, Promise]:
    """Grade letter and quality for a converted score (25–100), read at two decimals half up."""
    if isinstance(score, Decimal):
        shown = score.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    else:
        shown = rounded_score(score)
    for lowest, letter, quality in GRADES:
        if shown >= lowest:
            return letter, quality
    return GRADES[-1][1], GRADES[-1][2]


def krejcie_morgan(population: int) -> int:
    """Sample size for a population of `population` service users, as the published table rounds
    it (to the nearest whole respondent): 100 → 80, 1000 → 278, 1,000,000 → 384."""
    if population <= 0:
        return 0
    n = Fraction(population)
    variance = PROPORTION * (1 - PROPORTION)
    size = CHI_SQUARE * n * variance / (MARGIN**2 * (n - 1) + CHI_SQUARE * variance)
    return int(_exact_decimal(size, 0))


@dataclass(frozen=True)
class IkmResult:
    responses: int
    nrr: dict[str, Fraction]
    ikm: Fraction | None
    score: Fraction | None
    grade: str | None
    quality: Promise | None
    population: int | None = None
    sample_required: int | None = None

    @property
    def sample_enough(self) -> bool | None:
        if self.sample_required is None:
            return None
        return self.responses >= self.sample_required

    @property
    def weakest(self) -> list[tuple[str, Fraction]]:
        """Elements from the lowest NRR up (ties keep the questionnaire order)."""
        return sorted(self.nrr.items(), key=lambda item: item[1])

    def nrr_display(self) -> dict[str, Decimal]:
        return {code: _exact_decimal(value, 3) for code, value in self.nrr.items()}

    @property
    def ikm_display(self) -> Decimal | None:
        return _exact_decimal(self.ikm, 4) if self.ikm is not None else None

    @property
    def score_display(self) -> Decimal | None:
        return rounded_score(self.score) if self.score is not None else None

    def as_dict(self) -> dict:
        """The API's shape; numbers rounded only here (NRR 3, IKM 4, score 2 places)."""
        return {
            "responses": self.responses,
            "nrr": {code: float(value) for code, value in self.nrr_display().items()},
            "ikm": float(self.ikm_display) if self.ikm_display is not None else None,
            "score": float(self.score_display) if self.score_display is not None else None,
            "grade": self.grade,
            "quality": str(self.quality) if self.quality is not None else None,
            "population": self.population,
            "sample_required": self.sample_required,
            "sample_enough": self.sample_enough,
        }


def compute(totals: Mapping[str, int], responses: int, *, population: int | None = None) -> IkmResult:
    """The whole IKM of one group of responses from per-element sums."""
    values = nrr(totals, responses)
    index = ikm(values)
    score = converted_score(index) if index is not None else None
    letter, quality = grade(score) if score is not None else (None, None)
    return IkmResult(
        responses=responses,
        nrr=values,
        ikm=index,
        score=score,
        grade=letter,
        quality=quality,
        population=population,
        sample_required=krejcie_morgan(population) if population is not None else None,
    )


def compute_from_answers(answers: Iterable[Mapping[str, int]], *, population: int | None = None) -> IkmResult:
    totals = dict.fromkeys(ELEMENT_CODES, 0)
    count = 0
    for answer in answers:
        count += 1
        for code in ELEMENT_CODES:
            totals[code] += int(answer[code])
    return compute(totals, count, population=population)
