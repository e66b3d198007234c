#include "harness/providers/codec.h"

#include <exception>

#include "harness/providers/anthropic_codec.h"
#include "harness/providers/openai_codec.h"

namespace taskcost {
namespace {

// The codecs read every field defensively; this net keeps a reader bug from becoming a crash
// of the whole run: the attempt is recorded as unreadable instead.
template <class Parse>
ProviderReply Guarded(Parse parse) {
  try {
    return parse();
  } catch (const std::exception& e) {
    ProviderReply reply;
    reply.error = ErrorClass::kInvalidOutput;
    reply.error_message = std::string("could not read the provider response: ") + e.what();
    return reply;
  }
}

anthropic::Answer AnswerOf(const ChatCall& call) {
  bool structured = call.mode == OutputMode::kNative && !call.schema_json.empty();
  return structured ? anthropic::Answer::kToolInput : anthropic::Answer::kText;
}

ProviderReply Parse(const ProviderConfig& provider, const HttpResponse& response,
                    anthropic::Answer answer) {
  ProviderReply reply = Guarded([&] {
    if (provider.kind == ProviderKind::kAnthropic) return anthropic::ParseReply(response, answer);
    return openai::ParseReply(response);
  });
  reply.rate_limit = RateLimitFromHeaders(response.headers);  // on every reply, errors included
  return reply;
}

}  // namespace

HttpRequest BuildRequest(const ProviderConfig& provider, const ChatCall& call, const Secret& key) {
  if (provider.kind == ProviderKind::kAnthropic)
    return anthropic::BuildRequest(provider, call, key);
  return openai::BuildRequest(provider, call, key);
}

RequestTemplate::RequestTemplate(const ProviderConfig& provider, const ChatCall& call,
                                 const Secret& key)
    : provider_(provider),
      key_(key),
      split_(provider.kind == ProviderKind::kAnthropic ? anthropic::Split(provider, call, key)
                                                       : openai::Split(provider, call, key)) {}

HttpRequest RequestTemplate::Build(const ChatCall& call) const {
  if (!split_) return BuildRequest(provider_, call, key_);
  HttpRequest request = split_->request;
  std::string& body = request.body;
  body.reserve(split_->body_head.size() + split_->body_tail.size() + call.system.size() +
               call.user.size() + 64);
  body = split_->body_head;
  if (provider_.kind == ProviderKind::kAnthropic) {
    anthropic::AppendPrompts(body, call);
  } else {
    openai::AppendPrompts(body, call);
  }
  body += split_->body_tail;
  return request;
}

ProviderReply ParseReply(const ProviderConfig& provider, const HttpResponse& response,
                         const ChatCall& call) {
  return Parse(provider, response, AnswerOf(call));
}

ProviderReply ParseReply(const ProviderConfig& provider, const HttpResponse& response) {
  return Parse(provider, response, anthropic::Answer::kEither);
}

}  // namespace taskcost
