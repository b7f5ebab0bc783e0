"""Errors a learner can act on: each says what went wrong, where, and what to do."""

from __future__ import annotations


class KitError(Exception):
    """Base class: the message is written for a learner, so the CLI prints it without a traceback."""


class ConfigError(KitError):
    """The model configuration (environment, .env file, arguments) is incomplete or wrong."""


class ModelError(KitError):
    """A model endpoint could not be reached or answered with an error."""


class ContextOverflow(ModelError):
    """The endpoint refused the call because the conversation no longer fits the model's context (HTTP 400)."""


class ReplayMiss(KitError):
    """KIT_CACHE=replay and this exact call was never recorded."""


class UnknownPersona(KitError, KeyError):
    """No persona card has this id."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class CardError(KitError):
    """A persona card or shop data file does not follow its schema."""


class PromptError(KitError, ValueError):
    """The agent's system prompt is unusable (for example empty)."""
