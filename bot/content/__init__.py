"""The municipality's content: schema, loading and validation."""

from bot.content.loader import ContentError, load_content
from bot.content.model import Content

__all__ = ["Content", "ContentError", "load_content"]
