// How the HTTP server listens and what it accepts (the `marquee serve` flags).
#pragma once

#include <cstddef>
#include <string>

namespace marquee::serve {

struct ServerOptions {
  std::string host = "127.0.0.1";  // loopback unless told otherwise
  int port = 8080;                 // 0: any free port (Server::port() says which)
  // HTTP worker threads (`serve --http-threads`). Each open keep-alive
  // connection holds one while it is open, so this bounds the concurrent
  // clients, not only the CPU used.
  int threads = 8;
  std::string admin_token;         // when set, admin routes need "Authorization: Bearer TOKEN"
  size_t max_body_bytes = 1 << 20; // larger request bodies get 413
  int keep_alive_seconds = 2;      // an idle connection is closed after this
};

}  // namespace marquee::serve
