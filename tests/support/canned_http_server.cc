#include "canned_http_server.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

namespace tarn::testing {
namespace {

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

// Reads the request head and as much body as Content-Length announces.
void ReadRequest(int fd) {
  std::string data;
  char buf[4096];
  size_t body_needed = std::string::npos;
  while (true) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 2000) <= 0) return;
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) return;
    data.append(buf, static_cast<size_t>(n));
    size_t head_end = data.find("\r\n\r\n");
    if (head_end == std::string::npos) continue;
    if (body_needed == std::string::npos) {
      size_t at = data.find("ontent-Length: ");
      body_needed = at == std::string::npos || at > head_end ? 0 : std::stoul(data.substr(at + 15));
    }
    if (data.size() >= head_end + 4 + body_needed) return;
  }
}

}  // namespace

CannedHttpServer::CannedHttpServer() {
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  listen(listen_fd_, 16);
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

CannedHttpServer::~CannedHttpServer() {
  stopping_ = true;
  thread_.join();
  close(listen_fd_);
}

void CannedHttpServer::Push(CannedResponse response) {
  std::lock_guard lock(mu_);
  queue_.push_back(std::move(response));
}

void CannedHttpServer::Serve() {
  std::vector<int> stalled;
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    int fd = accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    ReadRequest(fd);
    ++requests_;
    CannedResponse response;
    {
      std::lock_guard lock(mu_);
      if (!queue_.empty()) {
        last_ = queue_.front();
        queue_.pop_front();
      }
      response = last_;
    }
    if (response.stall) {
      stalled.push_back(fd);  // keep it open and silent until the server stops
      continue;
    }
    std::string text = "HTTP/1.1 " + std::to_string(response.status) + " " +
                       Reason(response.status) +
                       "\r\nContent-Length: " + std::to_string(response.body.size()) + "\r\n" +
                       response.headers + "Connection: close\r\n\r\n" + response.body;
    (void)!write(fd, text.data(), text.size());
    close(fd);
  }
  for (int fd : stalled) close(fd);
}

}  // namespace tarn::testing
