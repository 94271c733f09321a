"""The Verifier's checks against the words of the text, and the metamorphic re-solve."""

from __future__ import annotations

import pyomo.environ as pyo
import pytest

from agents.formulation_checks import (
    code_literals,
    integrality_conflict,
    sense_conflict,
    unit_mismatches,
    unstated_literals,
    unused_numbers,
    unused_numbers_warning,
)
from tools.question import sentences
from tools.solvers.metamorphic import tightened_optimum_check
from tools.textdata import parse_text


def test_numbers_of_the_text_that_the_model_ignores_are_named() -> None:
    data = parse_text("Budget 120 dollars, 3 products, a profit of 40 and 55 per unit; at most 7 units of the first.")
    assert unused_numbers(data, [120.0, 40.0, 55.0], code="x <= 7") == [3.0]
    warning = unused_numbers_warning([3.0])[0]
    assert "3" in warning and "counts or labels" in warning
    assert unused_numbers_warning([]) == []


def test_a_number_with_thousands_separators_is_one_number_of_the_text() -> None:
    """nl4opt-005's "at least 60,000 square feet": read as 60 and 0, a model using 60000 was told it left out a 60 and
    a 0; an elements expression with the separator reads as the same number."""
    from agents.elements_code import normalise

    text = "Ship at least 60,000 square feet; make at most 1,250,000.5 units, in lots of 2, 3 or 5."
    data = parse_text(text)
    assert data.numbers == (60000.0, 1250000.5, 2.0, 3.0, 5.0)
    assert unused_numbers(data, [60000.0, 1250000.5], code="x >= 2\ny <= 3\nz == 5") == []
    assert unstated_literals({"constraints": [{"expression": "x >= 60000"}]}, text) == []
    assert normalise("x >= 60,000", {}) == "x >= 60000"


def test_a_share_written_as_a_word_states_its_denominator() -> None:
    text = "There must be at least a third as many seniors as juniors, and at most 12 juniors."
    assert unstated_literals({"constraints": [{"expression": "3 * seniors >= juniors"}]}, text) == []
    assert unstated_literals({"constraints": [{"expression": "4 * seniors >= juniors"}]}, text) != []


HAY = (
    "A farm hauls hay with tractors and trucks. A tractor carries 20 bales a trip and a truck 50 bales. There may be no "
    "more trucks than tractors. At least 1000 bales must reach the barn. How few vehicles can the farm use?"
)


def test_a_number_stated_once_bounding_two_readings_of_one_requirement_is_named() -> None:
    """nl4opt-030 on the 1.5B was verified at 1000 for 29: "at least 1000 bricks" written both as 20 * cows + 50 *
    elephants >= 1000 and as cows + elephants >= 1000. One number stated once bounds one requirement."""
    from agents.formulation_checks import misread_bounds, one_bound_two_readings

    right = [{"expression": "20 * tractors + 50 * trucks >= 1000"}, {"expression": "trucks <= tractors"}]
    assert one_bound_two_readings({"constraints": right}, HAY) == []
    both = [*right, {"expression": "1000 <= tractors + trucks"}]
    [finding] = one_bound_two_readings({"constraints": both}, HAY)
    assert finding == (
        "the text states 1000 once, counting bales, as the coefficients of 20 * tractors + 50 * trucks >= 1000 do;"
        " 1000 <= tractors + trucks reads it as something else: leave it out"
    )
    assert misread_bounds(both, HAY) == [both[-1]]
    # where what the number counts does not tell, both readings are named
    unsaid = HAY.replace("20 bales a trip and a truck 50 bales", "20 a trip and a truck 50")
    [finding] = one_bound_two_readings({"constraints": both}, unsaid)
    assert "states 1000 once" in finding and "20 * tractors + 50 * trucks >= 1000; 1000 <= tractors + trucks" in finding
    assert misread_bounds(both, unsaid) == []
    # a bound the text gives for each of several things may bound several sums
    each = HAY.replace("At least 1000 bales must reach the barn", "Each of the two barns needs at least 1000 bales")
    assert one_bound_two_readings({"constraints": both}, each) == []
    # the question's "how many of each" speaks of the answer, not of one bound for each thing (nl4opt-000)
    asked = HAY.replace("At least 1000 bales must reach the barn. How few", "If 1000 bales must go, how many of each")
    assert len(one_bound_two_readings({"constraints": both}, asked)) == 1
    # a number written twice may be two requirements
    twice = HAY + " The farm also has to move at least 1000 bales of straw."
    assert one_bound_two_readings({"constraints": both}, twice) == []
    # read as an upper bound of the other sum (nl4opt-030 at 2065476)
    opposite = [*right, {"expression": "tractors + trucks <= 1000"}]
    [finding] = one_bound_two_readings({"constraints": opposite}, HAY)
    assert "tractors + trucks <= 1000" in finding
    # the same sum bounded from both sides by the number is one requirement ('exactly'), not two readings
    exactly = [*right, {"expression": "20 * tractors + 50 * trucks <= 1000"}]
    assert one_bound_two_readings({"constraints": exactly}, HAY) == []


def test_no_solved_problem_of_the_bank_bounds_two_readings_with_one_number_or_shifts_its_objective_by_a_bound() -> None:
    from agents.formulation_checks import (
        against_their_words,
        forced_equal,
        objective_offset_by_a_bound,
        objective_without_its_prices,
        one_bound_two_readings,
        share_of_one_for_the_whole,
    )
    from knowledge_base.bank import load_bank
    from tools.question import sentences

    for item in load_bank():
        written = {
            "constraints": [
                {"expression": c.expression, "meaning": next((s for s in sentences(item.text) if c.clause in s), c.clause)}
                for c in item.constraints
            ],
            "objective": {"expression": item.objective.expression},
            "variables": [{"name": v.name} for v in item.variables],
        }
        assert one_bound_two_readings(written, item.text) == [], item.id
        assert objective_offset_by_a_bound(written, item.text) == [], item.id
        assert forced_equal(written, item.text) == [], item.id
        assert against_their_words(written) == [], item.id
        assert share_of_one_for_the_whole(written) == [], item.id
        assert objective_without_its_prices(written, item.text) == [], item.id


def test_a_bound_written_the_other_way_than_its_words_is_named() -> None:
    """nl4opt-005 on the 1.5B at 2ba6e3d: "a total of at least 60,000 square feet" written with <=, reported infeasible."""
    from agents.formulation_checks import against_their_words

    said = "The bakery must ship a total of at least 1,200 loaves a day, and no more than 700 of them may be rye."
    [finding] = against_their_words({"constraints": [{"expression": "rye + wheat <= 1200", "meaning": said}]})
    assert "“at least 1200”: write it with >=" in finding
    [finding] = against_their_words({"constraints": [{"expression": "rye >= 700", "meaning": said}]})
    assert "“no more than 700”: write it with <=" in finding
    right = [{"expression": "rye + wheat >= 1200", "meaning": said}, {"expression": "rye <= 700", "meaning": said}]
    assert against_their_words({"constraints": right}) == []
    # a number only equal to what the sides leave, not written in the expression, is not this number
    shifted = {"expression": "500 + rye + wheat <= 1700", "meaning": said}
    assert against_their_words({"constraints": [shifted]}) == []


def test_a_share_of_the_whole_written_as_a_share_of_one_other_variable_is_named() -> None:
    """nl4opt-010 on the 1.5B at 2ba6e3d was verified at 800 for 841: "At most 40% of the birds can be owls" as
    owls <= 0.4 * pigeons."""
    from agents.formulation_checks import share_of_one_for_the_whole

    fleet = [{"name": "vans"}, {"name": "trucks"}]
    said = "At most 30% of the vehicles may be trucks."
    [finding] = share_of_one_for_the_whole(
        {"variables": fleet, "constraints": [{"expression": "trucks <= 0.3 * vans", "meaning": said}]}
    )
    assert "write trucks <= 0.3 * (vans + trucks)" in finding
    whole = {"expression": "trucks <= 0.3 * (vans + trucks)", "meaning": said}
    assert share_of_one_for_the_whole({"variables": fleet, "constraints": [whole]}) == []
    of_vans = {"expression": "trucks <= 0.3 * vans", "meaning": "Trucks may number at most 30% of the vans."}
    assert share_of_one_for_the_whole({"variables": fleet, "constraints": [of_vans]}) == []


def test_two_constraints_forcing_two_amounts_equal_where_the_text_never_says_so_are_named() -> None:
    """nl4opt-030 on the 1.5B at 406e292, verified at 30 for 29: elephants <= cows beside cows <= elephants."""
    from agents.formulation_checks import forced_equal

    both_ways = [{"expression": "trucks <= tractors"}, {"expression": "20 * tractors + 50 * trucks >= 1000"}]
    [finding] = forced_equal({"constraints": [*both_ways, {"expression": "tractors - trucks <= 0"}]}, HAY)
    assert "trucks <= tractors and tractors - trucks <= 0 together make tractors and trucks equal" in finding
    assert forced_equal({"constraints": [*both_ways, {"expression": "trucks >= tractors"}]}, HAY) != []
    assert forced_equal({"constraints": [*both_ways, {"expression": "tractors <= 2 * trucks"}]}, HAY) == []
    said = HAY.replace("There may be no more trucks than tractors.", "There must be as many trucks as tractors.")
    assert forced_equal({"constraints": [*both_ways, {"expression": "trucks >= tractors"}]}, said) == []


def test_an_objective_shifted_by_the_bound_of_a_requirement_is_named() -> None:
    """nl4opt-030 on the 1.5B at 6c96cca: 'the minimum number of animals' written as the bricks beyond the 1000."""
    from agents.formulation_checks import objective_offset_by_a_bound

    constraints = [{"expression": "20 * tractors + 50 * trucks >= 1000"}, {"expression": "trucks <= tractors"}]
    shifted = {"objective": {"expression": "tractors * 20 + trucks * 50 - 1000"}, "constraints": constraints}
    [finding] = objective_offset_by_a_bound(shifted)
    assert "shifted by -1000, the bound of the constraint 20 * tractors + 50 * trucks >= 1000" in finding
    plain = {"objective": {"expression": "tractors + trucks"}, "constraints": constraints}
    assert objective_offset_by_a_bound(plain) == []
    fixed_fee = {"objective": {"expression": "3 * tractors + 5 * trucks + 40"}, "constraints": constraints}
    assert objective_offset_by_a_bound(fixed_fee) == []  # a constant of its own (a fixed fee) is the text's to state
    # a bound the text states that no constraint holds (nl4opt-216 at fb27aeb: the 2500 drill bits left as oil)
    text = "A farm has available 90 litres of diesel. A tractor trip uses 3 litres and a truck trip 5. Carry the most hay."
    left = {"objective": {"expression": "(90 - 3 * tractors - 5 * trucks) + 20 * tractors"}, "constraints": constraints}
    [finding] = objective_offset_by_a_bound(left, text)
    assert "shifted by 90, a bound the text states" in finding
    fee = text.replace("Carry the most hay.", "Each trip costs $20 more than its fee of $40. Spend the least.")
    assert objective_offset_by_a_bound({**fixed_fee, "constraints": []}, fee) == []  # the $40 fee is no bound


