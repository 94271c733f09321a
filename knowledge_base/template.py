"""What a formulation template is: the mathematics, a parameter schema, and the code that builds the model.

A template keeps the small embedded model's job small. Code has already read the tables and lists of the
problem text (`tools.textdata`); the template turns those into a JSON schema whose choices are the names
and ids found there (`binding_schema`), the model fills it, and `assemble` turns the filled binding plus
the parsed text into validated parameters. The Pyomo model is built by `build_model`, never by the LLM.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Generic, Literal, TypeVar

import pyomo.environ as pyo
from pydantic import BaseModel

from tools.question import Measure
from tools.textdata import TextData

ProblemClass = Literal["LP", "MILP", "NLP", "MINLP", "multi-objective", "beamforming"]
P = TypeVar("P", bound=BaseModel)


@dataclass(frozen=True)
class SpecItem:
    """One extracted parameter value and where in the problem it came from."""

    name: str
    value: float
    source: str
    default: float | None = None
    """The template's documented default; a value equal to it need not appear in the text."""
    table: str | None = None
    row: str | None = None
    """The text's table and row of the cell the value was read from (None: stated otherwise)."""
    unit: str | None = None
    """The unit the text states the value in, where a reader of quantities took it with one (None: not known)."""


def cell_item(name: str, value: float, table: str, row: str, column: str) -> SpecItem:
    """A value read from one cell of the text's table."""
    return SpecItem(name, value, f"table {table}, row {row}, column {column}", table=table, row=row)


PICK_A_SOURCE = "answer with the table column or list that holds these values"
"""What an assembly error says when numbers the model typed per name stand elsewhere in the text: the Modeler then
asks for that field again with only the columns and lists to choose from."""

NOT_IN_THE_TEXT = "does not appear in the problem text"
"""What the Verifier says of a value the binding typed that the text nowhere states: the field is then asked for with
only the text's columns and lists to choose from, where it offers them."""

SAME_FOR_ALL = "one value for all"
"""A source of a field of values per element (`series_or_common_schema`): the text states one number that holds for
every element. The Modeler writes it itself where a left-out clause states one such number for every element."""
EACH_OWN = "a value for each, stated one by one"
"""A source of such a field whose numbers the model copies per name from the text's prose ("vehicle 3 supports at
most 8 MHz and vehicle 4 at most 3 MHz; the others up to 10 MHz each")."""


class AssemblyError(ValueError):
    """The binding cannot be turned into parameters; the message says why, in words the Modeler can use."""


