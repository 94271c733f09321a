"""What a problem text asks for, read by code: the quantity to report, and the clauses that state requirements.

A formulation can be internally perfect and answer another question (ARCHITECTURE.md, "Fidelity"). The
Verifier holds every formulation against two things found here, before any solver runs:

- **The asked quantity**: the phrase the text asks to report or optimise ("Report the minimum total handover
  cost", "What is the maximum number of users that can be served?", "... that maximizes the sum of the users'
  rates"), with its sense (minimum or maximum), its unit ("in Mbit/s", "as a fraction") and what it measures: a
  small vocabulary of quantity *kinds* (rate, load, cost, power, latency, ...) and an *aggregate* (a total, the
  largest, the smallest, an average). A formulation's objective is described in the same words, so the two
  compare by kind, aggregate, sense and unit.
- **Requirement clauses**: the sentences, bullets and notes that state a requirement (must, at most, at least,
  exactly, cannot, no more than, only if, each, every, ...), each with the numbers and the names it mentions, so
  that code can tell whether the formulation uses them.

Nothing here calls an LLM. The vocabulary errs on the side of silence: a phrase whose kind it cannot name has
no kinds, and the Verifier then does not reject on kind at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from tools.textdata import NUMBER, PERCENT, plain_numbers

Sense = Literal["min", "max"]
Aggregate = Literal["sum", "max", "min", "mean"]

# Quantity kinds, most specific first: a phrase gets every kind whose pattern it contains.
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("energy_efficiency", r"energy[- ]efficien\w*|bits? per joule|bits?/j(?:oule)?\b|\bbit/j\b"),
        ("sinr", r"\bsinrs?\b|\bsnrs?\b|\bsirs?\b|signal[- ]to[- ](?:interference|noise)"),
        ("log_utility", r"\blog(?:arithms?|arithmic)?\b|\bln\b|proportional[- ]fair\w*"),
        ("rate", r"\b(?:sum[- ]?rates?|rates?|throughputs?|goodputs?|bit ?rates?|spectral efficienc\w*|data volume)\b"),
        ("load", r"\bloads?\b|\butili[sz]ations?\b|\boccupanc\w*"),
        ("cost", r"\bcosts?\b|\bexpens\w*|\bprices?\b|\bspend\w*|\bdollars?\b|\bfees?\b|\bpenalt\w*"),
        ("profit", r"\bprofits?\b|\brevenues?\b|\bincome\b|\bearnings?\b"),
        ("power", r"\bpowers?\b|\bwatts?\b|\bmilliwatts?\b"),
        ("energy", r"\benergy\b(?![- ]efficien)|\bjoules?\b"),
        (
            "time",
            r"\blatenc\w*|\bdelays?\b|\bresponse times?\b|\bcompletion times?\b|\bmakespan\b|\bround[- ]trip\b|"
            r"\btimes?\b|\bdurations?\b|\bmilliseconds?\b|\bseconds?\b|\bhours?\b|\bminutes?\b",
        ),
        ("weight", r"\bweights?\b|\bpriorit\w*|\butilit\w*|\brewards?\b|\bscores?\b|\bbenefits?\b"),
        ("count", r"\bnumber of\b|\bhow many\b|\bcounts?\b|\bfewest\b"),
        ("bandwidth", r"\bbandwidths?\b|\bspectrum\b|\bhz\b|\bkhz\b|\bmhz\b|\bghz\b|\bresource blocks?\b|\bchannels?\b"),
        ("flow", r"\bflows?\b"),
        ("interference", r"\binterferen\w*|\bco-channel\b"),
        ("distance", r"\bdistances?\b|\blengths?\b|\bkilomet\w*|\bmet(?:er|re)s?\b"),
        ("hops", r"\bhops?\b|\bhop[- ]counts?\b"),
        ("coverage", r"\bcoverage\b|\bcovered\b"),
        ("bits", r"\bbits?\b|\bbytes?\b|\bmegabits?\b"),
    )
)
_NOT_A_KIND = re.compile(r"\b(?:value|objective|optimum|amount|result|answer|figure|quantity)\b", re.IGNORECASE)

_AGGREGATES: tuple[tuple[Aggregate, re.Pattern[str]], ...] = (
    ("mean", re.compile(r"\b(?:average|mean|weighted average|per[- ]request)\b", re.IGNORECASE)),
    (
        "max",
        re.compile(
            r"\b(?:largest|maximum|max|worst(?:[- ]case)?|highest|peak|bottleneck|most[- ]loaded|greatest)\b", re.IGNORECASE
        ),
    ),
    ("min", re.compile(r"\b(?:smallest|minimum|min|weakest|lowest|least|worst[- ]off)\b", re.IGNORECASE)),
    (
        "sum",
        re.compile(r"\b(?:total|sum|overall|aggregate|combined|network[- ]wide|altogether|all together|plus)\b", re.IGNORECASE),
    ),
)

_MIN_WORDS = r"minimum|minimal|smallest|lowest|least|fewest|shortest|cheapest|min"
_MAX_WORDS = r"maximum|maximal|largest|highest|greatest|most|longest|max|best"
_SENSE_WORD = re.compile(rf"^(?:the\s+|this\s+|that\s+|its\s+)?(?P<word>{_MIN_WORDS}|{_MAX_WORDS})\b\s*", re.IGNORECASE)
_VALUE_OF = re.compile(
    r"^(?:the\s+)?(?:optimal|optimum|best|resulting|achievable|attainable|corresponding|final)?\s*"
    r"(?:value|objective(?: value)?|optimum)\s+(?:of\s+)?(?:the\s+|this\s+|that\s+|its\s+)?",
    re.IGNORECASE,
)
_NP_END = re.compile(
    r"\s+(?:in|as|for|subject|while|such that|so that|under|given|when|if|and report|and state|to the nearest|"
    r"rounded|that|which|where)\b|[.?!;:(\n]",
    re.IGNORECASE,
)
_OPTIMISE = re.compile(
    r"\b(?P<verb>minimi[sz]\w*|maximi[sz]\w*)\s+(?:the\s+|its\s+|their\s+|our\s+|a\s+)?(?P<np>[^.?!;\n]+)", re.IGNORECASE
)
_AT_BEST = re.compile(
    r"\b(?:at|with|for|uses?|using|needs?|needing|requires?|requiring|achieves?|achieving|gives?|giving|yields?|has)\s+"
    rf"(?:the\s+|a\s+)?(?!(?:most|least)\b)(?P<word>{_MIN_WORDS}|{_MAX_WORDS})\s+(?:possible\s+)?(?P<np>[^.?!;\n]+)",
    re.IGNORECASE,
)
_REDUCE = re.compile(r"\b(?:reduce|decrease|lower|cut)\s+(?:the\s+|its\s+|their\s+)?(?P<np>[^.?!;\n]+)", re.IGNORECASE)
_ASKED = (
    re.compile(r"\breport\s+(?:back\s+)?(?:only\s+)?(?:the\s+|this\s+|that\s+|its\s+|your\s+)?(?P<np>[^.?!;\n]+)", re.IGNORECASE),
    re.compile(r"\bwhat\s+(?:is|are|will be|would be|was)\s+(?:the\s+|this\s+|that\s+)?(?P<np>[^.?!;\n]+)", re.IGNORECASE),
    re.compile(
        r"\b(?:find|determine|compute|calculate|give|state|obtain|output|return)\s+(?:the\s+|this\s+|that\s+)"
        rf"(?P<np>(?:{_MIN_WORDS}|{_MAX_WORDS}|optimal|optimum)\b[^.?!;\n]*)",
        re.IGNORECASE,
    ),
    re.compile(r"\bhow\s+(?P<how>much|many|long|large|small|low|high|few)\s+(?P<np>[^.?!;\n]+)", re.IGNORECASE),
)
_CLAUSE_START = r"(?:^|[,;:(]\s*|\b(?:so that|such that|that|and|where|while|make|makes|keep|keeps|want|wants|with)\s+)"
_AS_POSSIBLE = re.compile(
    _CLAUSE_START + r"(?:the\s+)?(?P<np>[\w\-'/ ]{3,160}?)\s+(?:is|are|be|stays?|remains?|gets?)?\s*as\s+"
    r"(?P<adj>small|low|short|few|little|cheap|large|high|great|long|much|many|good|strong)\s+as\s+possible",
    re.IGNORECASE | re.MULTILINE,
)
_AS_FEW = re.compile(r"\bas\s+(?P<adj>few|little|many|much)\s+(?P<np>[\w\-' ]{2,60}?)\s+as\s+possible", re.IGNORECASE)
_PASSIVE = re.compile(
    _CLAUSE_START + r"(?:the\s+)?(?P<np>[\w\-'/ ]{3,120}?)\s+(?:is|are|gets?|be)\s+"
    r"(?P<verb>minimi[sz]ed|maximi[sz]ed)\b",
    re.IGNORECASE | re.MULTILINE,
)
_UNIT_IN = re.compile(
    r"\bin\s+(?P<unit>(?:[A-Za-zµ%][\w/µ%^\-]*)"
    r"(?:\s+per\s+(?P<per>joules?|J|seconds?|Hz|hertz|watts?|W|[kMG]?bits?|hours?|days?|months?|years?)\b)?"
    r"(?:\s*\((?P<abbr>[^)]{1,12})\))?)",
    re.IGNORECASE,
)
_PER_SYMBOL = {"hour": "h", "hours": "h", "day": "d", "days": "d", "months": "month", "years": "year"}
"""Time units asked for after "per" as their symbols: "in EUR per hour" is EUR/h (dev30-sl-02's answer read as EUR)."""
_DIMENSIONLESS = re.compile(
    r"\bas an? (?:fraction|ratio|linear ratio|percentage|share|number)\b|\bdimensionless\b", re.IGNORECASE
)
_AS_PERCENT = re.compile(r"\bas an? (?:percentage|percent)\b", re.IGNORECASE)
"""A pure number asked in percent ("Give it as a percentage"): dev30-nf-03's 64.29 % was reported as 0.643."""
_HOW_SENSE: dict[str, Sense | None] = {
    "much": None, "many": None, "long": "max", "large": "max", "high": "max", "small": "min", "low": "min", "few": "min",
}  # fmt: skip
_AT_MOST_LEAST = re.compile(r"\bat (?P<which>most|least)\b|\b(?P<up>maximum|minimum)\b", re.IGNORECASE)


@dataclass(frozen=True)
class AskedQuantity:
    """What the text asks to report or optimise, as code reads it."""

    phrase: str
    """The noun phrase, as written ('total handover cost', 'maximum sum rate')."""
    sense: Sense | None
    kinds: frozenset[str]
    aggregate: Aggregate | None
    unit: str | None
    """The unit the answer is asked in ('Mbit/s', 'ms', 'mW'); '' for a dimensionless answer; None when unstated."""
    sentence: str

    def describe(self) -> str:
        sense = {"min": "the minimum ", "max": "the maximum ", None: "the "}[self.sense]
        unit = f" (in {self.unit})" if self.unit else ""
        return f"{sense}{self.phrase}{unit}"


def measures(variants: Mapping[str, Measure]) -> Mapping[str, Measure]:
    """A template's objective variants, read-only: the binding's `objective` choice → what it measures."""
    return MappingProxyType(dict(variants))


@dataclass(frozen=True)
class Measure:
    """What a formulation's objective measures, in the words a person uses: 'the largest cell load' (min, '')."""

    sense: Sense
    measures: str
    unit: str | None = None
    """The unit of the objective's value ('Mbit/s', 'ms', 'W'); '' for a pure number; None when not known."""

    @property
    def kinds(self) -> frozenset[str]:
        return quantity_kinds(self.measures)

    @property
    def aggregate(self) -> Aggregate | None:
        return aggregate_of(self.measures)

    def describe(self) -> str:
        verb = "minimizes" if self.sense == "min" else "maximizes"
        unit = f" (in {self.unit})" if self.unit else ""
        return f"{verb} {self.measures}{unit}"


def quantity_kinds(phrase: str) -> frozenset[str]:
    """The kinds of quantity a phrase names ('total handover cost' → {cost}); empty when none is recognised."""
    return frozenset(kind for kind, pattern in _KINDS if pattern.search(phrase))


def aggregate_of(phrase: str) -> Aggregate | None:
    """How the phrase combines many values into one: a total, the largest, the smallest, an average."""
    for aggregate, pattern in _AGGREGATES:
        if pattern.search(phrase):
            return aggregate
    return None


def asked_quantity(text: str) -> AskedQuantity | None:
    """The quantity the text asks for; None when code finds no request to report or optimise anything."""
    asked = _last_asked_phrase(text)
    optimised = [(m.start(), _sense_of_verb(m.group("verb")), _noun_phrase(m.group("np"))) for m in _OPTIMISE.finditer(text)]
    possible = [(m.start(), _adjective_sense(m.group("adj")), _last_clause(m.group("np"))) for m in _AS_POSSIBLE.finditer(text)]
    at_best = [(m.start(), _word_sense(m.group("word")), _noun_phrase(m.group("np"))) for m in _AT_BEST.finditer(text)]
    possible += [(m.start(), _adjective_sense(m.group("adj")), _noun_phrase(m.group("np"))) for m in _AS_FEW.finditer(text)]
    possible += [(m.start(), _sense_of_verb(m.group("verb")), _last_clause(m.group("np"))) for m in _PASSIVE.finditer(text)]
    reduced: list[tuple[int, Sense | None, str]] = [
        (m.start(), "min", _noun_phrase(m.group("np"))) for m in _REDUCE.finditer(text)
    ]
    goals = sorted(optimised + possible + [g for g in at_best + reduced if g[2]])
    if asked is None and not goals:
        return None
    if asked is None:
        start, sense, phrase = goals[-1]
        sentence = _sentence_around(text, start)
        return _quantity(phrase, sense, _asked_unit(text, sentence, phrase), sentence)
    start, phrase, lead_sense, sentence = asked
    later = [goal for goal in optimised if goal[0] > start + len(sentence) and goal[1] is not None and goal[2]]
    if later and quantity_kinds(phrase) == {"count"}:
        # "wants to optimize how many phones and laptops are enough to keep ... Formulate an LP that can be used to
        # maximize the store's profit": the goal a verb names after a count asked for (nl4opt-238 on the 1.5B at
        # 5fb3f49 maximized phone + laptop, verified at 75 for 2400)
        start, sense, phrase = later[-1]
        sentence = _sentence_around(text, start)
        return _quantity(phrase, sense, _asked_unit(text, sentence, phrase), sentence)
    before = [goal for goal in goals if goal[0] <= start + len(sentence)]
    goal = before[-1] if before else (goals[-1] if goals else None)
    sense, aggregate_hint = lead_sense, None
    if goal is not None and goal[1] is not None:
        if lead_sense is not None and lead_sense != goal[1]:
            # "maximize the minimum SINR ... Report the optimal value of this minimum SINR": the report's leading
            # word is the aggregate, the verb says the sense.
            aggregate_hint = lead_sense
        sense = goal[1]
    kinds = quantity_kinds(phrase)
    if goal is not None and (not kinds or _refers_back(phrase)):
        phrase = f"{phrase} ({goal[2]})" if phrase and _NOT_A_KIND.sub("", phrase).strip(" ,") else goal[2]
    found = _quantity(phrase, sense, _asked_unit(text, sentence, phrase), sentence)
    if found.aggregate is None and aggregate_hint is not None:
        return AskedQuantity(found.phrase, found.sense, found.kinds, aggregate_hint, found.unit, found.sentence)
    return found


def _quantity(phrase: str, sense: Sense | None, unit: str | None, sentence: str) -> AskedQuantity:
    return AskedQuantity(
        phrase=phrase.strip(), sense=sense, kinds=quantity_kinds(phrase), aggregate=aggregate_of(phrase), unit=unit,
        sentence=sentence.strip(),
    )  # fmt: skip


def _last_asked_phrase(text: str) -> tuple[int, str, Sense | None, str] | None:
    """The last 'Report the ...' / 'What is the ...' / 'Find the minimum ...' / 'How many ...' of the text."""
    found: list[tuple[int, str, Sense | None, str]] = []
    for pattern in _ASKED:
        for match in pattern.finditer(text):
            raw = match.group("np")
            lead: Sense | None = None
            if "how" in match.groupdict() and match.group("how"):
                if _OPTIMISE.search(raw) or _AS_POSSIBLE.search(raw):
                    continue  # "how many of each ... to maximize profit": the decision, not the quantity asked
                how = match.group("how").lower()
                lead = _HOW_SENSE[how]
                if how in ("many", "much"):
                    raw = ("number of " if how == "many" else "amount of ") + raw
                bound = _AT_MOST_LEAST.search(raw)
                if lead is None and bound:
                    lead = "max" if (bound.group("which") or bound.group("up") or "").lower() in ("most", "maximum") else "min"
            phrase, sense = _strip_sense(_noun_phrase(raw))
            if not phrase:
                continue
            found.append((match.start(), phrase, sense or lead, _sentence_around(text, match.start())))
    return max(found, key=lambda item: item[0]) if found else None


def _strip_sense(phrase: str) -> tuple[str, Sense | None]:
    """'minimum total handover cost' → ('total handover cost', 'min'); 'optimal value of the sum' → ('sum', None)."""
    phrase = _VALUE_OF.sub("", phrase).strip()
    match = _SENSE_WORD.match(phrase)
    if not match:
        return phrase, None
    rest = phrase[match.end() :].strip()
    rest = re.sub(r"^(?:possible|achievable|attainable|feasible|value of|of)\s+", "", rest, flags=re.IGNORECASE).strip()
    rest = _VALUE_OF.sub("", rest).strip()
    if not rest:  # "report the minimum": the word is the whole phrase
        return phrase, None
    return rest, _word_sense(match.group("word"))


def _noun_phrase(raw: str) -> str:
    end = _NP_END.search(raw)
    phrase = raw[: end.start()] if end else raw
    return re.sub(r"\s+", " ", phrase).strip(" ,")


def _last_clause(raw: str) -> str:
    """The subject of '... so that the sum of the completion times is as small as possible': the words after the
    last clause boundary before the verb."""
    tail = re.split(r"\b(?:so that|such that|in order that|wants?|make|makes|keep|keeps)\b|[,;:(]", raw, flags=re.IGNORECASE)[-1]
    tail = re.sub(r"\s+to$", "", tail.strip())
    return _noun_phrase(re.sub(r"^\s*(?:the|its|their|our)\s+", "", tail, flags=re.IGNORECASE))


def _refers_back(phrase: str) -> bool:
    return bool(re.search(r"\b(?:this|that|it|its|the above|such)\b", phrase, re.IGNORECASE)) or bool(
        _NOT_A_KIND.fullmatch(phrase.strip())
    )


def _word_sense(word: str) -> Sense:
    return "min" if re.fullmatch(_MIN_WORDS, word, re.IGNORECASE) else "max"


def _sense_of_verb(verb: str) -> Sense:
    return "min" if verb.lower().startswith("minim") else "max"


def _adjective_sense(adjective: str) -> Sense:
    return "min" if adjective.lower() in ("small", "low", "short", "few", "little", "cheap") else "max"


def _sentence_around(text: str, index: int) -> str:
    starts = [m.end() for m in re.finditer(r"[.?!]\s+|\n", text[:index])]
    start = starts[-1] if starts else 0
    end = re.search(r"[.?!](?:\s|$)|\n", text[index:])
    return text[start : index + (end.end() if end else len(text) - index)].strip()


_UNIT_SENTENCE = re.compile(r"^\s*(?:answer|give|report|express|state|write|round)\b[^.?!]*", re.IGNORECASE)


def _asked_unit(text: str, sentence: str, phrase: str) -> str | None:
    """The unit in the asked sentence, or in a short instruction right after it ('... ? Give it in dB.')."""
    unit = _unit_of(sentence, phrase)
    if unit is not None:
        return unit
    after = text[text.find(sentence) + len(sentence) :] if sentence and sentence in text else ""
    follow = _UNIT_SENTENCE.match(after)
    return _unit_of(follow.group(0), phrase) if follow else None


def _unit_of(sentence: str, phrase: str) -> str | None:
    """The unit the answer is asked in: 'in Mbit/s', 'in milliwatts (mW)', 'as a fraction' (dimensionless → '')."""
    for match in _UNIT_IN.finditer(sentence):
        if re.search(r"\bnot\s*$", sentence[: match.start()], re.IGNORECASE):
            continue  # "as a linear ratio (not in dB)"
        abbreviation = match.group("abbr")
        unit = (abbreviation or match.group("unit").split("(")[0].split(" per ")[0]).strip().rstrip(".,;")
        per = match.group("per")
        if per and not abbreviation:  # "in bits per Joule" -> bits/joule, "in EUR per hour" -> EUR/h
            per = _PER_SYMBOL.get(per.lower(), per.lower() if len(per) > 2 else per)
            unit = f"{unit}/{per}"
        if unit.lower() in ("the", "a", "an", "each", "total", "order", "terms", "linear", "which", "this", "that"):
            continue
        return unit
    if _AS_PERCENT.search(sentence):
        return "percent"
    if _DIMENSIONLESS.search(sentence):
        return ""
    return None


# --------------------------------------------------------------------------------------------------------------
# Requirement clauses

_HARD_CUES = re.compile(
    r"\b(?:must(?: not)?|at most|at least|exactly|cannot|can ?not|can't|may not|must not|shall|no more than|no less than|"
    r"no fewer than|no greater than|not (?:exceed|be (?:more|less|greater|lower|higher) than|more than|less than|below|above)|"
    r"exceed\w*|up to|only if|if and only if|limited to|is limited|are limited|capped|mandatory|forbidden|not allowed|"
    r"prohibited|needs? at least|must be|has to|have to|needs? to|between\s+[-+]?\d[\d.,]*\s*\S*\s+and\s+[-+]?\d|"
    r"no\s+\w+(?:\s+[\w-]+){0,2}?\s+(?:can|may|could|will|shall|should|gets?|receives?)(?:\s+[\w-]+){0,3}?\s+"
    r"(?:more|less|fewer|greater|higher|lower|longer)\s+than)\b|"
    r"[≤≥]|<=|>=",
    re.IGNORECASE,
)
"""Words that make a sentence a hard requirement: a limit, a minimum, an obligation, a prohibition ("no user can be
given more than 8 MHz" as well as "no more than")."""
_NOUN_CUES = re.compile(
    r"\b(?:required|requires?|requirements?|budgets?|capacit(?:y|ies)|guarantee\w*|is allowed|are allowed)\b", re.IGNORECASE
)
"""Nouns of requirements ('CPU capacity (cores): S1 4, ...'): usually a limit, sometimes only data (a capacity that
no longer applies), so code alone does not reject on them."""
_WEAK_CUES = re.compile(r"\b(?:each|every|all|any|should|needs?|only|either|both|whole|integer|whole number)\b", re.IGNORECASE)
_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|vs|approx|etc|cf|resp|no|fig|eq)\.", re.IGNORECASE)
_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
    "twice": 2, "double": 2, "half": 0.5, "triple": 3, "thrice": 3,
}  # fmt: skip
_NUMBER_WORD = re.compile(
    r"\b(?:(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ](one|two|three|four|five|six|seven|eight|nine)|("
    + "|".join(_NUMBER_WORDS)
    + r"))\b",
    re.IGNORECASE,
)
"""A number in words: 'two', 'twice', 'twenty', 'twenty-five' (nl4opt-163 on the 1.5B at 5fb3f49 was sent back three
rounds for the 20 of "refilling food twenty times an hour", as a number the text does not state)."""


