// Private to harness/providers: the Anthropic Messages wire format. Native structured output is
// a forced tool whose input is the answer. Pure; thread-safe.
#pragma once

#include "harness/providers/codec.h"

namespace taskcost::anthropic {

/// POST {base}/v1/messages with x-api-key auth and the anthropic-version header.
HttpRequest BuildRequest(const ProviderConfig& provider, const ChatCall& call, const Secret& key);

/// The request split around its prompts (RequestTemplate); unset when the params name "system" or "messages"
/// (they would replace the prompts), so the caller builds each request whole instead.
std::optional<SplitRequest> Split(const ProviderConfig& provider, const ChatCall& call,
                                  const Secret& key);
/// Appends "system" (when there is one) and "messages" for `call`, as BuildRequest writes them,
/// where Split cut the body. A `messages:` prompt's system messages are text blocks of "system";
/// consecutive user (or assistant) messages are merged into one message of text blocks.
void AppendPrompts(std::string& body, const ChatCall& call);

/// Where the answer is in a reply.
enum class Answer {
  kToolInput,  // native structured output: the forced tool's input; no tool_use is invalid
  kText,       // the text blocks, concatenated
  kEither,     // the call is unknown: the tool_use input when present, else the text
};

/// Reads the content blocks, usage (cache reads and writes apart) and errors.
ProviderReply ParseReply(const HttpResponse& response, Answer answer);

}  // namespace taskcost::anthropic
