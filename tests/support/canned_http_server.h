// An HTTP server on 127.0.0.1 that answers each request with the next scripted response, for
// testing how clients retry, give up and time out. One connection per request.
#pragma once

#include <atomic>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace tarn::testing {

struct CannedResponse {
  int status = 200;
  std::string body;
  bool stall = false;     // accept the request and never answer
  std::string headers{};  // extra header lines, each ending in "\r\n"
};

class CannedHttpServer {
 public:
  CannedHttpServer();
  ~CannedHttpServer();

  // Queues responses; once the queue is empty, the last one repeats.
  void Push(CannedResponse response);
  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_; }

 private:
  void Serve();

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> requests_{0};
  std::mutex mu_;
  std::deque<CannedResponse> queue_;
  CannedResponse last_;
  std::thread thread_;
};

}  // namespace tarn::testing