@dataclass(frozen=True)
class Clause:
    """One sentence, bullet or note of the text that states a requirement."""

    index: int
    text: str
    numbers: tuple[float, ...]
    """Numbers written with digits (a percentage also as its fraction: 80% → 80 and 0.8)."""
    word_numbers: tuple[float, ...]
    """Numbers written as words ('at most two', 'twice as many'): code cannot always tell them from counts."""
    strong: bool
    """States a requirement (must, at most, at least, exactly, cannot, no more than, a capacity, a budget, ...)."""
    hard: bool
    """States it with a limit or obligation word (must, at most, at least, exactly, cannot, ...), not a noun alone."""
    asks: bool
    """Is (or contains) the question itself: what to optimise or report."""


def requirement_clauses(text: str) -> list[Clause]:
    """The sentences, bullets and table notes of the text that may state a requirement, in order: those with a word
    of requirement, and those with a number ("Cell C1 has 10 RBs" is a limit without such a word)."""
    clauses: list[Clause] = []
    for piece in sentences(text):
        hard = bool(_HARD_CUES.search(piece))
        strong = hard or bool(_NOUN_CUES.search(piece))
        if not strong and not _WEAK_CUES.search(piece) and not clause_numbers(piece):
            continue  # no requirement word and no number: nothing a model could leave out
        asks = bool(_OPTIMISE.search(piece) or any(p.search(piece) for p in _ASKED) or _AS_POSSIBLE.search(piece))
        clauses.append(
            Clause(
                index=len(clauses),
                text=piece,
                numbers=clause_numbers(piece),
                word_numbers=word_numbers(piece),
                strong=strong,
                hard=hard,
                asks=asks,
            )
        )
    return clauses