def test_a_percentage_is_used_when_its_fraction_is() -> None:
    """nl4opt-000: "at least 60% of the trips should be by canoe" written as canoes >= 0.6 * (boats + canoes) was
    named a number left out ("the model uses no number equal to ... 60")."""
    data = parse_text("At most 12 boat trips, and at least 60% of the trips by canoe.")
    assert unused_numbers(data, [], code="m.c = Constraint(expr=b <= 12)\nm.d = Constraint(expr=c >= 0.6 * (b + c))") == []
    assert unused_numbers(data, [60.0, 12.0]) == []
    assert unused_numbers(data, [12.0]) == [60.0]


@pytest.mark.parametrize(
    ("text", "sense", "conflict"),
    [
        ("Maximize the total profit.", "min", "asks to maximize"),
        ("We want to minimise the cost.", "max", "asks to minimize"),
        ("Maximize profit.", "max", None),
        ("Minimize cost, then maximize coverage.", "min", None),  # both words: not clear enough to judge
        ("Find the plan.", "min", None),
    ],
)
def test_objective_sense_must_match_the_words(text: str, sense: str, conflict: str | None) -> None:
    found = sense_conflict(text, sense)
    assert (found is None) if conflict is None else (conflict in str(found))


def test_a_constraint_against_its_sentences_words_is_turned_and_a_rate_per_week_is_still_stated_once() -> None:
    from agents.formulation_checks import against_their_words, one_bound_two_readings, turned_to_their_words

    meaning = "The mill must ship at least 800 tonnes of flour every week and has 600 hours of milling."
    constraints = [
        {"expression": "2 * fine + 3 * coarse <= 800", "meaning": meaning},
        {"expression": "fine + coarse <= 600", "meaning": meaning},
    ]
    [error] = against_their_words({"constraints": constraints})
    assert "write it with >=" in error
    turned = turned_to_their_words(constraints)
    assert [c["expression"] for c in turned] == ["2 * fine + 3 * coarse >= 800", "fine + coarse <= 600"]
    assert turned[1] is constraints[1] and against_their_words({"constraints": turned}) == []
    # 'every week' is the rate's period, not 'each' of what 800 counts: 800 is stated once, read two ways here
    both = [{"expression": "2 * fine + 3 * coarse >= 800"}, {"expression": "fine + coarse >= 800"}]
    assert len(one_bound_two_readings({"constraints": both}, meaning)) == 1
    per_sack = "Each sack of fine flour needs 800 grams of wheat and the mill has 600 hours of milling."
    assert one_bound_two_readings({"constraints": both}, per_sack) == []


def test_a_bound_read_with_the_objectives_weights_is_named_to_leave_out() -> None:
    from agents.formulation_checks import one_bound_two_readings
    from tests.test_decomposed import ORCHARD

    both = [{"expression": "30 * apples + 45 * pears <= 9000"}, {"expression": "80 * apples + 110 * pears <= 9000"}]
    elements = {"constraints": both, "objective": {"expression": "80 * apples + 110 * pears"}}
    [finding] = one_bound_two_readings(elements, ORCHARD)
    assert "80 * apples + 110 * pears <= 9000 weighs the variables as the objective does: leave it out" in finding
    assert "keep 30 * apples + 45 * pears <= 9000" in finding
    unpriced = {"constraints": both, "objective": {"expression": "apples + pears"}}
    assert "leave it out" not in one_bound_two_readings(unpriced, ORCHARD)[0]  # which is right is not known


NUTS = (
    "A hiker packs figs and dates. A bag of figs holds 120 calories and 4 grams of fibre; a bag of dates 90 calories "
    "and 7 grams of fibre. At most 40% of the bags can be dates. She needs at least 900 calories and 50 grams of "
    "fibre. How many bags of each minimize the bags she carries?"
)


def test_a_weight_the_text_states_for_another_variable_alone_is_named() -> None:
    from agents.formulation_checks import misattributed_weights

    variables = [{"name": "figs"}, {"name": "dates"}]
    swapped = {"variables": variables, "constraints": [{"expression": "figs * 7 + dates * 4 >= 50"}]}
    [finding] = misattributed_weights(swapped, NUTS)
    assert "figs * 7 + dates * 4 >= 50 weighs" in finding and "grams of fibre" in finding
    right = [
        {"expression": "4 * figs + 7 * dates >= 50"},
        {"expression": "120 * figs + 90 * dates >= 900"},
        {"expression": "dates <= 0.4 * (figs + dates)"},  # a share of all of them is no one variable's number
    ]
    assert misattributed_weights({"variables": variables, "constraints": right}, NUTS) == []


def test_a_share_word_read_the_other_way_is_named_with_what_the_sentence_says() -> None:
    from agents.formulation_checks import inverted_shares, share_words_inverted

    meaning = "The number of head chefs should be at least a third of the number of line cooks."
    variables = [{"name": "head_chefs"}, {"name": "line_cooks"}]
    written = [
        {"expression": "head_chefs >= 3 * line_cooks", "meaning": meaning},
        {"expression": "3 * head_chefs >= line_cooks", "meaning": meaning},  # right
        {"expression": "3 * line_cooks <= head_chefs", "meaning": meaning},
        {"expression": "head_chefs >= 3 * line_cooks", "meaning": "Head chefs are at least 3 times the line cooks."},
    ]
    assert share_words_inverted(written, variables) == {0: "3 * head_chefs >= line_cooks", 2: "line_cooks <= 3 * head_chefs"}
    [first, _] = inverted_shares({"constraints": written, "variables": variables})
    assert first.startswith("head_chefs >= 3 * line_cooks puts the share's denominator on the whole")


def test_a_percentage_written_as_an_amount_is_named() -> None:
    from agents.formulation_checks import percent_as_an_amount

    [finding] = percent_as_an_amount({"constraints": [{"expression": "figs + dates <= 40"}]}, NUTS)
    assert "uses 40 as an amount, but the text states 40 only as a percentage" in finding
    shares = [{"expression": "dates <= 0.4 * (figs + dates)"}, {"expression": "100 * dates <= 40 * (figs + dates)"}]
    assert percent_as_an_amount({"constraints": shares}, NUTS) == []
    assert percent_as_an_amount({"constraints": [{"expression": "figs <= 40"}]}, NUTS + " At most 40 figs fit.") == []
    # a number also stated as a word (nl4opt-073: "3%" beside "at least three times as much")
    yields = "Bonds earn 3% and shares 1%. Bonds must be at least three times as much as shares. Maximize the yield."
    assert percent_as_an_amount({"constraints": [{"expression": "bonds >= 3 * shares"}]}, yields) == []


def test_no_solved_problem_of_the_bank_weighs_a_variable_by_anothers_number() -> None:
    from agents.formulation_checks import misattributed_weights
    from knowledge_base.bank import load_bank

    for item in load_bank():
        elements = {
            "variables": [{"name": v.name} for v in item.variables],
            "constraints": [{"expression": c.expression} for c in item.constraints],
        }
        assert misattributed_weights(elements, item.text) == [], item.id


def test_whole_units_need_an_integer_variable() -> None:
    continuous = {"variables": 2, "integer_variables": 0}
    assert integrality_conflict("How many trucks should be bought?", continuous) is not None
    assert integrality_conflict("How many trucks should be bought?", {"variables": 2, "integer_variables": 2}) is None
    assert integrality_conflict("Split the 5 MHz band among users.", continuous) is None


@pytest.mark.parametrize(
    ("question", "whole"),
    [
        ("How many kg of each should be prepared to maximize profit?", False),  # an amount of a measure
        ("How many square feet of each floor should be laid?", False),
        ("How many acres of each crop should be planted?", False),
        ("How many bags of each should be packed?", True),  # pint's 'bag' is a volume; here a count
        ("How many units of each should be made?", True),
        ("How many of each bone should be made? At most 20 kg of meat.", True),  # the cue counts bones
        ("How many minutes of each beam should be used?", False),  # time asked for (nl4opt-013 at f5d5b2f)
    ],
)
def test_how_many_of_a_measure_asks_no_whole_units(question: str, whole: bool) -> None:
    conflict = integrality_conflict(question, {"variables": 2, "integer_variables": 0})
    assert (conflict is not None) is whole


def test_minutes_asked_for_are_continuous_and_a_count_per_week_stays_whole() -> None:
    from agents.formulation_checks import continuous_amounts

    beams = [{"name": "b1", "meaning": "minutes of beam 1 used", "domain": "nonnegative integer"}]
    assert continuous_amounts(beams, "How many minutes of each beam should be used?") == ["b1"]
    chairs = [{"name": "chairs", "meaning": "chairs made per week", "domain": "nonnegative integer"}]
    assert continuous_amounts(chairs, "Each week 17 gallons of stain are available. Find the maximum profit.") == []


def test_amounts_a_text_asks_how_many_of_are_continuous_and_counts_whole() -> None:
    """nl4opt-180 and nl4opt-113 on the 1.5B: litres of juice and acres of fruit, asked as "How many of each", sent
    back three rounds as continuous (its labels are 101.8 and 166.7, integer ones 105 and 166); words pint reads as
    measures that count things in a word problem (hand deliveries, bus trips, shot vaccines) are no amounts."""
    from agents.formulation_checks import continuous_amounts

    question = "A grower has 50 acres. How many of each crop should she plant?"
    acres = [{"name": n, "meaning": f"acres of {n} planted", "domain": "nonnegative integer"} for n in ("kale", "leeks")]
    assert continuous_amounts(acres, question) == ["kale", "leeks"]
    continuous = {"variables": 2, "integer_variables": 0}
    assert integrality_conflict(question, continuous, acres) is None
    assert integrality_conflict(question, continuous) is not None  # without the variables: as before
    whole = question.replace("How many", "The acres planted must be integers. How many")
    assert continuous_amounts(acres, whole) == [] and integrality_conflict(whole, continuous, acres) is not None
    plots = question.replace("How many of each crop", "How many plots of each crop")  # counts plots
    assert continuous_amounts(acres, plots) == [] and integrality_conflict(plots, continuous, acres) is not None
    counts = [
        {"name": n, "meaning": f"number of {n} made", "domain": "nonnegative integer"}
        for n in ("hand deliveries", "bus trips", "shots")
    ]
    assert continuous_amounts(counts, "Deliver food by cart or by hand.") == []
    assert integrality_conflict(question, continuous, counts) is not None


