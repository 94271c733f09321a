"""What the text speaks of, read by code: whether a binding schema offers an optional group's field at all.

A field the text gives nothing for is a place where a small model invents a number. So a template offers an
optional constraint group (a noise figure, minimum rates, priority weights, a total power budget) only when the
text says something of the kind, found by these cues: a word ('noise figure', 'priority'), or a sentence that
joins a quantity with a bound ('at least 2 Mbit/s', 'at most 20 dBm'). The cues err towards offering: a group
offered in vain costs the model one "none", while a group not offered is a requirement the formulation cannot
express (the Verifier's coverage check then names the clause).
"""

from __future__ import annotations

import re

from tools.textdata import TextData


def says(data: TextData, *patterns: re.Pattern[str]) -> bool:
    """Does the text (prose and tables) match every pattern somewhere?"""
    return all(data.says(p) for p in patterns)


def sentences(data: TextData) -> list[str]:
    """The text's sentences and lines (a table row is a line of its own)."""
    return [s for s in re.split(r"(?<=[.!?;])\s+|\n", data.text) if s.strip()]


def sentence_says(data: TextData, *patterns: re.Pattern[str], without: re.Pattern[str] | None = None) -> bool:
    """Is there a sentence that matches every pattern (and not `without`)?"""
    return any(all(p.search(s) for p in patterns) and (without is None or not without.search(s)) for s in sentences(data))


def _cue(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


DIGIT = re.compile(r"\d")
AT_LEAST = _cue(
    r"\bat least\b|\bminimum\b|\bmin\.?\s|\bno (?:less|fewer) than\b|\bnot (?:less|below|lower)\b|\bguarantee\w*|"
    r"\btargets?\b|\brequire\w*|\bneeds?\b|\bthreshold\w*|\bfloors?\b|\bdemands?\b|\bmore than\b|≥|>="
)
AT_MOST = _cue(
    r"\bat most\b|\bup to\b|\bmaximum\b|\bmax\b|\blimit\w*|\bcap\b|\bcapped\b|\bcaps\b|\bexceed\w*|\bmore than\b|"
    r"\bbetween 0 and\b|\bbudgets?\b|\bpeak\b|\bavailable\b|\bcan (?:use|transmit|send|spend|take)\b|≤|<="
)
TOTAL = _cue(
    r"\btotal\b|\bsum\b|\bcombined\b|\boverall\b|\btogether\b|\bbudgets?\b|\bshared\b|\baggregate\b|\ball .{0,20} combined\b"
)
EACH = _cue(
    r"\b(?:each|every|per|any)\s+(?:\w+\s+){0,2}?(?:users?|links?|transmitters?|cells?|stations?|UEs?|devices?|nodes?|"
    r"pairs?|APs?|access points?|radios?|sensors?|flows?)\b|\bindividual\w*|\bits own\b"
)
"""A statement about every element on its own ("each transmitter", "per user"), not about all of them together."""
PRIORITY = _cue(r"\bpriorit\w*|\bweights?\b|\bweighted\b|\bimportance\b")
RATE_WORD = _cue(r"\brates?\b|\bthroughputs?\b|\bcapacit\w*|bit/s|\bbps\b|\bbits? per second\b|/s/Hz")
RATE_NUMBER = _cue(r"\d\s*(?:[kMG]?bit/s|[kMG]?bps|[kMG]b/s|bit/s/Hz|bits?/s/Hz)")
POWER_NUMBER = _cue(r"\d\s*(?:mW|W|dBm|dBW|µW|uW|milliwatts?|watts?)\b")
SINR_WORD = _cue(r"\bsinrs?\b|\bsnrs?\b|\bsirs?\b|signal[- ]to[- ](?:interference|noise)")
HERTZ_NUMBER = _cue(r"\d\s*(?:[kMG]?Hz)\b")
NOISE_DENSITY = _cue(r"(?:dBm|dBW|mW|W)\s*/\s*Hz|spectral density|noise density|\bPSD\b|thermal noise floor")
NOISE_FIGURE = _cue(r"noise figure|\bNF\b")
NOISE = _cue(r"\bnoise\b")
POWER_LIMIT = _cue(r"^(?!.*\bnoise\b).*(?:\btransmit|\bmax|\blimit|\bbudget|\bat most\b|\bup to\b)")
"""Words of a power limit, in a label that does not speak of noise."""
RECEIVED_POWER = _cue(r"\bdBm\b|\breceived (?:signal )?powers?\b|\bRSSI\b|\bRSRP\b")
GAIN_WORD = _cue(r"\bgains?\b")
LINEAR_WORD = _cue(r"\blinear\b")
DECIBEL = _cue(r"(?<!not )(?<!not in )\bdBi?\b")
"""dB, but not "not dB" / "not in dB" (which says the other unit)."""
PATH_LOSS = _cue(r"path[- ]?loss\w*|\battenuation\b|\bpropagation loss\w*")
CIRCUIT_POWER = _cue(
    r"\bcircuit\b|\bstatic power\b|\bfixed power\b|\bhardware power\b|\bbaseband\b|\bidle power\b|\boverhead\b|"
    r"\b(?:constant|fixed|static)\s+(?:\w+\s+){0,2}?\d[\d.]*\s*[mk]?W\b|\brest of the (?:radio|transceiver|device|chain)\b"
)
"""A power drawn whatever is sent: "circuit power", "plus a constant 400 mW for the rest of the radio"."""
AMPLIFIER = _cue(r"\bamplifier\b|\bPA\b|\bdrain efficiency\b")
DATA_SIZE = _cue(r"\d\s*(?:[kMGT]?bits?|[kMGT]B|[kMGT]?bytes?)\b|\bfiles?\b|\bdata\b|\bpackets?\b|\bdownloads?\b|\buploads?\b")
DELAY_WORD = _cue(r"\bdelays?\b|\blatenc\w*|\btime\b|\bfinish\w*|\bcomplet\w*|\bdeadlines?\b|\bwithin\b")
TIME_NUMBER = _cue(r"\d\s*(?:ms|s|seconds?|milliseconds?|µs|us)\b")