def word_numbers(text: str) -> tuple[float, ...]:
    """Numbers written as words ('two', 'twice', 'half')."""
    return tuple(
        float(_NUMBER_WORDS[tens.lower()] + _NUMBER_WORDS[ones.lower()] if tens else _NUMBER_WORDS[one.lower()])
        for tens, ones, one in _NUMBER_WORD.findall(text)
    )


_UNIT_AFTER = (
    r"(?:(?:more|extra|additional|further)\s+)?(?:[A-Z]{2,5}\s+)?(?P<unit>dBm/Hz|dBW/Hz|m?W/Hz|bit/s/Hz|bps/Hz|[kMG]?W|mW|dBm|dBW|dB|[kMG]?bit/s|[kMG]?bps|"
    r"[kMG]?Hz|ms|s|[kM]?J|mJ|km|m|cores?|[KMGT]B|[KMGT]iB|P?RBs?|resource blocks?)(?![\w])"
)
"""A unit right after a number, perhaps behind an acronym of what it counts ("24 CPU cores", "4 GB") or a word of
more ("4 more PRBs")."""
_MEASURED = re.compile(r"(?<![\w.])([-−]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*" + _UNIT_AFTER)
_BAND = re.compile(
    r"(?<![\w.])\d+(?:\.\d+)?\s*GHz(?:\s+|-)(?:band|access points?|APs?|radios?|routers?|Wi-?Fi|WLANs?|networks?|"
    r"links?|devices?|equipment)\b",
    re.IGNORECASE,
)
"""A band's name ("2.4 GHz access points", "the 5 GHz band", "60 GHz links"): which radios, not a quantity."""


