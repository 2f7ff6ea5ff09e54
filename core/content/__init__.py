"""The municipality's content: schema, loading and validation."""

from core.content.loader import ContentError, load_content
from core.content.model import Content

__all__ = ["Content", "ContentError", "load_content"]
