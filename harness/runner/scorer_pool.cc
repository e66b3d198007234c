#include "harness/runner/scorer_pool.h"

#include <utility>

namespace taskcost {

ScorerPool::ScorerPool(const RunPlan& plan, int threads, std::function<void()> on_done)
    : plan_(plan), on_done_(std::move(on_done)) {
  for (int i = 0; i < std::max(1, threads); ++i) workers_.emplace_back([this] { Work(); });
}

ScorerPool::~ScorerPool() {
  Cancel();
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  work_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}

void ScorerPool::Submit(Job job) {
  ++pending_;
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(job));
  }
  work_.notify_one();
}

std::vector<ScorerPool::Job> ScorerPool::TakeDone() {
  std::vector<Job> done;
  {
    std::lock_guard<std::mutex> lock(mu_);
    done.swap(done_);
  }
  pending_ -= done.size();
  return done;
}

void ScorerPool::Wait(std::chrono::milliseconds max_wait) {
  if (pending_ == 0) return;
  std::unique_lock<std::mutex> lock(mu_);
  scored_.wait_for(lock, max_wait, [this] { return !done_.empty(); });
}

void ScorerPool::Work() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    work_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and nothing left to score
    Job job = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    ScoreAttempt(plan_, job.task, job.attempt, &cancel_);
    lock.lock();
    done_.push_back(std::move(job));
    scored_.notify_all();
    if (on_done_) on_done_();
  }
}

}  // namespace taskcost