def measured_numbers(piece: str) -> tuple[float, ...]:
    """The numbers of a piece of text written with a unit right after them ("20 mW", "5 Mbit/s", "4 cores"), or given
    to a symbol ("kappa = 10^-27"): quantities, never counts or labels (percentages are left out: a model may use 80 %
    as 0.8; a band's name "2.4 GHz access points" is a label)."""
    return tuple(dict.fromkeys([*(value for value, _ in measured_quantities(piece)), *assigned_numbers(piece)]))


def assigned_numbers(piece: str) -> tuple[float, ...]:
    """The numbers a piece of text gives to a symbol ("with kappa = 10^-27" → 1e-27): a model's parameter, stated."""
    return tuple(dict.fromkeys(float(m.group(1).replace("−", "-")) for m in _ASSIGNED.finditer(plain_numbers(piece))))


_ASSIGNED = re.compile(r"(?<![\w.])(?<!\d )[A-Za-z_κεηαβγλμσ][\w]*\s*=\s*([-−]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)(?!\w|\.\d)")
"""A number given to a symbol: "kappa = 1e-27", "alpha = 3.5" (not "x = 2y": the number must stand alone; not a unit's
definition, "1 kB = 1000 bytes")."""


def measured_quantities(piece: str) -> tuple[tuple[float, str], ...]:
    """`measured_numbers` with the unit each is written in ("8 MHz" → (8, "MHz"); "24 CPU cores" → (24, "cores");
    "-104 dBm" → (-104, "dBm"), its sign too)."""
    text = _BAND.sub(lambda m: " " * len(m.group(0)), plain_numbers(piece))
    found = ((float(m.group(1).replace("−", "-")), m.group("unit")) for m in _MEASURED.finditer(text))
    return tuple(dict.fromkeys(found))


