"""A validated registry kept between runs, so that an unchanged registry is not validated again.

Building pydantic validators costs most of a command's start-up. The registry text that
validated once is stored (in `tools.core.cache`) as the JSON of its validated models, keyed
by the text and by the code that validated it, and rebuilt with `model_construct`: no
validator is built. The models' `after` validators run again on the rebuilt objects, so what
they derive (an app's key) is derived in one place.
"""

from __future__ import annotations

import types
from functools import cache as memoize
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

import pydantic
from pydantic import BaseModel

from tools.core import cache
from tools.core.registry import modal_names, model
from tools.core.registry.model import Registry

_NAME = "registry"
M = TypeVar("M", bound=BaseModel)


def load(text: str) -> Registry | None:
    """The registry that `text` validated to in an earlier run, or None."""
    stored = cache.load(_NAME, _version(), text)
    if not isinstance(stored, dict):
        return None
    try:
        return restore(stored)
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError):
        return None


def store(text: str, registry: Registry) -> None:
    cache.store(_NAME, _version(), text, dump(registry))


def dump(registry: Registry) -> dict[str, Any]:
    """The fields as given (unset defaults left out, so a rebuilt model says the same)."""
    return registry.model_dump(mode="json", exclude_unset=True)


def restore(data: dict[str, Any]) -> Registry:
    return _construct(Registry, data)


@memoize
def _version() -> str:
    """Changes whenever the code that validates a registry changes."""
    return cache.code_version(model.__file__, modal_names.__file__, extra=pydantic.VERSION)


def _construct(cls: type[M], data: dict[str, Any]) -> M:
    fields = cls.model_fields
    missing = [name for name, field in fields.items() if field.is_required() and name not in data]
    if missing:
        raise KeyError(f"{cls.__name__}: {', '.join(missing)} missing")
    values = {name: _value(fields[name].annotation, value) for name, value in data.items()}
    # By alias where there is one: a field named `cls` cannot be a keyword argument here.
    given = {fields[name].alias or name: value for name, value in values.items()}
    for name, field in fields.items():
        factory = field.default_factory
        if name not in values and isinstance(factory, type) and issubclass(factory, BaseModel):
            given[field.alias or name] = _construct(factory, {})  # `Policy()` would validate
    instance = cls.model_construct(_fields_set=set(values), **given)
    for decorator in cls.__pydantic_decorators__.model_validators.values():
        if decorator.info.mode == "after":
            decorator.func(instance)
    return instance


def _value(annotation: Any, value: Any) -> Any:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _value(get_args(annotation)[0], value)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if not isinstance(value, dict):
            raise TypeError(f"{annotation.__name__}: not a mapping")
        return _construct(annotation, value)
    if origin in (dict, list) and not isinstance(value, origin):
        raise TypeError(f"{annotation}: got {type(value).__name__}")
    if origin is dict:
        item = get_args(annotation)[1]
        return {key: _value(item, v) for key, v in value.items()}
    if origin is list:
        item = get_args(annotation)[0]
        return [_value(item, v) for v in value]
    if origin in (Union, types.UnionType):
        for member in get_args(annotation):
            model_type = isinstance(member, type) and issubclass(member, BaseModel)
            if model_type and isinstance(value, dict):
                return _construct(member, value)
    return value
