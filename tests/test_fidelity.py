"""Fidelity by code: what the text asks (quantity, sense, unit) and which of its requirements a model leaves out."""

from __future__ import annotations

import json
from typing import Any

import pytest

from agents.fidelity import (
    NOT_A_REQUIREMENT,
    NOT_MODELLED,
    NamedConstraint,
    check_fidelity,
    code_coverage,
    coverage_findings,
    in_asked_unit,
    llm_coverage,
    objective_mismatch,
)
from tests.conftest import DEV_PROBLEMS
from tools.question import (
    Measure,
    asked_quantity,
    assigned_numbers,
    clause_numbers,
    measured_numbers,
    measured_quantities,
    requirement_clauses,
)
from tools.textdata import parse_text

PRIORITY = (
    "A campus network has three cells A, B, C and six users. Each served user occupies resource blocks (RBs) of its "
    "cell and backhaul capacity; a user that is not served costs nothing. Cell A has 12 RBs, B has 10 and C has 8; "
    "the backhaul of every cell carries at most 60 Mbit/s.\n\n"
    "| user | priority weight | RBs needed | backhaul (Mbit/s) |\n|---|---|---|---|\n"
    "| U1 | 5 | 4 | 20 |\n| U2 | 3 | 3 | 15 |\n| U3 | 4 | 5 | 25 |\n\n"
    "Choose which users to serve, and by which cell, to maximize the total priority weight of the users served. "
    "Report the maximum total priority weight."
)
HANDOVER = (
    "After a reconfiguration, each of eight users must be re-associated with one of three cells; moving a user "
    "costs the handover cost in the table, and every cell's load must stay at most 0.9. What is the minimum total "
    "handover cost?"
)
LOAD = Measure(sense="min", measures="the largest cell load", unit="")


def _dev() -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in map(json.loads, DEV_PROBLEMS.read_text().splitlines())}


@pytest.mark.parametrize(
    ("case", "sense", "kind", "aggregate", "unit"),
    [
        ("dev-assoc-01", "max", "rate", "sum", "Mbit/s"),
        ("dev-assoc-02", "min", "load", "max", ""),
        ("dev-assoc-03", "max", "log_utility", "sum", ""),
        ("dev-leo-01", "min", "time", "mean", "milliseconds"),
        ("dev-leo-02", "min", "time", "max", "milliseconds"),
        ("dev-leo-03", "min", "power", "sum", "watts"),
        ("dev-power-01", "min", "power", "sum", "mW"),
        ("dev-power-02", "max", "sinr", "min", ""),
        ("dev-power-03", "min", "power", "sum", "mW"),
    ],
)
def test_the_asked_quantity_of_each_dev_problem(case: str, sense: str, kind: str, aggregate: str, unit: str) -> None:
    asked = asked_quantity(_dev()[case]["question"])
    assert asked is not None
    assert (asked.sense, asked.aggregate, asked.unit) == (sense, aggregate, unit), asked
    assert kind in asked.kinds, asked


def test_a_how_many_question_asks_for_the_objective_it_names_not_the_decision() -> None:
    asked = asked_quantity("A bakery makes bread and cake ... How many of each should it bake to maximize profit?")
    assert asked is not None and asked.sense == "max" and asked.kinds == {"profit"}


def test_a_goal_a_verb_names_after_a_count_asked_for_is_the_objective() -> None:
    """nl4opt-238 on the 1.5B at 5fb3f49: "wants to optimize how many phones and laptops are enough to keep in
    inventory ... Formulate an LP that can be used to maximize the store's profit" maximized phone + laptop."""
    text = (
        "A kiosk wants to optimize how many kites and yoyos are enough to stock. A kite earns $5 and a yoyo $2."
        " Write an LP that can be used to maximize the kiosk's profit."
    )
    asked = asked_quantity(text)
    assert asked is not None and asked.sense == "max" and asked.kinds == {"profit"}
    assert asked.sentence.startswith("Write an LP")


def test_the_report_word_is_the_aggregate_when_the_verb_says_the_sense() -> None:
    text = "Choose the powers to maximize the minimum SINR over the links. Report the optimal value of this minimum SINR."
    asked = asked_quantity(text)
    assert asked is not None and (asked.sense, asked.aggregate) == ("max", "min") and "sinr" in asked.kinds


def test_a_model_of_another_quantity_is_named_in_words() -> None:
    priority, handover = asked_quantity(PRIORITY), asked_quantity(HANDOVER)
    assert priority is not None and handover is not None
    assert objective_mismatch(priority, LOAD) == (
        "the question asks for the maximum total priority weight; this model minimizes the largest cell load"
    )
    assert objective_mismatch(handover, LOAD) == (
        "the question asks for the minimum total handover cost; this model minimizes the largest cell load"
    )
    assert objective_mismatch(priority, Measure("max", "the total priority weight of the served users")) is None
    assert objective_mismatch(handover, Measure("min", "the total handover cost")) is None