def binding_object(title: str, properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    """A binding schema: an object with these properties, every one required unless `required` says otherwise."""
    return {
        "title": title,
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }


def variant(binding: dict[str, Any], field: str, options: tuple[str, ...], default: str) -> str:
    """The variant the binding chose for `field` (its objective, say), or `default`; AssemblyError naming the options
    when it is none of them (a template reads what the chosen variant needs before the parameters are validated)."""
    chosen = str(binding.get(field) or default)
    if chosen not in options:
        raise AssemblyError(f"{field} {chosen!r} is not one of: {', '.join(options)}")
    return chosen


class Template(ABC, Generic[P]):
    id: ClassVar[str]
    family: ClassVar[str]
    problem_class: ClassVar[ProblemClass]
    title: ClassVar[str]
    description: ClassVar[str]
    """What problems it fits, in the words a user would write: this is what retrieval matches."""
    math: ClassVar[str]
    """Sets, parameters, variables, objective and constraints in LaTeX."""
    examples: ClassVar[tuple[str, ...]]
    tags: ClassVar[tuple[str, ...]] = ()
    method: ClassVar[str] = "one solver call"
    tool: ClassVar[str] = "pyomo_portfolio"
    """The tools/registry.py entry that solves this template's formulations."""
    structural_constraints: ClassVar[frozenset[str]] = frozenset()
    """Constraint components that define the model (not the problem's data): infeasibility diagnosis keeps them."""
    params_model: type[P]
    speaks_of: ClassVar[re.Pattern[str] | None] = None
    """Words a text asking for this template uses (satellites for a LEO constellation, trade-offs for a Pareto
    front); a text without any is not offered the template, whatever retrieval scored (None: no such words)."""
    objectives: ClassVar[Mapping[str, Measure]] = {}
    """What each objective variant measures, by the name the binding's `objective` field takes ('' when the template
    has a single objective). The Verifier holds it against the quantity the question asks for; empty: not described."""

    def objective(self, params: P) -> Measure | None:
        """What these parameters' objective measures: the variant `params.objective` names, or the only one."""
        if len(self.objectives) == 1:
            return next(iter(self.objectives.values()))
        return self.objectives.get(str(getattr(params, "objective", "")))

    def problem_class_for(self, params: P) -> ProblemClass:
        """The class of the model these parameters give: a variant may be simpler than the template's worst case
        (a minimum-power LP in a family whose sum-rate variant is a nonconvex NLP)."""
        return self.problem_class

    def tool_for(self, params: P) -> str:
        """The tools/registry.py entry that solves the model these parameters give: a variant may need a method the
        portfolio cannot run in one call (bisection on a max-min target) while its siblings are plain models."""
        return self.tool

    def tool_input(self, params: P) -> Any:
        """What a registered tool other than the portfolio takes: by default the parameters as plain data, which the
        registry validates into the tool's own input model (so a template need not import a torch-heavy tool); a
        method tool (bisection, Dinkelbach) takes the problem object the template builds."""
        return params.model_dump()

    def document(self) -> str:
        """The text the knowledge base embeds for this template."""
        return "\n".join([self.title, self.description, *self.examples])

    @abstractmethod
    def binding_schema(self, data: TextData) -> dict[str, Any]:
        """JSON schema of what the LLM fills for this text: choices are ids and names that code found."""

    def assemble(self, binding: dict[str, Any], data: TextData) -> tuple[P, list[SpecItem]]:
        """Turn the filled binding into validated parameters; raise AssemblyError with a usable message when it can't.

        `read` gathers the values (recording each number it takes in `spec`); they are validated here, once, and
        whatever is wrong with them (pydantic's ValidationError, any other ValueError) comes back as an
        AssemblyError in words, which the Modeler hands to the LLM instead of the run crashing."""
        spec: list[SpecItem] = []
        try:
            return self.params_model(**self.read(binding, data, spec)), spec
        except AssemblyError:
            raise
        except ValueError as exc:
            raise AssemblyError(str(exc)) from exc

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        """The parameters' values (not yet validated) from the binding and the parsed text; AssemblyError when the
        binding points at nothing usable. Every template reads here (a user's template may override `assemble`)."""
        raise NotImplementedError(f"template {self.id} reads no binding: define read() (or assemble())")

    @abstractmethod
    def build_model(self, params: P) -> pyo.ConcreteModel:
        """The Pyomo model. Constraint components carry a `doc` that reads as a sentence, with {i} for the index."""

    @abstractmethod
    def solution_table(self, params: P, solution: dict[str, float]) -> list[dict[str, Any]]:
        """Rows a person reads to see the answer (e.g. which microservice sits on which satellite)."""

    def comparisons(self, params: P, solution: dict[str, float]) -> list[dict[str, Any]]:
        """Rows that put the answer beside baselines (e.g. random and heuristic placements); none by default."""
        return []

    def figures(self, params: P, solution: dict[str, float], out_dir: Path) -> list[str]:
        """PNG files that show the answer (written under out_dir); none by default."""
        return []

    def formulation_summary(self, params: P) -> dict[str, Any]:
        """Sets and sizes of this instance, for the report and the Verifier's sanity checks."""
        return {}


class ToolTemplate(Template[P]):
    """A template whose formulations a registered tool solves (tools/registry.py), not the solver portfolio.

    The tool takes `tool_input(params)` (Template's). Without an algebraic model, `build_model` says so."""

    tool: ClassVar[str]
    no_model: ClassVar[str] = "has no algebraic model"
    """Why the solver portfolio cannot take it, for `build_model`'s error."""

    def build_model(self, params: P) -> pyo.ConcreteModel:
        raise NotImplementedError(f"{self.id} {self.no_model}; the {self.tool} tool solves it")