def counted_in(piece: str) -> frozenset[str]:
    """What the numbers of a piece of text count, by the word right after each ("1000 bricks", "20 bricks" → brick;
    "$4" → $): "at least 1000 bricks" needs the bricks each thing carries, stated in another sentence."""
    return frozenset(word for _, word in counted_numbers(piece))


def counted_in_plural(piece: str) -> frozenset[str]:
    """The words a number of the text counts written in the plural, singular ("50 toys", "16 operators" → toy,
    operator): nouns, where a word after a number may also be an adjective ("20 large boxes")."""
    words = {m.group("word").lower() for m in _COUNTED.finditer(plain_numbers(piece)) if m.group("word")}
    return frozenset(_singular(w) for w in words - _NOT_COUNTED if _singular(w) != w)


def counted_numbers(piece: str) -> tuple[tuple[float, str], ...]:
    """Each number of a piece of text with what it counts ("20 bricks" → (20, "brick"), "$4" → (4, "$")); numbers
    followed by no noun ("at most 12", "60%", "20 of them") are left out."""
    return tuple(dict.fromkeys((value, word) for value, word, _ in number_measures(piece)))


def number_measures(piece: str) -> tuple[tuple[float, str, str], ...]:
    """Each number of a piece of text with the word it counts and, where an "of" or "on" follows, what that measures
    (one or two words): "3 units of wood" → (3, "unit", "wood"), "4 hours on the meat slicer" → (4, "hour", "meat
    slicer"), "20 bricks" → (20, "brick", ""), "$4" → (4, "$", ""); numbers followed by no noun ("at most 12", "60%",
    "20 of them") are left out. In the text's order, as often as each is stated."""
    found: list[tuple[float, str, str]] = []
    for match in _COUNTED.finditer(plain_numbers(piece)):
        word = (match.group("word") or "").lower()
        named = (match.group("what") or "").split()
        label = len(named) == 2 and re.fullmatch(r"[A-Z]|\w*\d\w*", named[1]) is not None  # "vitamin A", "line 2"
        named = named[:1] if len(named) == 2 and not label and named[1].lower() in _NOT_COUNTED | _NOT_NAMING else named
        what = "" if not named or named[0].lower() in _NOT_COUNTED else " ".join(_singular(w.lower()) for w in named)
        if match.group("dollar"):
            found.append((float(match.group("value")), "$", ""))
        elif word and word not in _NOT_COUNTED:
            found.append((float(match.group("value")), _singular(word), what))
    return tuple(found)


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def plural(counted: str) -> str:
    """What `counted_numbers` names, as a plural: "brick" → "bricks"; "$" and "people" stay."""
    return counted if counted in ("$", "people") else f"{counted}s"