def test_an_amount_of_what_every_variable_measures_is_written_as_their_total() -> None:
    """nl4opt-113 on the 1.5B at 5fb3f49: "He has 50 acres available on which he must grow a minimum of 5 acres of
    apples and a minimum of 10 acres of pears" left without apples + pears <= 50 three rounds (the 50 unused)."""
    from agents.formulation_checks import totals_unwritten

    text = (
        "A grower has 40 acres available, and she must plant at least 6 acres of kale. Kale earns $300 an acre and leeks"
        " $200 an acre. At least 30 acres must be planted. How many acres of each maximize her profit?"
    )
    acres = [{"name": n, "meaning": f"acres of {n} planted"} for n in ("kale", "leeks")]
    kale = [{"expression": "kale >= 6"}]
    assert totals_unwritten(kale, acres, text) == [
        {"expression": "kale + leeks <= 40", "meaning": sentences(text)[0]},
        {"expression": "kale + leeks >= 30", "meaning": sentences(text)[2]},
    ]
    assert totals_unwritten([*kale, {"expression": "kale + leeks <= 40"}], acres, text)[0]["expression"] == "kale + leeks >= 30"
    crates = [{"name": n, "meaning": f"crates of {n} packed"} for n in ("kale", "leeks")]
    assert totals_unwritten(kale, crates, text) == []  # the acres are no amount of what the variables count


def _knapsack() -> pyo.ConcreteModel:
    m = pyo.ConcreteModel()
    m.x = pyo.Var([0, 1, 2], domain=pyo.Binary)
    m.budget = pyo.Constraint(expr=4 * m.x[0] + 3 * m.x[1] + 2 * m.x[2] <= 6, doc="the budget")
    m.value = pyo.Objective(expr=5 * m.x[0] + 4 * m.x[1] + 3 * m.x[2], sense=pyo.maximize)
    return m


def test_tightening_a_budget_does_not_improve_a_true_optimum() -> None:
    check = tightened_optimum_check(_knapsack(), "MILP", optimum=8.0)  # x0 + x2 (cost 6) or x1 + x2 (cost 5): 8
    assert check.ok and check.tightened == 1
    assert check.objective is not None and check.objective <= 8.0


def test_a_claimed_optimum_worse_than_the_truth_is_caught() -> None:
    check = tightened_optimum_check(_knapsack(), "MILP", optimum=5.0)  # a solver that stopped at x0 alone
    assert not check.ok
    assert "improved the objective from 5 to" in check.message


def test_parameters_in_different_units_of_one_quantity_are_named() -> None:
    parameters = [
        {"name": "deadline", "unit": "ms"},
        {"name": "budget", "unit": "USD"},  # not a unit pint knows: skipped, not an error
        {"name": "slot", "unit": "ms"},
        {"name": "frame", "unit": "s"},
        {"name": "bandwidth", "unit": "MHz"},
    ]
    assert unit_mismatches(parameters) == ["frame is in s and deadline in ms: convert one before the model combines them"]
    assert unit_mismatches([{"name": "p", "unit": "dBm"}, {"name": "q", "unit": "W"}])[0].startswith("q is in W and p in dBm")


def test_an_integer_no_float_holds_is_no_literal_and_is_named_as_unstated() -> None:
    # dev30-bw-02 on the 0.5B model ended as a crash: the elements held an integer hundreds of digits long, and
    # float() of the code's literal raised OverflowError. Kept as infinity it would "equal" every number of the text.
    huge = "9" * 400
    assert code_literals(f"m.c = pyo.Constraint(expr=m.x <= {huge})\nm.d = pyo.Constraint(expr=m.x >= 2.5)") == [2.5]
    elements = {"objective": {"expression": "x"}, "constraints": [{"expression": f"x <= {huge}"}]}
    [unstated] = unstated_literals(elements, "Make at most 7 units.")
    assert unstated == "the model uses the number inf, which the text does not state"


def test_a_number_written_in_tens_as_words_is_stated() -> None:
    """nl4opt-163 on the 1.5B at 5fb3f49 was sent back three rounds for the 20 of "refilling food twenty times an
    hour", named as a number the text does not state."""
    text = "A cart needs a refill five times an hour and a tray twenty times. A van holds twenty-five crates."
    stated = {"objective": {"expression": "5 * carts + 20 * trays"}, "constraints": [{"expression": "vans <= 25"}]}
    assert unstated_literals(stated, text) == []
    assert unstated_literals({"objective": {"expression": "5 * carts + 21 * trays"}}, text) == [
        "the model uses the number 21, which the text does not state"
    ]


def test_two_readings_of_which_neither_counts_what_the_number_counts_point_at_the_sentence_that_does() -> None:
    """nl4opt-000 on the 1.5B model: "at least 300 ducks" written as boats + canoes >= 300 beside 20 * boats + 40 *
    canoes >= 300 (the minutes per trip), sent back three times as two readings; neither counts ducks, and another
    sentence states the ducks per trip: the message names it."""
    from agents.formulation_checks import misread_bounds, one_bound_two_readings

    text = HAY.replace("There may be", "A tractor trip takes 30 minutes and a truck trip 45 minutes. There may be")
    neither = [{"expression": "30 * tractors + 45 * trucks >= 1000"}, {"expression": "tractors + trucks >= 1000"}]
    [finding] = one_bound_two_readings({"constraints": neither}, text)
    assert finding == (
        "the text states 1000 once, counting bales, but neither 30 * tractors + 45 * trucks >= 1000 nor tractors + trucks"
        " >= 1000 weighs the variables by the bales each one counts, which “A tractor carries 20 bales a trip and a truck"
        " 50 bales.” states: write the requirement once, with those numbers"
    )
    assert misread_bounds(neither, text) == []  # neither is left out: which is right is not known


def test_an_objective_of_money_that_uses_none_of_the_prices_is_named() -> None:
    """nl4opt-025 on the 1.5B at 2ba6e3d was verified at 16.5 for 7: the grams of each pill as its cost."""
    from agents.formulation_checks import objective_without_its_prices

    text = (
        "A feed mix needs at least 8 kg of protein. A sack of oats holds 2 kg of protein and a sack of barley 3 kg. "
        "Oats cost $4 a sack and barley costs $7. Which mix meets the need at the lowest cost?"
    )
    [finding] = objective_without_its_prices({"objective": {"expression": "2 * oats + 3 * barley"}}, text)
    assert "uses none of the text's money amounts ($4, $7)" in finding
    assert objective_without_its_prices({"objective": {"expression": "4 * oats + 7 * barley"}}, text) == []
    computed = {"objective": {"expression": "11 * oats + 5 * barley"}}  # numbers the model computed: not held to this
    assert objective_without_its_prices(computed, text) == []
    asked_else = text.replace("at the lowest cost", "with the fewest sacks")
    assert objective_without_its_prices({"objective": {"expression": "2 * oats + 3 * barley"}}, asked_else) == []
    # money named by a sentence that asks nothing (nl4opt-201 at fb27aeb: "Since throwing games yield the most profit")
    beside = text.replace("Oats cost", "Barley yields the most profit. Oats cost")
    beside = beside.replace("Which mix meets the need at the lowest cost?", "Which mix maximizes the protein?")
    assert objective_without_its_prices({"objective": {"expression": "2 * oats + 3 * barley"}}, beside) == []
    # a sum of the counts (nl4opt-238 on the 1.5B at 5fb3f49: "maximize the store's profit" as phone + laptop)
    sacks = [{"name": "oats", "meaning": "sacks of oats"}, {"name": "barley", "meaning": "sacks of barley"}]
    owned = text.replace("at the lowest cost", "at the mill's lowest cost")
    [counted] = objective_without_its_prices({"variables": sacks, "objective": {"expression": "oats + barley"}}, owned)
    assert "the objective oats + barley uses none of the text's money amounts ($4, $7)" in counted
    dollars = [{"name": "oats_cost", "meaning": "dollars spent on oats"}, {"name": "barley_cost", "meaning": "cost of barley"}]
    assert (
        objective_without_its_prices({"variables": dollars, "objective": {"expression": "oats_cost + barley_cost"}}, text) == []
    )


def test_a_dollar_amount_that_ends_a_sentence_is_counted_in_dollars() -> None:
    from tools.question import counted_numbers

    assert (7.0, "$") in counted_numbers("Oats cost $4 a sack and barley costs $7. Which mix is cheapest?")
    assert (2.5, "kg") in counted_numbers("A sack holds 2.5 kg.")


WORKSHOP = (
    "A workshop builds stools and benches from oak and varnish. A stool takes 2 units of oak and 2 units of varnish; "
    "a bench takes 5 units of oak and 1 unit of varnish. The workshop holds 300 units of oak and 80 units of varnish. "
    "Each stool takes 20 minutes to sand and each bench 45 minutes, and the sander runs at most 1800 minutes. A stool "
    "earns $30 and a bench $55. How many of each should it build to earn the most?"
)


def test_a_sum_of_numbers_of_two_different_things_is_named() -> None:
    from agents.formulation_checks import mixed_measures

    right = [
        {"expression": "2 * stools + 5 * benches <= 300"},
        {"expression": "2 * stools + benches <= 80"},
        {"expression": "20 * stools + 45 * benches <= 1800"},
    ]
    objective = {"expression": "30 * stools + 55 * benches"}
    assert mixed_measures({"constraints": right, "objective": objective}, WORKSHOP) == []
    swapped = [{"expression": "2 * stools + 1 * benches <= 300"}, {"expression": "2 * stools + 5 * benches <= 80"}]
    found = mixed_measures({"constraints": swapped, "objective": objective}, WORKSHOP)
    # the 2 of a stool is both oak and varnish, and 1 is no number of the text: each bound against the one weight
    assert found == [
        "2 * stools + 5 * benches <= 80 adds up 80 (units of varnish) and 5 (units of oak): each sum holds the numbers"
        " of one thing; write each requirement with its own numbers"
    ]
    money_for_time = {"constraints": [{"expression": "30 * stools + 45 * benches <= 1800"}], "objective": objective}
    [finding] = mixed_measures(money_for_time, WORKSHOP)
    assert finding.startswith("30 * stools + 45 * benches <= 1800 adds up 1800 (minutes) and 30 ($)")
    [finding] = mixed_measures({"constraints": right, "objective": {"expression": "30 * stools + 45 * benches"}}, WORKSHOP)
    assert finding.startswith("the objective 30 * stools + 45 * benches adds up 30 ($) and 45 (minutes)")
    from agents.formulation_checks import element_weights

    assert 1.0 in element_weights({"constraints": right, "objective": objective})  # benches' weight in the varnish's
    crew = WORKSHOP.replace("The workshop holds", "A stool needs 2 carpenters and a bench 3; 12 carpenters work there. It holds")
    [finding] = mixed_measures({"constraints": [{"expression": "20 * stools + 45 * benches <= 12"}]}, crew)
    assert finding.startswith("20 * stools + 45 * benches <= 12 adds up 12 (carpenters) and 20 (minutes)")
    assert mixed_measures({"constraints": [{"expression": "2 * stools + 3 * benches <= 12"}]}, crew) == []
    # a ratio compares two things and bounds nothing ("3 units of oak for every 2 units of varnish")
    assert mixed_measures({"constraints": [{"expression": "2 * stools >= 5 * benches"}]}, WORKSHOP) == []


