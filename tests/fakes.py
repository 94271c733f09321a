"""A scripted chat model for unit tests: it answers from a list, supports tool binding and structured output,
and records every request so tests can assert what each agent sent."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import Field


class ScriptExhausted(AssertionError):
    """The graph asked the model more often than the test scripted."""


class ScriptedChatModel(BaseChatModel):
    script: list[Any] = Field(default_factory=list)
    """Answers in order: a dict (returned as JSON), a str (returned verbatim) or an Exception (raised)."""
    requests: list[list[BaseMessage]] = Field(default_factory=list)
    bound_tools: list[Any] = Field(default_factory=list)
    schemas: list[Any] = Field(default_factory=list)
    """The schema of every structured-output request, in order (what the LLM was told to fill)."""

    @property
    def _llm_type(self) -> str:
        return "scripted-fake"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.requests.append(list(messages))
        if not self.script:
            raise ScriptExhausted(f"unscripted request #{len(self.requests)}: {messages[-1].content!r:.200}")
        item = self.script.pop(0)
        if isinstance(item, Exception):
            raise item
        content = item if isinstance(item, str) else json.dumps(item)
        usage = {"input_tokens": 100, "output_tokens": 20, "total_tokens": 120}
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content, usage_metadata=usage))])  # type: ignore[arg-type]

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> Runnable[LanguageModelInput, BaseMessage]:
        self.bound_tools = list(tools)
        return self

    def with_structured_output(  # type: ignore[override]
        self, schema: Any, *, include_raw: bool = False, **kwargs: Any
    ) -> Runnable[LanguageModelInput, Any]:
        self.schemas.append(schema)

        def parse(raw: AIMessage) -> Any:
            try:
                parsed, error = json.loads(str(raw.content)), None
            except json.JSONDecodeError as exc:
                parsed, error = None, exc
            if include_raw:
                return {"raw": raw, "parsed": parsed, "parsing_error": error}
            if error is not None:
                raise error
            return parsed

        return self | RunnableLambda(parse)

    def user_texts(self) -> list[str]:
        """The last user message of every request, in order."""
        return [str(messages[-1].content) for messages in self.requests]