_COUNTED = re.compile(
    r"(?P<dollar>\$\s?)?(?<![\w.])(?P<value>\d+(?:\.\d+)?)(?!\w|\.\d)"
    r"(?:\s*(?P<word>[A-Za-z]+)(?:\s+(?:of|on)\s+(?:(?:the|a|an)\s+)?(?P<what>[A-Za-z]\w*(?:\s+[A-Za-z]\w*)?))?)?"
)
_NOT_NAMING = frozenset(
    "available needed required used left remaining produced made daily total can must need needs should will may has have"
    " is are".split()
)
"""Words after a measured thing that do not name it ("80 units of paint available", "2000 units of ore need to": nl4opt-186)."""
_NOT_COUNTED = frozenset(
    "of per times more less and or to in on a an the each every for at is are was were than by with from as percent "
    "while but if so that which this these those it its their his her".split()
)


def clause_numbers(piece: str) -> tuple[float, ...]:
    """The quantities of a piece of text written in digits (a percentage also as its fraction), without labels.

    Labels are numbers that name a thing rather than measure it: 'link 1', 'Small-1', 'user 2:', 'i = 1, 2, 3', the
    band of '2.4 GHz access points'; nor are the numbers of a unit's definition ('1 MB = 8 Mbit') quantities."""
    text = plain_numbers(piece)
    for names in (_INDEX_LIST, _BAND, _UNIT_DEFINITION):
        text = names.sub(lambda m: " " * len(m.group(0)), text)
    numbers: list[float] = []
    for match in NUMBER.finditer(text):
        if match.group() in ("+", "-") or _is_label(text, match.start(), match.end()):
            continue
        numbers.append(float(match.group()))
    numbers += [float(m.group(1)) / 100 for m in PERCENT.finditer(text)]
    return tuple(dict.fromkeys(numbers))