@pytest.mark.parametrize(
    ("question", "unit"),
    [
        ("What is the maximum revenue in EUR per hour?", "EUR/h"),
        ("Maximize the efficiency in bits per Joule.", "bits/joule"),
        # dev30-nf-03: the fraction asked "as a percentage" was reported as 0.643 where 64.29 % was asked
        ("What is the largest fraction that can be carried? Give it as a percentage.", "percent"),
        ("What is the largest fraction that can be carried? Give it as a fraction.", ""),
    ],
)
def test_a_unit_per_time_is_asked_as_written(question: str, unit: str) -> None:
    # dev30-sl-02's "in EUR per hour" was read as EUR
    asked = asked_quantity(question)
    assert asked is not None and asked.unit == unit


def test_sense_aggregate_and_unit_each_reject_on_their_own() -> None:
    asked = asked_quantity("Find the placement that minimizes the largest latency. Report it in milliseconds.")
    assert asked is not None and asked.unit == "milliseconds"
    assert objective_mismatch(asked, Measure("max", "the largest latency", "ms")) is not None  # sense
    assert objective_mismatch(asked, Measure("min", "the total latency", "ms")) is not None  # aggregate
    assert objective_mismatch(asked, Measure("min", "the largest latency", "W")) is not None  # unit
    assert objective_mismatch(asked, Measure("min", "the worst-case latency", "s")) is None  # same dimension


def test_a_sum_of_log_rates_is_not_a_sum_rate() -> None:
    asked = asked_quantity("Split the band to maximize the total throughput. Report it in Mbit/s.")
    fair = Measure("max", "the weighted sum of the logarithms of the users' rates")
    assert objective_mismatch(asked, fair) is not None
    assert objective_mismatch(asked, Measure("max", "the sum rate of the users", "Mbit/s")) is None


def test_a_phrase_code_cannot_read_rejects_nothing() -> None:
    asked = asked_quantity("How many of each should be made to minimize the amount of slime produced?")
    assert asked is not None and not asked.kinds
    assert objective_mismatch(asked, Measure("min", "the total cost")) is None


def test_the_answer_converts_to_the_unit_asked() -> None:
    asked = asked_quantity("Minimize the total transmit power. Report it in milliwatts (mW).")
    converted = in_asked_unit(0.35, asked, Measure("min", "the total transmit power", "W"))
    assert converted is not None and converted[1] == "mW" and converted[0] == pytest.approx(350.0)
    in_db = in_asked_unit(
        8.0, asked_quantity("Maximize the minimum SINR. Give it in dB."), Measure("max", "the smallest SINR", "")
    )
    assert in_db is not None and in_db[0] == pytest.approx(9.0309, abs=1e-4)
    as_percent = in_asked_unit(0.95, asked_quantity("Report the largest link utilization in percent."), Measure("min", "u", ""))
    assert as_percent is not None and as_percent[0] == pytest.approx(95.0)


def test_numbers_that_name_things_are_labels_not_requirements() -> None:
    assert clause_numbers("Link 1 needs SINR >= 6, link 2 needs SINR >= 4 and link 3 needs SINR >= 5.") == (6, 4, 5)
    assert clause_numbers("Macro at most 4, Small-1 at most 3, Small-2 at most 2.") == (4, 3, 2)
    assert clause_numbers("i = 1, 2, 3 transmit at most 20 mW") == (20,)
    assert clause_numbers("at least 60% of the budget of $15,000") == (60, 15000, 0.6)
    # dev30-cov-03 and -bw-03: a list of labels after a plural noun, and a unit's definition, state no requirement.
    assert clause_numbers("Districts 3 and 5 host the hospitals; each must be covered by at least two sites.") == ()
    assert clause_numbers("Users 1 to 5 need 3 Mbit/s; links 2, 4 and 7 carry at most 5 Mbit/s.") == (3, 5)
    assert clause_numbers("(1 MB = 8 Mbit.) Vehicle 3 supports at most 8 MHz, the others up to 10 MHz.") == (8, 10)
    # after an article the noun names no one thing: "a truck 50 bales" is what a truck takes, not truck no. 50
    assert clause_numbers("A tractor carries 20 bales a trip and a truck 50 bales.") == (20, 50)
    assert clause_numbers("Truck 3 carries 20 bales.") == (20,)
    # a label is a whole number: the 0.50 after "AP1 or" and the 0.9 after "user 1 and" are amounts
    assert clause_numbers("The share is 0.30 at AP1 or 0.50 at AP2.") == (0.3, 0.5)
    assert clause_numbers("One block carries 0.6 Mbit for user 1, 0.9 Mbit for user 2.") == (0.6, 0.9)


def test_requirement_clauses_skip_table_rows_and_keep_bullets() -> None:
    text = (
        "Three APs serve five users.\n\n| user | AP1 | AP2 |\n|---|---|---|\n| U1 | 10 | 12 |\n\n"
        "- Each AP's airtime (the sum of demand / rate of its users) must be at most 0.8.\n"
        "- User U3 must be served by AP2.\nThe weather is fine. Maximize the sum rate."
    )
    clauses = requirement_clauses(text)
    assert [c.text for c in clauses if c.strong] == [
        "Each AP's airtime (the sum of demand / rate of its users) must be at most 0.8.",
        "User U3 must be served by AP2.",
    ]
    assert not any("|" in c.text or "weather" in c.text for c in clauses)


