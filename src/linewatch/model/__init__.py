"""The domain model: entities and records defined once, as data, in schemata/*.yaml."""

from linewatch.model.schema import Model, Property, Schema, default_model, load_model
from linewatch.model.types import IDENTIFIER_TYPES, PropertyType, SchemaKind, Sensitivity

__all__ = [
    "IDENTIFIER_TYPES",
    "Model",
    "Property",
    "PropertyType",
    "Schema",
    "SchemaKind",
    "Sensitivity",
    "default_model",
    "load_model",
]
