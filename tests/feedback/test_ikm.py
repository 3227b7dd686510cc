"""IKM arithmetic of PermenPAN-RB 14/2017 against hand-computed figures, and the Krejcie–Morgan table."""

from decimal import Decimal
from fractions import Fraction

import pytest

from terpadu.feedback import ikm
from terpadu.feedback.skm import ELEMENT_CODES, ELEMENTS


def test_the_nine_elements_in_the_questionnaire_order_each_with_four_labels():
    assert ELEMENT_CODES == ("u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9")
    assert str(ELEMENTS[0].title) == "Requirements"
    assert str(ELEMENTS[3].answers[0]) == "Very expensive"
    assert str(ELEMENTS[3].answers[3]) == "Free"
    assert str(ELEMENTS[2].answers[3]) == "Very fast"
    assert all(len(element.answers) == 4 for element in ELEMENTS)


def test_hand_computed_example():
    # Three respondents. Totals per element: u1 4+3+3=10 ... NRR u1 = 10/3.
    answers = [
        dict(zip(ELEMENT_CODES, (4, 4, 3, 4, 3, 4, 4, 3, 2), strict=True)),
        dict(zip(ELEMENT_CODES, (3, 3, 3, 4, 3, 4, 4, 3, 3), strict=True)),
        dict(zip(ELEMENT_CODES, (3, 4, 2, 4, 3, 3, 4, 2, 3), strict=True)),
    ]
    result = ikm.compute_from_answers(answers, population=10)
    assert result.nrr["u1"] == Fraction(10, 3)
    assert result.nrr["u9"] == Fraction(8, 3)
    # Σ totals = 10+11+8+12+9+11+12+8+8 = 89; IKM = 89/3/9 = 89/27 = 3.2963; score = 82.41 → B.
    assert result.ikm == Fraction(89, 27)
    assert result.ikm_display == Decimal("3.2963")
    assert result.score_display == Decimal("82.41")
    assert result.grade == "B"
    assert result.nrr_display()["u1"] == Decimal("3.333")
    # Krejcie–Morgan for 10 users: 10; three responses are not enough.
    assert result.sample_required == 10
    assert result.sample_enough is False
    assert [code for code, _value in result.weakest[:3]] == ["u3", "u8", "u9"]


def test_rounding_only_at_the_end():
    # NRR 3.3333… on every element: rounding NRR first to 3.333 would give a score of 83.325 → 83.33;
    # exact arithmetic gives 83.3333… → 83.33 as well, but IKM must be 3.3333 not 3.333.
    result = ikm.compute(dict.fromkeys(ELEMENT_CODES, 10), 3)
    assert result.ikm == Fraction(10, 3)
    assert result.ikm_display == Decimal("3.3333")
    assert result.score == Fraction(250, 3)


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (Fraction("100"), "A"),
        (Fraction("88.31"), "A"),
        (Fraction("88.305"), "A"),  # shown as 88.31: rounded half up at two decimals
        (Fraction("88.3049"), "B"),  # shown as 88.30
        (Fraction("88.30"), "B"),
        (Fraction("76.61"), "B"),
        (Fraction("76.60"), "C"),
        (Fraction("65.00"), "C"),
        (Fraction("64.99"), "D"),
        (Fraction("25"), "D"),
    ],
)
def test_grade_edges(score, grade):
    assert ikm.grade(score)[0] == grade


def test_grade_edge_from_real_answers():
    # 2 500 responses whose totals sum to 79 479 give Σ NRR = 31.7916, IKM 3.53240, score 88.31 exactly: A.
    totals = dict.fromkeys(ELEMENT_CODES, 8831)
    totals["u9"] = 8831 + (79479 - 8831 * 9)
    result = ikm.compute(totals, 2500)
    assert result.score == Fraction("88.31")
    assert (result.grade, result.score_display) == ("A", Decimal("88.31"))
    # 71 more answer points short (79 470 → score 88.30 exactly): B.
    totals["u9"] -= 9
    result = ikm.compute(totals, 2500)
    assert result.score == Fraction("88.30")
    assert (result.grade, result.score_display) == ("B", Decimal("88.30"))


@pytest.mark.parametrize(
    ("population", "sample"),
    [
        (10, 10),
        (20, 19),
        (50, 44),
        (75, 63),
        (100, 80),
        (200, 132),
        (500, 217),
        (1000, 278),
        (2000, 322),
        (10000, 370),
        (75000, 382),
        (1000000, 384),
        (0, 0),
    ],
)
def test_krejcie_morgan_table(population, sample):
    assert ikm.krejcie_morgan(population) == sample


def test_no_responses_gives_no_index():
    result = ikm.compute(dict.fromkeys(ELEMENT_CODES, 0), 0, population=100)
    assert (result.ikm, result.score, result.grade) == (None, None, None)
    assert result.as_dict()["sample_required"] == 80
    assert result.as_dict()["sample_enough"] is False
