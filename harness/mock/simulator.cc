#include "harness/mock/simulator.h"

#include "harness/mock/http_server.h"
#include "harness/mock/responder.h"

namespace taskcost {

Result<std::unique_ptr<Simulator>> Simulator::Start(SimulatorProfile profile,
                                                    SimulatorOptions options) {
  std::unique_ptr<Simulator> simulator(new Simulator());
  simulator->host_ =
      options.host == "0.0.0.0" || options.host == "localhost" ? "127.0.0.1" : options.host;
  simulator->responder_ = std::make_unique<mock::Responder>(std::move(profile));
  mock::Responder* responder = simulator->responder_.get();
  auto server = mock::HttpServer::Start(
      options.host, options.port,
      [responder](const mock::MockRequest& request) { return responder->Handle(request); });
  if (!server.ok()) return server.errors();
  simulator->server_ = std::move(server).value();
  return simulator;
}

Simulator::~Simulator() { Stop(); }

int Simulator::port() const { return server_->port(); }

std::string Simulator::BaseUrl() const {
  return "http://" + host_ + ":" + std::to_string(server_->port());
}

SimulatorStats Simulator::Stats() const {
  SimulatorStats stats = server_->Stats();
  stats.faults = responder_->FaultCounts();
  stats.rate_limited = responder_->RateLimited();
  return stats;
}

void Simulator::Stop() {
  if (server_) server_->Stop();
}

}  // namespace taskcost