def test_no_solved_problem_of_the_bank_adds_up_numbers_of_two_things() -> None:
    from agents.formulation_checks import mixed_measures
    from knowledge_base.bank import load_bank

    for item in load_bank():
        elements = {
            "constraints": [{"expression": c.expression} for c in item.constraints],
            "objective": {"expression": item.objective.expression},
        }
        assert mixed_measures(elements, item.text) == [], item.id


FERRY = (
    "A ferry loads cars and trucks. A car takes 15 minutes to load and a truck 40 minutes; the dock works at most "
    "600 minutes a day. A car pays $20 and a truck $70. How many of each should it load to maximize the number of "
    "vehicles it carries?"
)


def test_a_count_asked_for_and_weighed_by_minutes_is_named() -> None:
    from agents.formulation_checks import count_weighed_by_measures

    ferry = FERRY
    [finding] = count_weighed_by_measures({"objective": {"expression": "15 * cars + 40 * trucks"}}, ferry)
    assert finding == (
        "“maximize the number of vehicles” asks for a count, but the objective 15 * cars + 40 * trucks weighs by 15"
        " (minutes), 40 (minutes): a count adds up the variables that count it"
    )
    assert count_weighed_by_measures({"objective": {"expression": "cars + trucks"}}, ferry) == []
    money = ferry.replace("the number of vehicles it carries", "its takings")  # "how many" to report, money to optimize
    assert count_weighed_by_measures({"objective": {"expression": "20 * cars + 70 * trucks"}}, money) == []
    minutes = ferry.replace("maximize the number of vehicles it carries", "minimize the number of minutes it works")
    assert count_weighed_by_measures({"objective": {"expression": "15 * cars + 40 * trucks"}}, minutes) == []


def test_no_solved_problem_of_the_bank_weighs_a_count_by_measures() -> None:
    from agents.formulation_checks import count_weighed_by_measures
    from knowledge_base.bank import load_bank

    for item in load_bank():
        assert count_weighed_by_measures({"objective": {"expression": item.objective.expression}}, item.text) == [], item.id


def test_what_a_number_measures_reads_two_words_of_a_thing_and_a_label() -> None:
    from agents.formulation_checks import mixed_measures, numbers_by_measure
    from tools.question import number_measures

    assert number_measures("a tray takes 4 hours on the large oven and 2.5 hours on the small oven") == (
        (4.0, "hour", "large oven"),
        (2.5, "hour", "small oven"),
    )
    assert number_measures("5 units of vitamin A, 80 units of paint available, 20 of them") == (
        (5.0, "unit", "vitamin a"),
        (80.0, "unit", "paint"),
    )
    # a verb after the thing is no part of its name (nl4opt-186 at fb27aeb: "ore need" bounded no column of ore)
    assert number_measures("If 2000 units of ore need to go up, 30 kg of sand is left") == (
        (2000.0, "unit", "ore"),
        (30.0, "kg", "sand"),
    )
    text = (
        "A bakery bakes trays of buns and trays of rolls. A tray of buns takes 4 hours on the large oven and 2 hours on "
        "the small oven; a tray of rolls takes 3 hours on the large oven and 5 hours on the small oven. The bakery has "
        "120 hours on the large oven and 90 hours on the small oven each week. How many trays of each should it bake "
        "to maximize its trays?"
    )
    variables = [{"name": "buns"}, {"name": "rolls"}]
    assert numbers_by_measure(variables, text) == {
        ("hour", "large oven"): {"buns": 4.0, "rolls": 3.0},
        ("hour", "small oven"): {"buns": 2.0, "rolls": 5.0},
    }
    [finding] = mixed_measures({"constraints": [{"expression": "4 * buns + 5 * rolls <= 120"}]}, text)
    assert "120 (hours of large oven) and 5 (hours of small oven)" in finding


def test_a_requirement_comparing_amounts_without_numbers_needs_a_comparison_in_the_model() -> None:
    from agents.formulation_checks import comparisons_unwritten

    text = (
        "A depot sends vans and trucks. A van takes 20 parcels and a truck 50. At least 400 parcels go out. The "
        "number of vans must be larger than the number of trucks. How many of each minimize the vehicles sent?"
    )
    [finding] = comparisons_unwritten({"constraints": [{"expression": "20 * vans + 50 * trucks >= 400"}]}, text)
    assert finding.startswith("“The number of vans must be larger than the number of trucks.” requires one amount")
    written = [{"expression": "20 * vans + 50 * trucks >= 400"}, {"expression": "vans + trucks >= 1"}]
    assert comparisons_unwritten({"constraints": written}, text) != []  # a sum compares nothing
    for comparison in ("vans >= trucks", "vans >= trucks + 1", "vans - trucks >= 1"):  # whole vans more than trucks
        written[1] = {"expression": comparison}
        assert comparisons_unwritten({"constraints": written}, text) == []
    twice = text.replace("must be larger than", "must be at least twice")
    assert comparisons_unwritten({"constraints": written[:1]}, twice) == []  # a scaled comparison has its number
    # a clause of a sentence that states a number in another (nl4opt-071 on the 1.5B at fb27aeb, 84 for 76)
    joined = text.replace("go out. The number", "go out and the number")
    [finding] = comparisons_unwritten({"constraints": written[:1]}, joined)
    assert finding.startswith("“At least 400 parcels go out and the number of vans must be larger")
    assert comparisons_unwritten({"constraints": written[:1]}, twice.replace("go out. The", "go out and the")) == []


def test_no_solved_problem_of_the_bank_leaves_a_comparison_of_amounts_unwritten() -> None:
    from agents.formulation_checks import comparisons_unwritten
    from knowledge_base.bank import load_bank

    for item in load_bank():
        elements = {"constraints": [{"expression": c.expression} for c in item.constraints]}
        assert comparisons_unwritten(elements, item.text) == [], item.id


def test_a_variable_bounded_by_what_one_of_it_holds_is_named_in_a_sentence_that_requires_nothing() -> None:
    from agents.formulation_checks import contents_as_bounds
    from tools.question import sentences

    variables = [{"name": "figs", "meaning": "bags of figs"}, {"name": "dates", "meaning": "bags of dates"}]
    _, holds, _, needs, _ = sentences(NUTS)
    written = [
        {"expression": "dates >= 7", "meaning": holds},  # a bag of dates holds 7 grams of fibre
        {"expression": "4 * figs + 7 * dates >= 50", "meaning": needs},
        {"expression": "figs <= 90", "meaning": needs},  # 90 calories, but a sentence that requires something
    ]
    assert contents_as_bounds(written, variables, NUTS) == [written[0]]
    fibre = [variables[0], {"name": "dates", "meaning": "grams of fibre from dates"}]  # measured as it is bounded
    assert contents_as_bounds(written, fibre, NUTS) == []


def test_no_solved_problem_of_the_bank_bounds_a_variable_by_what_one_of_it_holds() -> None:
    from agents.formulation_checks import contents_as_bounds
    from knowledge_base.bank import load_bank
    from tools.question import sentences

    for item in load_bank():
        homes = [next((s for s in sentences(item.text) if c.clause.strip(" .") in s), c.clause) for c in item.constraints]
        written = [{"expression": c.expression, "meaning": home} for c, home in zip(item.constraints, homes, strict=True)]
        variables = [{"name": v.name, "meaning": v.meaning} for v in item.variables]
        assert contents_as_bounds(written, variables, item.text) == [], item.id


def test_a_part_of_another_reading_of_a_bound_stated_once_is_named() -> None:
    from agents.formulation_checks import partial_readings

    text = (
        "A florist sends bouquets by van and by truck. A van takes 50 bouquets a trip and a truck 80; a van trip "
        "costs $30 and a truck trip $45. At least 1500 bouquets must go out. How many trips minimize the cost?"
    )
    written = [
        {"expression": "50 * vans + 80 * trucks >= 1500"},
        {"expression": "vans * 50 >= 1500"},  # the vans alone held to the whole requirement
        {"expression": "30 * vans >= 30"},  # 30 is stated twice: no reading of one bound
        {"expression": "80 * trucks >= 1500 - 50 * vans"},  # the whole again, written otherwise
    ]
    assert partial_readings(written, text) == [written[1]]
    assert partial_readings([written[1]], text) == []  # alone it is no part of anything


def test_no_solved_problem_of_the_bank_reads_a_part_of_a_bound() -> None:
    from agents.formulation_checks import partial_readings
    from knowledge_base.bank import load_bank

    for item in load_bank():
        assert partial_readings([{"expression": c.expression} for c in item.constraints], item.text) == [], item.id


def test_a_sentence_bounding_columns_of_the_texts_table_is_written_by_code() -> None:
    """nl4opt-100 on the 1.5B: "The hobbyist has available 120 units of wood and 90 units of paint" written with a
    plane's paint beside the wood in three rounds; each unit's wood and paint is stated clause by clause."""
    from agents.formulation_checks import written_from_columns

    nuts = [{"name": "figs", "meaning": "bags of figs"}, {"name": "dates", "meaning": "bags of dates"}]
    needs, share = "She needs at least 900 calories and 50 grams of fibre.", "At most 40% of the bags can be dates."
    assert written_from_columns(needs, nuts, NUTS) == ["120 * figs + 90 * dates >= 900", "4 * figs + 7 * dates >= 50"]
    assert written_from_columns(share, nuts, NUTS) == []  # a share bounds no column
    assert written_from_columns(needs.replace("She", "Over 2 days she"), nuts, NUTS) == []  # a number code cannot read
    works = [{"name": "stools", "meaning": "stools built"}, {"name": "benches", "meaning": "benches built"}]
    holds = "The workshop holds 300 units of oak and 80 units of varnish."
    assert written_from_columns(holds, works, WORKSHOP) == ["2 * stools + 5 * benches <= 300", "2 * stools + 1 * benches <= 80"]
    sander = next(s for s in sentences(WORKSHOP) if "1800" in s)
    assert written_from_columns(sander, works, WORKSHOP) == []  # it also states what a stool takes: the LLM's
    # variables that are amounts of what the column measures: a variable's number of it is no content of one unit
    fibre = [{"name": "figs", "meaning": "grams of fibre from figs"}, {"name": "dates", "meaning": "grams of fibre from dates"}]
    assert written_from_columns(needs, fibre, NUTS) == []
    # what a meaning says after what the variable is does not make it an amount of that
    told = [{"name": v["name"], "meaning": f"{v['meaning']} (each holds calories and grams of fibre)"} for v in nuts]
    assert written_from_columns(needs, told, NUTS) == written_from_columns(needs, nuts, NUTS) != []


