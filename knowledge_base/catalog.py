"""Every template lamopt knows: the shipped ones in knowledge_base/templates/ and a user's folder of their own.

A user adds a template by dropping a Python file that defines `TEMPLATE` into the folder named by the
setting `user_templates_dir` (env LAMOPT_USER_TEMPLATES_DIR); no code change is needed. Those files are the
user's own code, loaded like a plugin; model-generated code never comes this way.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from pathlib import Path
from typing import Any

import knowledge_base.templates as shipped
from knowledge_base.template import Template

AnyTemplate = Template[Any]


class TemplateError(RuntimeError):
    """A template file cannot be loaded; the message names the file."""


def load_templates(user_dir: Path | None = None) -> dict[str, AnyTemplate]:
    templates: dict[str, AnyTemplate] = {}
    for module_info in pkgutil.iter_modules(shipped.__path__):
        if module_info.name.startswith("_"):
            continue  # shared helpers of several templates
        module = importlib.import_module(f"{shipped.__name__}.{module_info.name}")
        _add(templates, getattr(module, "TEMPLATE", None), module_info.name)
    if user_dir is not None and user_dir.is_dir():
        for path in sorted(user_dir.glob("*.py")):
            _add(templates, _load_file(path), str(path))
    return templates


def _load_file(path: Path) -> AnyTemplate:
    spec = importlib.util.spec_from_file_location(f"lamopt_user_templates.{path.stem}", path)
    if spec is None or spec.loader is None:
        raise TemplateError(f"cannot load template file {path}")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise TemplateError(f"template file {path} failed to load: {exc}") from exc
    template = getattr(module, "TEMPLATE", None)
    if template is None:
        raise TemplateError(f"template file {path} defines no TEMPLATE")
    return template  # type: ignore[no-any-return]


def _add(templates: dict[str, AnyTemplate], template: object, origin: str) -> None:
    if not isinstance(template, Template):
        raise TemplateError(f"{origin}: TEMPLATE is not a knowledge_base.template.Template")
    if template.id in templates:
        raise TemplateError(f"{origin}: a template with id {template.id!r} exists already")
    templates[template.id] = template