AIRTIME = (
    "Three access points AP1, AP2, AP3 must serve all users U1-U4. Each user is served by exactly one AP; the table gives the "
    "rate (Mbit/s) and the demand.\n\n| user | demand | AP1 | AP2 | AP3 |\n|---|---|---|---|---|\n"
    "| U1 | 2 | 10 | 20 | 5 |\n| U2 | 3 | 12 | 6 | 9 |\n| U3 | 1 | 8 | 8 | 16 |\n| U4 | 4 | 20 | 10 | 10 |\n\n"
    "The airtime of each AP, the sum of demand / rate over its users, must be at most 0.8. U2 must not be served by AP1.\n"
    "Minimize the number of active APs."
)


def test_a_hard_requirement_whose_number_the_model_never_uses_is_uncovered() -> None:
    data = parse_text(AIRTIME)
    table_values = [v for t in data.tables for row in t.cells for v in row if v is not None]
    coverage = code_coverage(requirement_clauses(AIRTIME), table_values, data, mentioned=["T1"])
    by_text = {c.clause.text: c for c in coverage}
    airtime = by_text["The airtime of each AP, the sum of demand / rate over its users, must be at most 0.8."]
    assert airtime.status == "uncovered" and "0.8" in airtime.reason
    forbidden = by_text["U2 must not be served by AP1."]
    assert forbidden.status == "uncovered" and "AP1" in forbidden.reason and "U2" in forbidden.reason
    # a clause without numbers or particular names is for the LLM, not rejected by code
    assert by_text["Each user is served by exactly one AP; the table gives the rate (Mbit/s) and the demand."].status == "unclear"
    [finding, *_] = coverage_findings(coverage)
    assert finding.kind == "uncovered_clause" and "must be at most 0.8" in finding.message

    # naming the whole group ("U1-U4", every AP) is no particular requirement
    assert by_text["Three access points AP1, AP2, AP3 must serve all users U1-U4."].status != "uncovered"
    # the same clauses are covered once the model uses the number and names the pair
    covered = code_coverage(requirement_clauses(AIRTIME), [*table_values, 0.8], data, mentioned=["U2", "AP1"])
    assert not coverage_findings(covered)


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("Each request runs on exactly one satellite; minimize (40 x latency of X + 10 x latency of Y) / 50.", "covered"),
        ("U1 needs exactly 40 Mbit/s and U2 exactly 10 Mbit/s, and the link carries at most 50 Mbit/s.", "uncovered"),
    ],
)
def test_a_divisor_that_totals_used_numbers_is_used_but_a_limit_equal_to_a_total_is_not(sentence: str, status: str) -> None:
    """dev30-leo-04's average "(40 x ... + 10 x ...) / 50" divides by the request rates' total, which no parameter
    holds: its right binding was sent back. A limit equal to a sum is a requirement of its own."""
    [clause] = requirement_clauses(sentence)
    [coverage] = code_coverage([clause], [40.0, 10.0], parse_text(sentence), mentioned=[])
    assert coverage.status == status, coverage.reason


def test_numbers_that_name_table_rows_the_formulation_names_are_names_not_numbers() -> None:
    """dev30-sl-02: "The two URLLC slices (1 and 4) ... must be admitted" names slices "1 (URLLC)" and "4 (URLLC)";
    "no parameter equal to 1, 4" sent its right binding back. Named by the binding, they are names, and a clause with
    no other number is the LLM's to map; not named, they are unused as before."""
    table = "| slice | PRBs |\n|---|---|\n| 1 (URLLC) | 30 |\n| 2 | 28 |\n| 4 (URLLC) | 18 |\n\n"
    text = table + "The two URLLC slices (1 and 4) must be admitted."
    data = parse_text(text)
    [clause] = [c for c in requirement_clauses(text) if "admitted" in c.text]
    [named] = code_coverage([clause], [30.0, 28.0, 18.0], data, mentioned=['{"must_admit": ["1 (URLLC)", "4 (URLLC)"]}'])
    assert named.status == "unclear"
    [unnamed] = code_coverage([clause], [30.0, 28.0, 18.0], data, mentioned=['{"must_admit": []}'])
    assert unnamed.status == "uncovered" and "1, 4" in unnamed.reason


def test_a_number_that_counts_things_the_clause_names_is_no_quantity_left_out() -> None:
    """dev30-chan-02: "8 resource blocks (RB1-RB8)" counts the table's channels; "at most 4 RBs each" with 4 UEs is
    a limit, whatever the count of UEs."""
    table = "| UE | RB1 | RB2 | RB3 | RB4 | RB5 | RB6 | RB7 | RB8 |\n|---|---|---|---|---|---|---|---|---|\n"
    table += "".join(f"| UE{u} | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 |\n" for u in range(1, 5))
    text = table + "\nThe base station has 8 resource blocks (RB1-RB8) to give. Each UE can use at most 4 RBs."
    data = parse_text(text)
    clauses = requirement_clauses(text)
    coverage = {c.clause.text: c for c in code_coverage(clauses, [1.0, 2.0, 3.0, 5.0, 6.0, 7.0], data, mentioned=["T1"])}
    assert not any("8" in c.reason for c in coverage.values())
    assert any(c.status == "uncovered" and "4" in c.reason for c in coverage.values())