def test_an_objective_of_profit_taking_off_costs_where_the_text_states_each_profit_is_named() -> None:
    """nl4opt-141 on the 1.5B at fb27aeb: 4 * mangos + 3 * guavas - 5 * mangos - 3 * guavas for "each mango is sold
    for a profit of $3 while each guava is sold for a profit of $4", the $5 and $3 of the budget's costs taken off."""
    from agents.formulation_checks import profits_less_costs

    text = (
        "A stall can spend at most $900 on pears and plums. A pear costs the stall $2 and a plum costs it $1.5. Each"
        " pear is sold for a profit of $3 and each plum for a profit of $5. How many of each maximize the profit?"
    )
    less = {"objective": {"expression": "3 * pears + 5 * plums - 2 * pears - 1.5 * plums"}}
    [finding] = profits_less_costs(less, text)
    assert "states each unit's profit ($3, $5), but the objective" in finding and "takes $2, $1.5 off" in finding
    assert profits_less_costs({"objective": {"expression": "3 * pears + 5 * plums"}}, text) == []
    # where the text gives prices and costs, a profit is what a unit sells for less what it costs
    prices = text.replace("is sold for a profit of $3 and each plum for a profit of $5", "sells for $5 and a plum for $7")
    assert profits_less_costs({"objective": {"expression": "5 * pears + 7 * plums - 2 * pears - 1.5 * plums"}}, prices) == []


def test_an_objective_of_the_things_a_column_counts_is_written_with_that_column() -> None:
    """nl4opt-218 on the 1.5B at 5fb3f49: "Process A requires 3 units of gold, 2 wires, and can plate 5 coins", the
    question maximizing "the total number of coins that can be plated", maximized 500 * process_A + 300 * process_B
    (the gold and wires available) three rounds."""
    from agents.formulation_checks import objective_of_the_column

    text = (
        "Two looms, loom A and loom B, weave rugs. Loom A uses 3 units of wool, 2 spools, and can weave 5 rugs. Loom B"
        " uses 4 units of wool, 1 spool, and can weave 6 rugs. There are 90 units of wool and 40 spools available. How"
        " many runs of each maximize the total number of rugs woven?"
    )
    looms = [{"name": "loom_A", "meaning": "runs of loom A"}, {"name": "loom_B", "meaning": "runs of loom B"}]
    assert objective_of_the_column("90 * loom_A + 40 * loom_B", looms, text) == "5 * loom_A + 6 * loom_B"
    assert objective_of_the_column("5 * loom_A + 6 * loom_B", looms, text) is None
    # the things named after what the question asks ("the total time needed to weave the rugs") are not its head
    timed = text.replace("the total number of rugs woven", "the total time needed to weave the rugs")
    assert objective_of_the_column("2 * loom_A + 3 * loom_B", looms, timed) is None


def test_a_bounded_multiple_written_the_wrong_way_is_turned_to_its_words() -> None:
    """nl4opt-106 on the 1.5B at fb27aeb: "at most twice the amount of cucumbers as potatoes" as 2 * potatoes <=
    cucumbers, verified at 30700 for 30000."""
    from agents.formulation_checks import multiples_inverted

    crops = [{"name": "beans"}, {"name": "peas"}]
    amount = "She can grow at most twice the amount of beans as peas."
    number = "The number of beans must be at least 3 times the number of peas."
    written = [
        {"meaning": amount, "expression": "2 * peas <= beans"},  # the other direction
        {"meaning": amount, "expression": "2 * beans <= peas"},  # the multiple on the other side
        {"meaning": amount, "expression": "beans <= 2 * peas"},  # right
        {"meaning": number, "expression": "3 * beans >= peas"},
        {"meaning": number, "expression": "beans >= 3 * peas"},  # right
        {"meaning": number, "expression": "beans + peas <= 3"},  # no comparison of the two
        {"meaning": number, "expression": "beans >= 0.03 * peas"},  # another number (nl4opt-073: the 3% of a yield)
        {"meaning": amount, "expression": "beans >= peas"},  # "more beans than peas" may stand beside it
    ]
    assert multiples_inverted(written, crops) == {
        0: "beans <= 2 * peas",
        1: "beans <= 2 * peas",
        3: "beans >= 3 * peas",
        6: "beans >= 3 * peas",
    }
    assert multiples_inverted(written, [{"name": "beans"}, {"name": "corn"}]) == {}  # peas names no variable


def test_a_multiple_of_more_one_thing_than_another_with_another_sentences_bound_is_turned_to_its_words() -> None:
    """nl4opt-088 on the 1.5B at f5d5b2f: "at most 1.5 times more pH tests than salinity tests" as pH_tests >=
    salinity_tests * 1.5 + 250, the 250 of another sentence ("at least 250 pH tests"), verified at 1004 for 1001. A
    variable told apart by two letters (pH) is named by them."""
    from agents.formulation_checks import multiples_inverted

    assays = [{"name": "lipid_assays"}, {"name": "pH_assays"}]
    more = "Because lipid assays matter most, there can be at most 1.5 times more pH assays than lipid assays."
    many = "There must be at least 2 times as many lipid assays as pH assays."
    written = [
        {"meaning": more, "expression": "pH_assays >= lipid_assays * 1.5 + 120"},  # other way, another's bound
        {"meaning": more, "expression": "pH_assays <= 1.5 * lipid_assays"},  # right
        {"meaning": more, "expression": "lipid_assays <= 1.5 * pH_assays"},  # the multiple on the other side
        {"meaning": many, "expression": "2 * lipid_assays >= pH_assays"},
        {"meaning": many, "expression": "lipid_assays >= 2 * pH_assays + 5"},  # right, with a constant of its own
        {"meaning": many + " Add 5 more.", "expression": "lipid_assays >= 2 * pH_assays + 5"},  # the sentence's 5
    ]
    assert multiples_inverted(written, assays) == {
        0: "pH_assays <= 1.5 * lipid_assays",
        2: "pH_assays <= 1.5 * lipid_assays",
        3: "lipid_assays >= 2 * pH_assays",
        4: "lipid_assays >= 2 * pH_assays",
    }


def test_more_of_one_thing_than_another_written_the_other_way_is_turned_to_its_words() -> None:
    """nl4opt-143 on the 1.5B at 6c45e2c: "the company prefers to have more camel caravans than desert trucks" as
    camel_caravans <= desert_trucks, verified at 50 for 136."""
    from agents.formulation_checks import more_than_inverted

    boats = [{"name": "rafts"}, {"name": "kayaks"}]
    more = "Because rafts are safer, the club prefers to have more rafts than kayaks."
    fewer = "The club must use fewer kayaks than rafts."
    written = [
        {"meaning": more, "expression": "rafts <= kayaks"},  # the other way
        {"meaning": more, "expression": "kayaks - rafts >= 0"},  # the other way too
        {"meaning": more, "expression": "rafts >= kayaks"},  # right
        {"meaning": fewer, "expression": "kayaks >= rafts"},  # the other way
        {"meaning": fewer, "expression": "kayaks <= rafts"},  # right
        {"meaning": more, "expression": "rafts <= 2 * kayaks"},  # weighed: not a comparison by ones
        {"meaning": more.replace("more rafts", "twice as many and more rafts"), "expression": "rafts <= kayaks"},
        {"meaning": "There can be no more rafts than kayaks.", "expression": "rafts >= kayaks"},  # "no more": <=
        {"meaning": "There can be no more rafts than kayaks.", "expression": "rafts <= kayaks"},
    ]
    assert more_than_inverted(written, boats) == {
        0: "rafts >= kayaks",
        1: "rafts >= kayaks",
        3: "kayaks <= rafts",
        7: "rafts <= kayaks",
    }


def test_a_list_of_the_texts_numbers_added_up_as_one_constant_is_named() -> None:
    """LogiOR's first bin-packing problem on the 1.5B at 353fb5f: boxes * 10 >= 6 + 7 + 8 + 3 + 2 + 4 + 5 beside
    boxes >= 7 (the count of items), verified at 7 boxes for 4: a model that decides for each item needs a variable
    for each."""
    from agents.formulation_checks import listed_numbers_added

    text = "Each crate holds 12 kg. Five parcels weigh 9, 4, 7, 3 and 6 kg. Pack them in the fewest crates."
    [finding] = listed_numbers_added({"constraints": [{"expression": "12 * crates >= 9 + 4 + 7 + 3 + 6"}]}, text)
    assert "adds up the text's numbers 9 + 4 + 7 + 3 + 6 as one constant" in finding
    assert listed_numbers_added({"constraints": [{"expression": "12 * crates >= 9 + 4"}]}, text) == []  # two
    assert listed_numbers_added({"constraints": [{"expression": "crates >= 1 + 2 + 5"}]}, text) == []  # not the text's
    assert listed_numbers_added({"constraints": [{"expression": "9 * a + 4 * b + 7 * c <= 12"}]}, text) == []


def test_a_bound_the_text_states_for_one_thing_written_on_another_is_named() -> None:
    """nl4opt-088 on the 1.5B at f5d5b2f: "must perform at least 250 pH tests" as 3 * salinity_tests >= 250 under
    "Each unit of the salinity test requires three probes"."""
    from agents.formulation_checks import bounds_of_another_thing

    text = (
        "A lab runs lipid assays and pH assays. Each lipid assay uses four swabs, whereas each pH assay uses two swabs."
        " The lab must run at least 120 pH assays. In all, at least 300 assays must be run. How many of each should"
        " it run to minimize the swabs used?"
    )
    _, uses, least, _, _ = sentences(text)
    assays = [{"name": "lipid_assays"}, {"name": "pH_assays"}]

    def found(expression: str, meaning: str) -> list[str]:
        return bounds_of_another_thing(
            {"variables": assays, "constraints": [{"expression": expression, "meaning": meaning}]}, text
        )

    [finding] = found("4 * lipid_assays >= 120", uses)
    assert "states as the bound of pH_assays (“at least 120 pH assays”), not of lipid_assays" in finding
    assert found("pH_assays >= 120", uses) == []  # the right variable, under whatever sentence
    assert found("4 * lipid_assays >= 120", least) == []  # its own sentence's number: another check's
    assert found("4 * lipid_assays >= 300", uses) == []  # "300 assays" names no one of them
    # the one bound by that number, where the text also states it as data (nl4opt-103 at 5fb3f49: "at most 10 hot-air
    # balloon rides" as gondola * 6 <= 10, a balloon also making 10 units of pollution)
    timed = text.replace("How many", "A pH assay takes 120 seconds. How many")
    assert bounds_of_another_thing(
        {"variables": assays, "constraints": [{"expression": "4 * lipid_assays >= 120", "meaning": uses}]}, timed
    ) == found("4 * lipid_assays >= 120", uses)
    twice = text.replace("In all, at least 300", "In all, at least 120")
    assert (
        bounds_of_another_thing(
            {"variables": assays, "constraints": [{"expression": "4 * lipid_assays >= 120", "meaning": uses}]}, twice
        )
        == []
    )  # two bounds by 120: which one it is is not known


