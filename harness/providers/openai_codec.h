// Private to harness/providers: the OpenAI Chat Completions wire format, spoken by OpenAI,
// Azure OpenAI and OpenAI-compatible servers (vLLM, llama.cpp server, Ollama). Pure; thread-safe.
#pragma once

#include "harness/providers/codec.h"

namespace taskcost::openai {

/// POST {base}/chat/completions (Azure: {base}/openai/deployments/{model}/chat/completions
/// ?api-version=...), native structured output through response_format json_schema.
HttpRequest BuildRequest(const ProviderConfig& provider, const ChatCall& call, const Secret& key);

/// Reads choices[0].message, usage (cached and reasoning tokens split out) and errors.
ProviderReply ParseReply(const HttpResponse& response);

}  // namespace taskcost::openai