_LABEL_NOUNS = (
    r"link|user|ue|cell|node|satellite|sat|plane|slot|application|app|server|tx|rx|bs|ap|gnb|enb|channel|subcarrier|"
    r"carrier|slice|task|job|machine|item|route|path|sector|beam|antenna|site|shift|product|type|case|step|option|stage|"
    r"phase|level|class|group|zone|area|region|band|port|device|terminal|station|base station|router|switch|"
    r"microservice|service|function|vnf|flow|commodity|demand|request|source|sink|relay|hop|tier|layer|"
    r"transmitter|receiver|pair|cluster|block|rb|prb|frame|round|iteration|warehouse|factory|plant|store|shop|customer|"
    r"city|depot|facility|location|candidate|truck|vehicle|worker|employee|project|period|week|day|month|year|quarter|"
    r"district|building|floor|room|village|town|street|hospital|school|sensor|camera|phone|handset|drone|uav|gateway|"
    r"tower|container|robot"
)
_LABEL_BEFORE = re.compile(
    rf"(?:\b(?:{_LABEL_NOUNS})s?\s*#?\s*(?:\d+(?:\s*(?:,|and|or|to|through|–)\s*\d+)*\s*(?:,\s*and|,|and|or|to|through|–)\s*)?"
    r"|[A-Za-z][\w]*[-_])$",
    re.IGNORECASE,
)
"""Before a label: a noun of things ("link 1"), perhaps with the list it continues ("districts 3 and 5", "users 1 to
5"), or a name joined to it ("Small-1")."""
_INDEX_LIST = re.compile(r"\b[a-z]\s*=\s*\d+(?:\s*,\s*(?:\d+|\.\.\.|…))+", re.IGNORECASE)
_UNIT_DEFINITION = re.compile(r"(?<![\w.])1\s*[A-Za-zµ]{1,6}\s*=\s*\d[\d.,]*\s*[A-Za-zµ/]{1,8}")
"""What a unit is worth ("1 MB = 8 Mbit", "1 kB = 1000 bytes"): a definition, not a requirement's number."""