def test_a_percentage_is_covered_by_its_number_or_by_its_fraction() -> None:
    """nl4opt-000: "at least 60% of the trips should be by canoe" written as canoes >= 0.6 * (boats + canoes) was
    named uncovered ("the model uses no parameter equal to 60"), which would have sent a right model back."""
    text = "There can be at most 12 boat trips and at least 60% of the trips must be by canoe. Minimize the time."
    data = parse_text(text)
    [share] = [c for c in requirement_clauses(text) if "60%" in c.text]
    for used in ([12.0, 0.6], [12.0, 60.0]):
        [coverage] = [c for c in code_coverage([share], used, data, mentioned=[])]
        assert coverage.status == "covered", used
    [coverage] = code_coverage([share], [12.0], data, mentioned=[])
    assert coverage.status == "uncovered" and "60" in coverage.reason


def test_the_llm_maps_only_what_code_left_unclear_and_says_what_it_saw() -> None:
    data = parse_text(AIRTIME)
    coverage = code_coverage(requirement_clauses(AIRTIME), [0.8], data, mentioned=["U2", "AP1"])
    asked: list[dict[str, Any]] = []

    def ask(schema: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
        asked.append({"schema": schema, "values": values})
        count = schema["properties"]["clauses"]["maxItems"]
        answers = [NOT_A_REQUIREMENT, "one_ap", NOT_MODELLED]
        return {"clauses": [{"clause": n + 1, "covered_by": answers[n % 3], "reason": "r"} for n in range(count)]}

    mapped = llm_coverage(
        coverage, [NamedConstraint("one_ap", "user {i} is served by exactly one AP")], "the number of active APs", ask
    )
    unclear = [c for c in coverage if c.status == "unclear"]
    assert len(asked) == 1 and unclear
    shown = asked[0]["values"]
    assert "one_ap: user {i} is served by exactly one AP" in shown["constraints"]
    assert all(c.clause.text in shown["clauses"] for c in unclear)
    assert "must be at most 0.8" not in shown["clauses"]  # decided by code: covered by its number
    choices = asked[0]["schema"]["properties"]["clauses"]["items"]["properties"]["covered_by"]["enum"]
    assert choices == ["one_ap", "objective", NOT_A_REQUIREMENT, NOT_MODELLED]
    statuses = [m.status for m in mapped if m.clause.index in {c.clause.index for c in unclear}]
    assert statuses[:3] == ["not a requirement", "covered", "uncovered"][: len(statuses[:3])]


def test_a_constraint_that_says_the_same_words_outvotes_the_llms_nothing() -> None:
    text = "Each user must be served by exactly one cell that covers it. The weather must be fine."
    coverage = code_coverage(requirement_clauses(text), [], parse_text(text), [])
    one_cell = NamedConstraint("one_cell", "user {i} is served by exactly one cell that covers it")

    def nothing(schema: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
        count = schema["properties"]["clauses"]["maxItems"]
        return {"clauses": [{"clause": n + 1, "covered_by": NOT_MODELLED, "reason": "none"} for n in range(count)]}

    mapped = {m.clause.text: m for m in llm_coverage(coverage, [one_cell], "the sum rate", nothing)}
    assert mapped["Each user must be served by exactly one cell that covers it."].by == "one_cell"
    assert mapped["The weather must be fine."].status == "uncovered"


def test_a_clause_the_llm_finds_unmodelled_names_the_numbers_code_found_unused() -> None:
    # dev30-pow-01 on the 1.5B model: "thermal noise of -174 dBm/Hz ... a noise figure of 7 dB" came back as "The
    # problem does not mention any constraints or objectives related to noise", three times; the numbers the model
    # leaves out are what a repair can act on, so they lead the reason.
    text = "The receivers see thermal noise of -174 dBm/Hz and have a noise figure of 7 dB."
    coverage = code_coverage(requirement_clauses(text), [10], parse_text(text), [])

    def nothing(schema: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
        return {"clauses": [{"clause": 1, "covered_by": NOT_MODELLED, "reason": "nothing relates to noise"}]}

    [mapped] = llm_coverage(coverage, [], "the total power", nothing)
    assert mapped.status == "uncovered"
    assert mapped.reason == "the model uses no parameter equal to -174, 7; nothing relates to noise"


def test_a_constraint_the_llm_names_for_a_stated_quantity_the_model_lacks_is_not_taken() -> None:
    # A 0.5B model read "SINR >= 6" as the power limits and mapped the power-limit sentence to the SINR constraint:
    # the clause states 20 mW, which no parameter equals, so code does not take the LLM's word for it. A count the
    # model need not use ("two sites") and the same mapping with 20 in the model both stand.
    text = "Each transmit power is a continuous quantity between 0 and 20 mW. Each cell serves 2 sites in turn."
    sinr = NamedConstraint("sinr", "the SINR of link {i} meets its target")

    def named(schema: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
        count = schema["properties"]["clauses"]["maxItems"]
        return {"clauses": [{"clause": n + 1, "covered_by": "sinr", "reason": "r"} for n in range(count)]}

    without = code_coverage(requirement_clauses(text), [6, 4, 5], parse_text(text), [])
    mapped = {m.clause.text.split()[1]: m for m in llm_coverage(without, [sinr], "the total power", named)}
    assert mapped["transmit"].status == "uncovered" and "no parameter equal to 20" in mapped["transmit"].reason
    assert mapped["cell"].status == "covered"
    with_limit = code_coverage(requirement_clauses(text), [6, 4, 5, 20], parse_text(text), [])
    assert all(m.status == "covered" for m in llm_coverage(with_limit, [sinr], "the total power", named))


def test_a_capacity_after_a_things_name_is_a_quantity_and_its_constraint_must_hold_it() -> None:
    # dev30-sl-01: "the edge site 24 CPU cores" read "site 24" as a label, so a model with the PRB budget alone was
    # covered by the clause's only number (100) and verified at 425 EUR/h for 410.
    text = "The cell has 100 PRBs and the edge site 24 CPU cores available for slices."
    assert clause_numbers(text) == (100, 24)
    assert 24 in measured_numbers(text)
    assert clause_numbers("Site 2 needs 5 Mbit/s, and link 3 carries 4 GB.") == (5, 4)

    def named(schema: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
        return {"clauses": [{"clause": 1, "covered_by": "prb_capacity", "reason": "the resources are limited"}]}

    prbs = NamedConstraint("prb_capacity", "the admitted requests use at most 100 PRBs")
    [only_prbs] = llm_coverage(code_coverage(requirement_clauses(text), [100], parse_text(text), []), [prbs], "r", named)
    assert only_prbs.status == "uncovered" and "no parameter equal to 24" in only_prbs.reason
    [both] = llm_coverage(code_coverage(requirement_clauses(text), [100, 24], parse_text(text), []), [prbs], "r", named)
    assert both.status == "covered"


def test_a_tables_cell_covers_a_sentences_number_only_where_the_sentence_names_its_row() -> None:
    # dev30-sl-04: "20 CPU cores" was covered by slice 6's revenue of 20, and the model without a CPU limit verified.
    text = (
        "| slice | PRBs | revenue |\n|---|---|---|\n| 5 | 25 | 60 |\n| 6 | 15 | 20 |\n\n"
        "The edge site has 20 CPU cores for slices. Slice 6 earns 20 EUR/h at most."
    )
    data = parse_text(text)
    cells = [(25.0, "5"), (60.0, "5"), (15.0, "6"), (20.0, "6")]
    cores, earns = code_coverage(requirement_clauses(text), [], data, [], (), None, cells)
    assert cores.status == "unclear" and cores.unused == (20,) and "no parameter equal to 20" in cores.reason
    assert earns.status == "covered" and earns.by == "numbers"  # it names slice 6, whose cell holds 20
    [typed, _] = code_coverage(requirement_clauses(text), [20], data, [], (), None, cells)
    assert typed.status == "covered"  # a limit of 20 cores typed into the model
    assert measured_numbers("every admitted slice needs 4 more PRBs for its guard band") == (4,)


def test_a_bands_name_is_not_a_quantity_the_model_must_hold() -> None:
    # dev30-chan-01: "seven 2.4 GHz access points" made a right channel plan "uncovered" (no parameter equal to 2.4).
    text = "Our floor has seven 2.4 GHz access points, AP1 to AP7, and we only use the channels 1, 6 and 11."
    assert 2.4 not in clause_numbers(text) and not measured_numbers(text)
    assert measured_numbers("A 20 MHz carrier at 3.5 GHz; the 5 GHz band gives 40 MHz.") == (20, 3.5, 40)

    def named(schema: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
        return {"clauses": [{"clause": 1, "covered_by": "one_channel", "reason": "each AP gets one channel"}]}

    one = NamedConstraint("one_channel", "each access point uses exactly one channel")
    [mapped] = llm_coverage(code_coverage(requirement_clauses(text), [], parse_text(text), []), [one], "loss", named)
    assert mapped.status != "uncovered" and not coverage_findings([mapped])  # the channels' numbers are labels too
    with_count = text.replace("the channels", "3 channels,")
    [counted] = llm_coverage(code_coverage(requirement_clauses(with_count), [], parse_text(with_count), []), [one], "x", named)
    assert counted.status == "covered" and counted.by == "one_channel"  # 3 is no measured number: the LLM may map it


def test_a_list_of_numbers_per_name_is_covered_only_by_a_parameter_that_gives_those_names_those_numbers() -> None:
    # dev30-assoc-02: a model without RB budgets was verified because 25, 20 and 15 were a backhaul and two demands.
    text = (
        "Per TTI Alpha has 25 RBs, Bravo 20 and Charlie 15. The backhaul is 40 Mbit/s for Alpha, 30 Mbit/s for "
        "Bravo and 25 Mbit/s for Charlie. U2 needs 20 Mbit/s and U4 15 Mbit/s."
    )
    data = parse_text(text)
    used = [25, 20, 15, 40, 30]
    backhaul = {"Alpha": 40e6, "Bravo": 30e6, "Charlie": 25e6}  # stored in bit/s: a unit's factor
    demand = {"U2": 20, "U4": 15}

    def by_clause(keyed: list[dict[str, float]] | None) -> dict[str, Any]:
        return {c.clause.text.split()[1]: c for c in code_coverage(requirement_clauses(text), used, data, [], (), keyed)}

    assert by_clause(None)["TTI"].status == "covered"  # numbers alone: the old reading
    lacking = by_clause([backhaul, demand])["TTI"]
    assert (
        lacking.status == "unclear" and lacking.reason == "the model uses no parameter that gives Alpha 25, Bravo 20, Charlie 15"
    )
    assert by_clause([backhaul, demand])["backhaul"].status == "covered"
    assert by_clause([backhaul, demand, {"Alpha": 25, "Bravo": 20, "Charlie": 15, "Delta": 9}])["TTI"].status == "covered"
    assert by_clause([backhaul, {"Alpha": 25, "Bravo": 15, "Charlie": 20}])["TTI"].status == "unclear"  # swapped

    def named(schema: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
        count = schema["properties"]["clauses"]["maxItems"]
        return {"clauses": [{"clause": n + 1, "covered_by": "rb_budget", "reason": "r"} for n in range(count)]}

    coverage = list(by_clause([backhaul, demand]).values())
    [mapped] = [m for m in llm_coverage(coverage, [NamedConstraint("rb_budget", "rb")], "w", named) if "TTI" in m.clause.text]
    assert mapped.status == "uncovered" and "rb_budget was named, but the model uses no parameter that gives" in mapped.reason


def test_a_list_of_numbered_things_is_placed_by_a_parameter_that_numbers_them_alike() -> None:
    # dev30-pow-01: "10 dB (link 1), 8 dB (link 2) and 12 dB (link 3)" names the links; the model keys the targets
    # by transmitter (Tx1 is link 1) and holds them in linear units.
    text = "The links need SINRs of at least 10 dB (link 1), 8 dB (link 2) and 12 dB (link 3)."
    data = parse_text(text)
    targets = {"Tx1": 10.0, "Tx2": 10**0.8, "Tx3": 10**1.2}
    [placed] = code_coverage(requirement_clauses(text), [10, 8, 12], data, [], (), [targets])
    assert placed.status == "covered"
    [other] = code_coverage(requirement_clauses(text), [10, 8, 12], data, [], (), [{"Tx1": 10.0, "Tx2": 10**1.2, "Tx3": 10**0.8}])
    assert other.status == "uncovered" and "link2 8" in other.reason  # the numbers of links 2 and 3 swapped


def test_a_list_the_binding_takes_by_its_id_was_read_by_code_and_needs_no_name_keyed_parameter() -> None:
    # A mesh's ISL delays become a shortest-path matrix keyed by satellites: no parameter is keyed "S1-S2". The
    # binding took the list by its id, so code read it: covered, as the numbers say.
    text = "ISL delay (ms): S1-S2 4, S2-S3 5, S3-S1 9.\nEach path must be the fastest."
    data = parse_text(text)
    [delays] = data.lists
    matrix = [{"S1": 0.0, "S2": 4.0, "S3": 9.0}, {"S1": 4.0, "S2": 0.0, "S3": 5.0}]

    def status(mentioned: list[str]) -> str:
        [coverage, _] = code_coverage(requirement_clauses(text), [4, 5, 9], data, mentioned, (), matrix)
        return coverage.status

    assert status([json.dumps({"delay_table": delays.id})]) == "covered"
    assert status([json.dumps({"delay_table": "none"})]) == "unclear"


def test_a_list_in_decibels_is_placed_by_its_linear_values() -> None:
    text = "The SINR targets are 10 dB for L1, 6 dB for L2 and 3 dB for L3; each must be met."
    data = parse_text(text)
    linear = {"L1": 10.0, "L2": 10**0.6, "L3": 10**0.3}
    [coverage] = code_coverage(requirement_clauses(text), [10, 6, 3], data, [], (), [linear])
    assert coverage.status == "covered"
    [read_as_linear] = code_coverage(requirement_clauses(text), [10, 6, 3], data, [], (), [{"L1": 10, "L2": 3, "L3": 6}])
    assert read_as_linear.status == "uncovered" and "L2 6, L3 3" in read_as_linear.reason


def test_every_template_says_what_each_objective_variant_measures_and_its_examples_ask_for_one() -> None:
    from typing import get_args

    from knowledge_base.catalog import load_templates

    for template in load_templates(None).values():
        field = template.params_model.model_fields.get("objective")
        variants = set(get_args(field.annotation)) if field is not None else set()
        if template.tool == "pyomo_portfolio" or template.objectives:
            assert set(template.objectives) == variants or (not variants and len(template.objectives) == 1), template.id
        for example in template.examples:
            asked = asked_quantity(example)
            fitting = [name for name, measure in template.objectives.items() if objective_mismatch(asked, measure) is None]
            assert fitting or not template.objectives, (template.id, example[-120:], asked)


def test_the_goal_of_a_so_that_clause_and_a_unit_given_after_the_question() -> None:
    text = (
        "Decide which jobs run at the edge so that the sum of the completion times is as small as possible. "
        "What is that smallest sum? Give it in milliseconds."
    )
    asked = asked_quantity(text)
    assert asked is not None
    assert (asked.sense, asked.aggregate, asked.unit) == ("min", "sum", "milliseconds") and "time" in asked.kinds
    both = asked_quantity("Place them so that the delay of A plus the delay of B is as small as possible. Report that sum.")
    assert both is not None and both.aggregate == "sum" and "time" in both.kinds


def test_the_parameters_by_name_include_matrix_columns_and_fields_of_named_things() -> None:
    from agents.verifier import _keyed_numbers

    params = {
        "links": [{"name": "A-B", "tail": "A", "head": "B", "capacity": 10, "cost": 1.0}, {"name": "B-C", "capacity": 5}],
        "delay": {"S1": {"S1": 0, "S2": 4}, "S2": {"S1": 4, "S2": 0}},
        "budget": {"Alpha": 25, "Bravo": 20},
    }
    keyed = _keyed_numbers(params)
    assert {"A-B": 10.0, "B-C": 5.0} in keyed and {"A-B": 1.0} in keyed  # the links' capacities and costs by name
    assert {"S1": 0.0, "S2": 4.0} in keyed and {"S1": 4.0, "S2": 0.0} in keyed  # rows and columns of the matrix
    assert {"Alpha": 25.0, "Bravo": 20.0} in keyed


def test_a_list_whose_alternative_the_binding_takes_by_id_is_the_modelers_choice() -> None:
    # Two lists of the CPU capacity of the same satellites: which applies is the Modeler's choice (a follow-up's
    # "now"), not a requirement left out. A list of another quantity over the same names is no alternative.
    text = "CPU capacity at launch (cores): S1 1, S2 1.\nCPU capacity now (cores): S1 4, S2 3.\nS1 has 9 W, S2 6 W."
    data = parse_text(text)
    now = data.lists[1]
    taken = [json.dumps({"cpu_capacity_list": now.id})]
    coverage = code_coverage(requirement_clauses(text), [1, 4, 3, 9, 6], data, taken, (), [{"S1": 4.0, "S2": 3.0}])
    by_list = {c.clause.text.split(":")[0]: c for c in coverage}
    assert by_list["CPU capacity at launch (cores)"].status == "covered"
    assert by_list["S1 has 9 W, S2 6 W."].status == "unclear" and "gives S1 9, S2 6" in by_list["S1 has 9 W, S2 6 W."].reason


def test_a_list_of_numbers_no_parameter_gives_is_uncovered_even_when_the_llm_calls_it_no_requirement() -> None:
    # dev30-cov-03 on the 1.5B model: the association template (a count of served users) was verified for a
    # budgeted coverage problem, the LLM having called the sites' costs "not a requirement". A list of numbers per
    # named thing that no parameter gives them is data the model leaves out; a sentence without such a list may
    # still be called no requirement.
    text = "Building a site costs (in million EUR): S1 3.5, S2 2.8, S3 4.1. The district has a long history."
    data = parse_text(text)
    coverage = code_coverage(requirement_clauses(text), [], data, [], keyed=[{"S1": 1.0, "S2": 1.0, "S3": 1.0}])

    def dismissed(schema: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
        count = schema["properties"]["clauses"]["maxItems"]
        return {"clauses": [{"clause": n + 1, "covered_by": NOT_A_REQUIREMENT, "reason": "data"} for n in range(count)]}

    mapped = {m.clause.text.split()[0]: m for m in llm_coverage(coverage, [], "the covered population", dismissed)}
    assert mapped["Building"].status == "uncovered"
    assert "called no requirement, but the model uses no parameter that gives S1 3.5" in mapped["Building"].reason
    with_costs = code_coverage(requirement_clauses(text), [], data, [], keyed=[{"S1": 3.5, "S2": 2.8, "S3": 4.1}])
    assert all(m.status != "uncovered" for m in llm_coverage(with_costs, [], "the covered population", dismissed))


def test_a_number_with_a_unit_is_covered_only_by_an_equal_quantity_of_its_kind() -> None:
    # dev30-bw-01 on the 0.5B model was verified at 40 for 114 with "no user more than 8 MHz" counted as covered by
    # user 2's guaranteed rate of 8 Mbit/s: coverage compared bare values.
    text = "Because of the terminals' RF front ends, no user can be given more than 8 MHz."
    assert measured_quantities(text) == ((8.0, "MHz"),)
    data = parse_text(text)
    [as_rate] = code_coverage(requirement_clauses(text), [], data, [], quantities=[(8.0, "Mbit/s")])
    assert as_rate.status == "uncovered" and "8 only in Mbit/s, not as 8 MHz" in as_rate.reason
    [as_bandwidth] = code_coverage(requirement_clauses(text), [], data, [], quantities=[(8.0, "Mbit/s"), (8000.0, "kHz")])
    assert as_bandwidth.status == "uncovered"  # 8000 kHz is not 8: values are compared as written, not converted
    [both] = code_coverage(requirement_clauses(text), [], data, [], quantities=[(8.0, "Mbit/s"), (8.0, "MHz")])
    assert both.status == "covered"
    [bare] = code_coverage(requirement_clauses(text), [8.0], data, [], quantities=[(8.0, "Mbit/s")])
    assert bare.status == "covered"  # a parameter of unknown unit may be the cap
    cores = "The edge site has at most 24 CPU cores."
    [unknown] = code_coverage(requirement_clauses(cores), [], parse_text(cores), [], quantities=[(24.0, "GHz")])
    assert unknown.status == "covered"  # pint knows no 'cores': nothing says the two differ


def test_a_limit_said_of_no_thing_is_a_hard_requirement() -> None:
    [clause] = requirement_clauses("Because of the RF front ends, no user can be given more than 8 MHz.")
    assert clause.hard
    [also] = requirement_clauses("No cell may serve fewer than 2 users.")
    assert also.hard
    [plain] = requirement_clauses("There are no users with more than one antenna, and 4 cells.")
    assert not plain.hard


def test_a_stated_quantity_the_model_leaves_out_is_uncovered_when_the_llm_maps_nothing() -> None:
    # A fake-model run of dev30-ee-01 with the path loss typed as 10 dB was verified at 810 Mbit/J for 60: the LLM
    # mapped no clause, so "the path loss is 112 dB" stayed unclear, which rejects nothing. A quantity no parameter
    # equals is code's own reason, whether the LLM's answer leaves the clause out or no answer came (ask None).
    text = "The path loss to the base station is 112 dB and the noise power at the receiver is -104 dBm."
    data = parse_text(text)

    def silent(schema: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
        return {"clauses": []}

    [mapped] = llm_coverage(code_coverage(requirement_clauses(text), [10, -104], data, []), [], "efficiency", silent)
    assert (mapped.status, mapped.reason) == ("uncovered", "the model uses no parameter equal to 112, which the clause states")
    check = check_fidelity(text, data, None, [10, -104], [], [], None)
    assert [c.status for c in check.coverage] == ["uncovered"] and check.findings
    [covered] = llm_coverage(code_coverage(requirement_clauses(text), [112, -104], data, []), [], "efficiency", silent)
    assert covered.status == "covered"


def test_a_noise_density_is_read_with_its_per_hertz_unit() -> None:
    # dev30-pow-01 on the 1.5B at a656fbe: "-174 dBm/Hz" was read as -174 dBm, so a model with the density right
    # (-174 dBm/Hz) was told it used -174 "only in dBm/Hz, not as -174 dBm", three rounds to the cap.
    text = "The receivers see thermal noise of -174 dBm/Hz over the 10 MHz bandwidth and have a noise figure of 7 dB."
    quantities = [(-174.0, "dBm/Hz"), (10.0, "MHz"), (7.0, "dB")]
    [coverage] = code_coverage(requirement_clauses(text), [], parse_text(text), [], quantities=quantities)
    assert coverage.status == "covered"
    assert measured_quantities("a density of 4e-21 W/Hz, 5-10 MHz") == ((4e-21, "W/Hz"), (10.0, "MHz"))
    [wrong] = code_coverage(requirement_clauses(text), [], parse_text(text), [], quantities=[(-174.0, "dBm"), *quantities[1:]])
    assert wrong.status != "covered" and "-174 only in dBm" in wrong.reason


def test_a_spectral_efficiency_is_read_in_bit_per_second_per_hertz() -> None:
    # dev30-bw-02 on the 1.5B at a656fbe: "... 3.5 and 2.1 bit/s/Hz for gateways G1 to G6" read as 2.1 bit/s, so a
    # binding that read the efficiencies right was sent back ("no parameter equal to 2.1") and the template dropped.
    text = "Each gateway's spectral efficiency: 4.2, 1.3 and 2.1 bit/s/Hz for gateways G1 to G3."
    quantities = [(4.2, "bit/s/Hz"), (1.3, "bit/s/Hz"), (2.1, "bit/s/Hz")]
    [coverage] = code_coverage(requirement_clauses(text), [], parse_text(text), [], quantities=quantities)
    assert not coverage.unused
    assert measured_quantities("2.1 bit/s/Hz, 5 bps/Hz") == ((2.1, "bit/s/Hz"), (5.0, "bps/Hz"))


def test_a_number_given_to_a_symbol_is_no_background() -> None:
    # dev30-mec-01 on the 1.5B at a656fbe was verified at 1199 mJ for 2616: "with kappa = 10^-27" left out, the clause
    # called no requirement. A number the text gives a symbol is a parameter; a unit's definition ("1 kB = 1000
    # bytes") is not one.
    text = "A task of C cycles costs kappa x f^2 x C joules, with kappa = 10^-27."

    def background(schema: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
        return {"clauses": [{"clause": 1, "covered_by": NOT_A_REQUIREMENT, "reason": "data"}]}

    [kappa] = llm_coverage(code_coverage(requirement_clauses(text), [2], parse_text(text), []), [], "energy", background)
    assert kappa.status == "uncovered" and "1e-27, which it gives a symbol" in kappa.reason
    [used] = llm_coverage(code_coverage(requirement_clauses(text), [2, 1e-27], parse_text(text), []), [], "e", background)
    assert used.status == "covered"
    assert assigned_numbers("the input (1 kB = 1000 bytes), alpha = 3.5, x = 2y") == (3.5,)