def test_a_sentence_of_two_things_joined_by_and_each_gives_a_column_of_the_table() -> None:
    """nl4opt-198 on the 1.5B at 5fb3f49: "Each train can transport 120 people per hour comfortably and each tram can
    transport 30 people per hour comfortably" gave no column (one clause naming both), so "at least 600 people" was
    written as trains + trams >= 600 and sent back three rounds for the 120 and 30 unused."""
    from agents.formulation_checks import counts_added_as_ones, written_from_columns

    text = (
        "A city runs ferries and barges. Each ferry can move 90 people per hour and each barge can move 20 people per"
        " hour. At least 500 people per hour must be moved. Minimize the number of boats."
    )
    boats = [{"name": "ferries", "meaning": "number of ferries"}, {"name": "barges", "meaning": "number of barges"}]
    moved = sentences(text)[2]
    assert written_from_columns(moved, boats, text) == ["90 * ferries + 20 * barges >= 500"]
    [ones] = counts_added_as_ones({"variables": boats, "constraints": [{"expression": "ferries + barges >= 500"}]}, text)
    assert "how many people one of each carries (ferries 90, barges 20)" in ones
    joined = text.replace("and each barge can move", "and a barge can move")  # no "each": one clause, as before
    assert written_from_columns(moved, boats, joined) == []


def test_a_name_joining_two_words_of_the_text_and_a_clause_naming_both_machines_give_the_table() -> None:
    """nl4opt-081 on the 1.5B at fb27aeb: hayharvester_acres named no "hay harvester", and "200 acres of land on which
    he must process hay using either a windrower or hay harvester" was read as what the hay harvester measures (the
    measured thing ran on to "windrower"), so code wrote no bound from the table and the 1.5B's sums were sent back."""
    from agents.formulation_checks import written_for_contents, written_from_columns

    text = (
        "A grower has 90 acres of land on which she must plant using either a seeder or row planter. Per acre, the"
        " seeder uses 4 litres of fuel and 1 hour of labour. Per acre, the row planter uses 1 litre of fuel and 3 hours"
        " of labour. There are 200 litres of fuel available and at most 150 hours of labour. How many acres of each"
        " maximize the acres planted?"
    )
    machines = [{"name": "seeder_acres"}, {"name": "rowplanter_acres"}]
    available = "There are 200 litres of fuel available and at most 150 hours of labour."
    assert written_from_columns(available, machines, text) == [
        "4 * seeder_acres + 1 * rowplanter_acres <= 200",
        "1 * seeder_acres + 3 * rowplanter_acres <= 150",
    ]
    land = {"meaning": sentences(text)[0], "expression": "seeder_acres + rowplanter_acres <= 90"}
    assert written_for_contents([land], machines, text) == []  # 90 acres of land are no acres of one row planter


def test_a_column_a_variable_states_two_values_of_is_not_written_nor_a_bound_read_as_a_value() -> None:
    from agents.formulation_checks import written_from_columns

    goods = [{"name": "chairs", "meaning": "chairs made"}, {"name": "tables", "meaning": "tables made"}]
    two = (
        "A shop makes chairs and tables. A chair sells for $40 and costs $15 to make. A table costs $50 to make and "
        "sells for $120. The shop has a budget of $2000. How many of each maximize the profit?"
    )
    assert written_from_columns("The shop has a budget of $2000.", goods, two) == []
    # "at least 10 hours of labour must go to chairs" bounds the chairs' hours: no hours of one chair
    labour = (
        "A shop makes chairs and tables. A chair takes 2 hours of labour; a table takes 5 hours of labour. At least 10 "
        "hours of labour must go to chairs. The shop has 100 hours of labour. A chair earns $30 and a table $70. How many of "
        "each maximize the profit?"
    )
    has = "The shop has 100 hours of labour."
    assert written_from_columns(has, goods, labour) == ["2 * chairs + 5 * tables <= 100"]
    assert written_from_columns(has[:-1] + " and may sell at most 30 pieces.", goods, labour) == []


def test_names_told_apart_by_a_letter_are_read_in_the_text() -> None:
    """nl4opt-195: supplement_a and supplement_b have no word of their own; "supplement A" names the first."""
    from agents.formulation_checks import numbers_by_measure, written_from_columns

    text = (
        "A man takes two supplements. A pill of supplement A has 5 units of iron and 10 units of calcium. A pill of "
        "supplement B contains 4 units of iron and 15 units of calcium. The man needs a minimum of 40 units of iron "
        "and 50 units of calcium per day. How many pills of each minimize his cost?"
    )
    pills = [{"name": "supplement_a", "meaning": "pills of A"}, {"name": "supplement_b", "meaning": "pills of B"}]
    assert numbers_by_measure(pills, text)[("unit", "iron")] == {"supplement_a": 5, "supplement_b": 4}
    needs = "The man needs a minimum of 40 units of iron and 50 units of calcium per day."
    assert written_from_columns(needs, pills, text) == [
        "5 * supplement_a + 4 * supplement_b >= 40",
        "10 * supplement_a + 15 * supplement_b >= 50",
    ]


def test_each_bound_of_a_sentence_is_written_the_way_its_own_words_say() -> None:
    """nl4opt-130's "must produce at least 1000 items per day and has 3000 kWh of electricity available": one
    sentence, a lower and an upper bound; the words nearest each number decide, a number without words of its own
    bounds as the one before it."""
    from agents.formulation_checks import written_from_columns

    text = (
        "A factory runs machines of two types, A and B. Machine A makes 30 items a day and uses 100 kWh. Machine B "
        "makes 50 items a day and uses 120 kWh. The factory must make at least 1000 items a day and has 3000 kWh "
        "available. How many machines of each type minimize the number of machines?"
    )
    machines = [{"name": "machines_a", "meaning": "type A machines"}, {"name": "machines_b", "meaning": "type B machines"}]
    both = "The factory must make at least 1000 items a day and has 3000 kWh available."
    assert written_from_columns(both, machines, text) == [
        "30 * machines_a + 50 * machines_b >= 1000",
        "100 * machines_a + 120 * machines_b <= 3000",
    ]
    # "3000 kWh of electricity": what the kWh are of, where the machines' column of kWh names nothing
    electricity = both.replace("3000 kWh available", "3000 kWh of electricity available")
    assert written_from_columns(electricity, machines, text.replace(both, electricity)) == written_from_columns(
        both, machines, text
    )
    listed = "The factory has 3000 kWh and room for 1000 items."
    assert written_from_columns(listed, machines, text) == [
        "100 * machines_a + 120 * machines_b <= 3000",
        "30 * machines_a + 50 * machines_b <= 1000",
    ]


def test_a_bound_of_the_one_variable_asked_for_is_no_restated_objective() -> None:
    """nl4opt-075 on the 1.5B, right at 14: "vans >= 2000 / (50 + 100)", the trucks eliminated by reasoning."""
    from agents.formulation_checks import objective_restated

    text = "A van carries 50 pairs and a truck 100 pairs. At least 2000 pairs must go. Find the fewest vans."
    derived = [{"expression": "vans >= 2000 / (50 + 100)", "meaning": "At least 2000 pairs must go."}]
    assert objective_restated(derived, "vans", text) == []
    summed = [{"expression": "vans + trucks >= 2000 / (50 + 100)", "meaning": "At least 2000 pairs must go."}]
    assert objective_restated(summed, "vans + trucks", text) == summed
    assert objective_restated([{**summed[0], "expression": "vans + trucks >= 2000"}], "vans + trucks", text) == []


def test_a_bound_written_against_its_words_under_another_sentence_is_named_not_turned() -> None:
    """nl4opt-230 on the 1.5B at a311e52: "at least 2000 units of oil" as 30 * containers + 40 * trucks <= 2000 under
    "A container can hold 30 units of oil", verified at 15 for 60. The Verifier names it; code does not turn a
    constraint by another sentence's words (that turned a nonsense constraint of nl4opt-235 into a binding one)."""
    from agents.formulation_checks import against_their_words, turned_to_their_words

    text = (
        "A company ships oil in containers and trucks. A container can hold 30 units of oil while a truck can hold 40 "
        "units of oil. At least 2000 units of oil need to be sent. Minimize the number of containers and trucks."
    )
    holds = "A container can hold 30 units of oil while a truck can hold 40 units of oil."
    wrong = {"expression": "30 * containers + 40 * trucks <= 2000", "meaning": holds}
    elements = {"constraints": [wrong]}
    assert against_their_words(elements) == []
    assert against_their_words(elements, text) == [
        "30 * containers + 40 * trucks <= 2000 bounds 2000 from above, but the text says “At least 2000”: write it with >="
    ]
    assert turned_to_their_words([wrong]) == [wrong]
    twice = text.replace("Minimize", "Each truck costs 2000 dollars. Minimize")  # 2000 stated twice: whose words?
    assert against_their_words(elements, twice) == []


def test_a_sentence_stating_a_share_of_all_the_variables_is_written_by_code() -> None:
    """nl4opt-125/145 on the 1.5B: "at most 33% of the fruits he eats can be mangoes" as mangoes <= 33 * (bananas +
    mangoes); "at most 40% of his meals should be lobster rolls" as crab_cakes + lobster_rolls <= 0.4 * (...)."""
    from agents.formulation_checks import written_as_a_share

    fruits = [{"name": "bananas", "meaning": ""}, {"name": "mangoes", "meaning": ""}]
    assert written_as_a_share("Since he prefers bananas, at most 33% of the fruits he eats can be mangoes.", fruits) == [
        "mangoes <= 0.33 * (bananas + mangoes)"
    ]
    trips = [{"name": "bus_trips", "meaning": ""}, {"name": "car_trips", "meaning": ""}]
    by_car = ["car_trips >= 0.6 * (bus_trips + car_trips)"]
    assert written_as_a_share("At least 60% of the trips should be by car.", trips) == by_car
    assert written_as_a_share("There can be at most 25 bus trips and at least 60% of the trips should be by car.", trips) == []
    assert written_as_a_share("At least 60% of the bus trips should be by car.", trips) == []  # a whole naming a variable
    # a whole measured in a unit of the text's table is what the variables carry (nl4opt-176 at fb27aeb, 46 for 48)
    loads = "A bus trip carries 40 tonnes while a car trip carries 2 tonnes. At least 60% of the tonnes should go by car."
    tonnes = "At least 60% of the tonnes should go by car."
    assert written_as_a_share(tonnes, trips, loads) == ["2 * car_trips >= 0.6 * (40 * bus_trips + 2 * car_trips)"]
    assert written_as_a_share("Car trips should be at least 60% of the trips.", trips) == []  # words code does not read
    # nl4opt-205 on the 1.5B: pop_concerts <= 0.4 * (...) for "at most perform 40% of his concerts as R&B", verified
    # at 42 for 65; the reason after the share names pop too
    concerts = [{"name": "pop_concerts", "meaning": ""}, {"name": "rnb_concerts", "meaning": ""}]
    as_rnb = "If he can at most perform 40% of his concerts as R&B because he likes pop songs more, how many of each?"
    assert written_as_a_share(as_rnb, concerts) == ["rnb_concerts <= 0.4 * (pop_concerts + rnb_concerts)"]


