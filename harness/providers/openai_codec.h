// Private to harness/providers: the OpenAI Chat Completions wire format, spoken by OpenAI,
// Azure OpenAI and OpenAI-compatible servers (vLLM, llama.cpp server, Ollama). Pure; thread-safe.
#pragma once

#include "harness/providers/codec.h"

namespace taskcost::openai {

/// POST {base}/chat/completions (Azure: {base}/openai/deployments/{model}/chat/completions
/// ?api-version=...), native structured output through response_format json_schema.
HttpRequest BuildRequest(const ProviderConfig& provider, const ChatCall& call, const Secret& key);

/// The request split around its prompts (RequestTemplate); unset when the params name "messages"
/// (they would replace the prompts), so the caller builds each request whole instead.
std::optional<SplitRequest> Split(const ProviderConfig& provider, const ChatCall& call,
                                  const Secret& key);
/// Appends the messages array (the system message, then the user message; or call.messages) for
/// `call`, as BuildRequest writes it, where Split cut the body.
void AppendPrompts(std::string& body, const ChatCall& call);

/// Reads choices[0].message, usage (cached and reasoning tokens split out) and errors.
ProviderReply ParseReply(const HttpResponse& response);

}  // namespace taskcost::openai