def _is_label(text: str, start: int, end: int) -> bool:
    """'link 1', 'Small-1', 'S 3': a number right after a noun of things (and not followed by a unit-like word)."""
    if re.search(r"\.\d", text[start:end]):
        return False  # "0.30 at AP1 or 0.50 at AP2": a label is a whole number
    before = text[max(0, start - 30) : start]
    found = _LABEL_BEFORE.search(before)
    if not found:
        return False
    if re.search(r"\b(?:a|an|each|every|per)\s+$", before[: found.start()], re.IGNORECASE):
        return False  # "a truck 50 bales", "each week 1200 minutes": the noun names no one thing, the number is an amount
    after = text[end : end + 16]
    # "link 1 needs", "user 2: 6 dB" are labels; "budget 25 ms" or "at most 4" are not (no label noun before them),
    # nor is "the edge site 24 CPU cores": a unit after the number makes it a quantity.
    return not re.match(r"\s*(?:%|percent\b|" + _UNIT_AFTER + ")", after)


def sentences(text: str) -> list[str]:
    """The sentences of the prose, bullets and notes, in order; table rows (lines starting with '|') are data."""
    pieces: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            pieces.extend(_sentences(" ".join(paragraph)))
            paragraph.clear()

    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("|"):
            flush()
            continue
        if re.match(r"^(?:[-*•]|\d+[.)])\s+", stripped):
            flush()
            pieces.extend(_sentences(re.sub(r"^(?:[-*•]|\d+[.)])\s+", "", stripped)))
            continue
        paragraph.append(stripped)
    flush()
    return [p for p in pieces if len(p) > 3]


def _sentences(paragraph: str) -> list[str]:
    protected = _ABBREVIATIONS.sub(lambda m: m.group(0).replace(".", "\0"), paragraph)
    parts = re.split(r"(?<=[.?!])\s+(?=[A-Z(\"'])", protected)
    return [part.replace("\0", ".").strip() for part in parts if part.strip()]