def test_only_bounds_from_above() -> None:
    """nl4opt-110: "If the clinic only operates for 10000 minutes" bounds the minutes the vaccines take."""
    from agents.formulation_checks import written_from_columns

    text = (
        "A clinic gives pill vaccines and shot vaccines. The pill vaccine takes 10 minutes to administer while the "
        "shot takes 20 minutes to administer. If the clinic only operates for 10000 minutes, maximize the number of "
        "patients that can be vaccinated."
    )
    vaccines = [{"name": "pill_vaccines", "meaning": "pills given"}, {"name": "shot_vaccines", "meaning": "shots given"}]
    operates = next(s for s in sentences(text) if "10000" in s)
    assert written_from_columns(operates, vaccines, text) == ["10 * pill_vaccines + 20 * shot_vaccines <= 10000"]


def test_a_bound_for_each_of_something_else_is_not_written_from_the_columns() -> None:
    """'Each store needs at least 20 bags' bounds what each store gets, not the bags all the trucks carry together."""
    from agents.formulation_checks import written_from_columns

    text = (
        "A chain ships chips by small and large trucks. A small truck carries 50 bags of chips. A large truck carries "
        "80 bags of chips. Each store needs at least 20 bags of chips. How many trucks of each kind minimize the cost?"
    )
    trucks = [{"name": "small_trucks", "meaning": "small trucks"}, {"name": "large_trucks", "meaning": "large trucks"}]
    assert written_from_columns("Each store needs at least 20 bags of chips.", trucks, text) == []
    assert written_from_columns("The stores need at least 2000 bags of chips.", trucks, text) == [
        "50 * small_trucks + 80 * large_trucks >= 2000"
    ]


def test_money_and_an_amount_of_a_thing_in_one_sum_are_named() -> None:
    """nl4opt-140 on the 1.5B at 181525e: "regular_candy_mix * 0.8 + sour_surprise_mix * 0.1 >= 3", the kg of
    regular candy in a kg of each mix bounded by the $3 profit of a kg of the regular mix; verified at 540 for 511."""
    from agents.formulation_checks import mixed_measures

    text = (
        "A store mixes candy into a regular mix and a sour mix. Each kilogram of the regular mix contains 0.8 kg of "
        "regular candy. The profit per kilogram of the regular mix is $3. Each kilogram of the sour mix contains 0.1 "
        "kg of regular candy. The profit per kilogram of the sour mix is $5. How much of each maximizes the profit?"
    )
    wrong = {"constraints": [{"expression": "regular_mix * 0.8 + sour_mix * 0.1 >= 3", "meaning": "..."}]}
    assert mixed_measures(wrong, text) == [
        "regular_mix * 0.8 + sour_mix * 0.1 >= 3 adds up 3 ($) and 0.8 (kgs of regular candy): each sum holds the"
        " numbers of one thing; write each requirement with its own numbers"
    ]
    right = {"objective": {"expression": "3 * regular_mix + 5 * sour_mix"}, "constraints": []}
    assert mixed_measures(right, text) == []


def test_n_times_as_many_without_at_least_or_at_most_is_an_equality() -> None:
    """nl4opt-155 on the 1.5B at 181525e: "he must eat three times as many apple flavored baby food as carrot
    flavored baby food" as apple_servings >= 3 * carrot_servings (under another sentence), verified at 54 for 50."""
    from agents.formulation_checks import times_as_many_as_equal

    must = "The baby must eat three times as many apple servings as carrot servings."
    text = f"A baby eats apple and carrot servings. Each apple serving has 2 units of fat. {must} Maximize the fat."
    written = [
        {"expression": "apple >= 3 * carrot", "meaning": must},
        {"expression": "apple >= 3 * carrot", "meaning": "Each apple serving has 2 units of fat."},
        {"expression": "apple >= 2 * carrot", "meaning": must},  # not the sentence's number
    ]
    assert times_as_many_as_equal(written, text) == {0: "apple == 3 * carrot", 1: "apple == 3 * carrot"}
    least = text.replace("must eat three times", "must eat at least three times")
    assert times_as_many_as_equal([{**written[0], "meaning": must.replace("eat three", "eat at least three")}], least) == {}
    assert times_as_many_as_equal([written[1]], least) == {}
    # "N times more A than B" says the same (nl4opt-138 on the 1.5B at 5fb3f49: "The woman must eat 2 times more
    # protein bars than smoothies" as smoothies * 2 <= protein_bars, verified at 49 for 32); with "at most", a bound
    more = "The baby must eat 3 times more apple servings than carrot servings."
    assert times_as_many_as_equal([{**written[0], "meaning": more}], text.replace(must, more)) == {0: "apple == 3 * carrot"}
    at_most = more.replace("must eat 3", "may eat at most 3")
    assert times_as_many_as_equal([{**written[0], "meaning": at_most}], text.replace(must, at_most)) == {}
    more_than = "The baby must eat more apple servings than carrot servings, 3 times a day."
    assert times_as_many_as_equal([{**written[0], "meaning": more_than}], text.replace(must, more_than)) == {}


def test_requiring_bounds_from_below() -> None:
    """'has a project requiring 500 hours of labor': the nearest word, "requiring", says at least (its "has" said at
    most, and the workers' minimization was verified at 0)."""
    from agents.formulation_checks import written_from_columns

    text = (
        "A firm employs full time and part time workers. A full time worker works 8 hours per shift. A part time worker "
        "works 4 hours per shift. The firm has a project requiring 500 hours of labor. Minimize the number of workers."
    )
    workers = [{"name": "full_time", "meaning": "full time workers"}, {"name": "part_time", "meaning": "part time workers"}]
    project = "The firm has a project requiring 500 hours of labor."
    assert written_from_columns(project, workers, text) == ["8 * full_time + 4 * part_time >= 500"]


COURIER = (
    "A courier works shifts on bikes or on scooters. A bike shift delivers 10 orders and takes 5 units of energy; a"
    " scooter shift delivers 7 orders and takes 6 units of energy. He has 40 shifts and 230 units of energy a month."
    " He must work at least 5 shifts on a scooter. How many shifts of each maximize the orders delivered?"
)


def test_a_firm_bound_that_no_constraint_bounds_by_is_named_though_its_number_weighs_elsewhere() -> None:
    from agents.decomposed import steps_to_redo
    from agents.formulation_checks import bounds_unwritten

    written = [{"expression": "bikes + scooters <= 40"}, {"expression": "5 * bikes + 6 * scooters <= 230"}]
    [finding] = bounds_unwritten({"constraints": written}, COURIER)  # the 5 is a weight of the energy's constraint
    assert finding.startswith("“He must work at least 5 shifts on a scooter.” sets a bound (“at least 5”)")
    previous = {"written_in_steps": True, "constraints": [{**c, "meaning": "x"} for c in written]}
    redo = steps_to_redo(previous, finding, COURIER)
    assert redo is not None and redo.sentences == {"He must work at least 5 shifts on a scooter."}
    for bound in ("scooters >= 5", "scooters >= 6", "scooters * 60 >= 300"):  # "more than", in minutes
        assert bounds_unwritten({"constraints": [*written, {"expression": bound}]}, COURIER) == [], bound
    van = "A van can carry at most 50 boxes. " + COURIER
    vans = [*written, {"expression": "scooters >= 5"}, {"expression": "50 * vans >= 9"}]  # 50 is what a van holds
    assert bounds_unwritten({"constraints": vans}, van) == []
    assert bounds_unwritten({"constraints": [*written, {"expression": "sum(x[i] for i in S) <= 3"}]}, COURIER) == []


def test_no_solved_problem_of_the_bank_leaves_a_firm_bound_unwritten() -> None:
    from agents.formulation_checks import bounds_unwritten
    from knowledge_base.bank import load_bank

    for item in load_bank():
        elements = {"constraints": [{"expression": c.expression} for c in item.constraints]}
        assert bounds_unwritten(elements, item.text) == [], item.id


def test_a_count_of_things_bounding_a_sum_of_amounts_of_something_else_is_named() -> None:
    """nl4opt-047 on the 1.5B at 0d8c20d: "at least 300 light fixtures" as 5 * led + 8 * fluorescent >= 300, the
    units of electricity each uses, verified; "light" is the word the number counts, before a noun in the plural."""
    from agents.formulation_checks import mixed_measures

    text = (
        "A hall can install lamps and spotlights. A lamp uses 5 units of electricity and a spotlight uses 8 units of"
        " electricity. The hall needs at least 300 light fixtures and can use at most 2000 units of electricity."
    )
    [finding] = mixed_measures({"constraints": [{"expression": "5 * lamps + 8 * spotlights >= 300"}]}, text)
    assert finding.startswith("5 * lamps + 8 * spotlights >= 300 adds up 300 (lights) and 5 (units of electricity)")
    right = [{"expression": "lamps + spotlights >= 300"}, {"expression": "5 * lamps + 8 * spotlights <= 2000"}]
    assert mixed_measures({"constraints": right}, text) == []
    hours = text.replace("300 light fixtures", "300 free hours")  # a word before a unit counts no thing
    assert mixed_measures({"constraints": [{"expression": "5 * lamps + 8 * spotlights >= 300"}]}, hours) == []


def test_a_variable_named_only_as_what_a_number_measures_is_not_named_by_that_clause() -> None:
    """nl4opt-240: "A chop saw can work 25 pounds of steel" names the chop saw, not the steel cutter; nl4opt-022:
    "There are 450 units of platinum and 390 units of palladium available" bounds the catalysts' columns, though
    "platinum" is also a word of platinum_heavy."""
    from agents.formulation_checks import written_from_columns

    variables = [{"name": "chop_saw", "meaning": "chop saws"}, {"name": "steel_cutter", "meaning": "steel cutters"}]
    shop = (
        "A chop saw cuts 25 pounds of steel and makes 20 units of waste a day. A steel cutter cuts 5 pounds of steel"
        " and makes 3 units of waste a day. The shop may produce at most 400 units of waste a day."
    )
    waste = sentences(shop)[2]
    assert written_from_columns(waste, variables, shop) == ["20 * chop_saw + 3 * steel_cutter <= 400"]
    catalysts = [{"name": "palladium_heavy", "meaning": "catalysts"}, {"name": "platinum_heavy", "meaning": "catalysts"}]
    text = (
        "A palladium-heavy catalyst requires 15 units of platinum and 25 units of palladium. A platinum-heavy catalyst"
        " requires 20 units of platinum and 14 units of palladium. There are 450 units of platinum and 390 units of"
        " palladium available."
    )
    assert written_from_columns(sentences(text)[2], catalysts, text) == [
        "15 * palladium_heavy + 20 * platinum_heavy <= 450",
        "25 * palladium_heavy + 14 * platinum_heavy <= 390",
    ]
    named = text.replace("There are 450 units", "The platinum-heavy line has 450 units")  # names one of them
    assert written_from_columns(sentences(named)[2], catalysts, named) == []


def test_variables_that_are_only_what_the_numbers_measure_are_named_and_every_step_asked_again() -> None:
    """nl4opt-210 on the 1.5B at 181525e: the medicines as the variables, the pills that hold them left out."""
    from agents.decomposed import steps_to_redo
    from agents.formulation_checks import variables_as_measured_things

    text = (
        "Iron and zinc come in two tablets, tablet X and tablet Y. One tablet X contains 3 units of iron and 5 units"
        " of zinc. One tablet Y contains 6 units of iron and 1 unit of zinc. Tablet X costs $4 and tablet Y costs $5."
        " A patient needs at least 40 units of iron and 50 units of zinc. Minimize the cost."
    )
    minerals = {"variables": [{"name": "iron", "meaning": "units of iron"}, {"name": "zinc", "meaning": "units of zinc"}]}
    [finding] = variables_as_measured_things(minerals, text)
    assert finding.startswith("every variable (iron, zinc) is what the text's numbers measure (“One tablet X contains 3")
    previous = {"written_in_steps": True, "variables": minerals["variables"], "constraints": []}
    assert steps_to_redo(previous, finding, text) is None  # the variables too
    tablets = {"variables": [{"name": "tablet_x", "meaning": "tablets X"}, {"name": "tablet_y", "meaning": "tablets Y"}]}
    assert variables_as_measured_things(tablets, text) == []


def test_no_solved_problem_of_the_bank_has_variables_that_are_only_what_its_numbers_measure() -> None:
    from agents.formulation_checks import variables_as_measured_things
    from knowledge_base.bank import load_bank

    for item in load_bank():
        elements = {"variables": [{"name": v.name, "meaning": v.meaning} for v in item.variables]}
        assert variables_as_measured_things(elements, item.text) == [], item.id


def test_an_objective_weighing_by_a_ratio_of_a_requirement_is_named() -> None:
    """nl4opt-114 on the 1.5B at 864165e: "maximize the number of patients seen" as throat_swabs * 4 + nasal_swabs,
    the 4 of "at least 4 times as many throat swabs ... as nasal swabs"."""
    from agents.formulation_checks import objective_weighed_by_a_ratio

    text = (
        "A lab runs blood tests and urine tests. A blood test takes 6 minutes and a urine test 2 minutes. At least 3"
        " times as many urine tests as blood tests must be run. The lab is open 900 minutes. Maximize the tests run."
    )
    [finding] = objective_weighed_by_a_ratio({"objective": {"expression": "blood + 3 * urine"}}, text)
    assert finding.startswith("the objective blood + 3 * urine weighs by 3, which the text states only as a ratio")
    assert objective_weighed_by_a_ratio({"objective": {"expression": "blood + urine"}}, text) == []
    priced = text.replace("Maximize the tests run.", "A urine test earns $3. Maximize the earnings.")  # 3 stated twice
    assert objective_weighed_by_a_ratio({"objective": {"expression": "3 * urine"}}, priced) == []
    # "twice as many" (nl4opt-171 at fb27aeb: 2 * glass + plastic for the jars filled)
    twice = text.replace("At least 3 times as many", "At least twice as many").replace("test 2 minutes", "test 5 minutes")
    [finding] = objective_weighed_by_a_ratio({"objective": {"expression": "blood + 2 * urine"}}, twice)
    assert "weighs by 2, which the text states only as a ratio (“twice as many”)" in finding
    # where the text also states the 2 as what a unit gives (nl4opt-241: "each batch ... can treat 2 people")
    treats = twice.replace("Maximize the tests run.", "A urine test serves 2 patients. Maximize the patients.")
    assert objective_weighed_by_a_ratio({"objective": {"expression": "blood + 2 * urine"}}, treats) == []


def test_the_same_people_under_two_words_and_a_word_of_one_root_are_one_measure_money_and_a_count_are_two() -> None:
    """nl4opt-134 on the 1.5B at 864165e: the right model sent back three rounds for "4600 customers" against "50
    tourists" a sedan seats and "800 units of pollutant" against "10 units of pollution"; nl4opt-159: "a maximum of 150
    headphones" as the profits' sum, verified at 6000 for 5000."""
    from agents.formulation_checks import labels_in_names, mixed_measures

    text = (
        "A company buys vans and coaches. A van seats 8 tourists and makes 10 units of pollution. A coach seats 40"
        " tourists and makes 30 units of pollution. At most 600 units of pollutant are allowed, and at least 900"
        " customers must be carried. A van earns $20 and a coach $90. At most 50 vehicles can be bought."
    )
    right = [{"expression": "10 * vans + 30 * coaches <= 600"}, {"expression": "8 * vans + 40 * coaches >= 900"}]
    assert mixed_measures({"constraints": right}, text) == []
    priced = [{"expression": "20 * vans + 90 * coaches <= 50"}]  # 50 vehicles, weighed by the earnings
    [finding] = mixed_measures({"constraints": priced}, text)
    assert finding.startswith("20 * vans + 90 * coaches <= 50 adds up 50 (vehicles) and 20 ($)")
    wheels = "An airport buys 4-wheelers and 3-wheelers. A 4-wheeler moves 60 bags, a 3-wheeler 40 bags."
    assert labels_in_names([{"name": "num_4wheelers"}, {"name": "num_3wheelers"}], wheels) == [4.0, 3.0]
    assert labels_in_names([{"name": "wheelers_4"}], "It moves 4 wheelers.") == []  # a count, not a label


def test_a_plural_in_ves_names_its_singular() -> None:
    """nl4opt-164 on the 1.5B at 864165e: 'stoves' read as 'stof' named no "Each stove takes 45 minutes", so the
    minutes available were left to the LLM, which weighed the stoves by a refrigerator's numbers three rounds."""
    from agents.formulation_checks import written_from_columns

    variables = [{"name": "ovens", "meaning": "ovens sold"}, {"name": "stoves", "meaning": "stoves sold"}]
    text = (
        "Each oven takes 60 minutes of mover time and 20 minutes of setup time. Each stove takes 45 minutes of mover"
        " time and 25 minutes of setup time. The shop has available 2000 minutes of mover time and 1300 minutes of"
        " setup time."
    )
    assert written_from_columns(sentences(text)[2], variables, text) == [
        "60 * ovens + 45 * stoves <= 2000",
        "20 * ovens + 25 * stoves <= 1300",
    ]
    loaves = [{"name": "loaves", "meaning": "loaves"}, {"name": "shelves", "meaning": "shelves"}]
    bakes = "A loaf takes 2 hours of oven time. A shelf takes 3 hours of oven time. The oven has 90 hours available."
    assert written_from_columns(sentences(bakes)[2], loaves, bakes) == ["2 * loaves + 3 * shelves <= 90"]


def test_variables_added_by_ones_against_a_count_each_of_them_carries_several_of_are_named() -> None:
    """nl4opt-014 on the 1.5B at dde74f9 with three candidates: "at least 300 visitors" as scooters + rickshaws >= 300
    where a scooter carries 2 people and a rickshaw 3; two candidates agreed on 600 for 75."""
    from agents.formulation_checks import counts_added_as_ones

    text = (
        "A ferry line runs rafts and barges. A raft can carry 6 people while a barge can carry 20 people. At most 30%"
        " of the boats can be barges. If at least 400 visitors must cross, how few boats can the line use?"
    )
    variables = [{"name": "rafts"}, {"name": "barges"}]
    [finding] = counts_added_as_ones({"variables": variables, "constraints": [{"expression": "rafts + barges >= 400"}]}, text)
    assert finding.startswith("rafts + barges >= 400 adds up the variables one by one against 400 visitors")
    weighed = [{"expression": "6 * rafts + 20 * barges >= 400"}]
    assert counts_added_as_ones({"variables": variables, "constraints": weighed}, text) == []
    one = [{"expression": "barges >= 30"}]  # a bound of one variable counts that variable
    assert counts_added_as_ones({"variables": variables, "constraints": one}, text) == []


def test_no_solved_problem_of_the_bank_adds_up_variables_by_ones_against_what_they_carry() -> None:
    from agents.formulation_checks import counts_added_as_ones
    from knowledge_base.bank import load_bank

    for item in load_bank():
        variables = [{"name": v.name, "meaning": v.meaning} for v in item.variables]
        elements = {"variables": variables, "constraints": [{"expression": c.expression} for c in item.constraints]}
        assert counts_added_as_ones(elements, item.text) == [], item.id


def test_a_name_inside_another_and_a_list_of_amounts_after_one_verb_give_the_table_and_its_bounds() -> None:
    """nl4opt-045 on the 1.5B at b80d034: oil_max beside oil_max_pro had no word of its own, so no clause named it
    and code wrote no bound from the table; and in "has 1345 grams of substance A, 346 grams of substance B, 1643
    grams of substance C" only the first amount said which way it bounds. The model wrote 346 as the bound of
    substance A in three rounds and ended at the cap."""
    from agents.formulation_checks import _own_name_words, written_from_columns

    text = (
        "A bakery makes Cake and Cake Deluxe. A tray of Cake uses 30 grams of sugar and 20 grams of butter. A tray of"
        " Cake Deluxe uses 50 grams of sugar and 45 grams of butter. The bakery has 900 grams of sugar, 700 grams of"
        " butter. A tray of Cake earns $4 and a tray of Cake Deluxe earns $7. How many trays of each maximize profit?"
    )
    trays = [{"name": "cake", "meaning": "trays of Cake"}, {"name": "cake_deluxe", "meaning": "trays of Cake Deluxe"}]
    assert _own_name_words(trays) == {"cake": set(), "cake_deluxe": {"delux"}}  # one word inside another: none
    has = sentences(text)[3]
    assert written_from_columns(has, trays, text) == []
    oils = [{"name": "oil_max", "meaning": "containers of Oil Max"}, {"name": "oil_max_pro", "meaning": "of Oil Max Pro"}]
    text = text.replace("Cake Deluxe", "Oil Max Pro").replace("Cake", "Oil Max")
    assert _own_name_words(oils) == {"oil_max": {"oil max"}, "oil_max_pro": {"pro"}}
    assert written_from_columns(has, oils, text) == [
        "30 * oil_max + 50 * oil_max_pro <= 900",
        "20 * oil_max + 45 * oil_max_pro <= 700",
    ]
