// How the HTTP server listens and what it accepts (the `marquee serve` flags).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "marquee/consent/bonus_rules.h"

namespace marquee::serve {

struct ServerOptions {
  std::string host = "127.0.0.1";  // loopback unless told otherwise
  int port = 8080;                 // 0: any free port (Server::port() says which)
  // HTTP worker threads (`serve --http-threads`): the handlers run on them,
  // so this bounds how many requests are computed at once. Connections do
  // not hold one: reading requests and writing answers happens on a few
  // polling threads, and an idle or slowly sending client costs a socket
  // and its buffers, never a worker.
  int threads = 8;
  std::string admin_token;         // when set, admin routes need "Authorization: Bearer TOKEN"
  size_t max_body_bytes = 1 << 20; // larger request bodies get 413 (bytes)
  // Open connections served (`serve --max-connections`). A connection opened
  // beyond it gets 503 `overloaded` with Retry-After: 1 for its request and
  // is closed; a few dozen past it the server stops accepting (the kernel's
  // listen queue then holds them). Each connection costs a descriptor and
  // up to 64 KiB of header buffer, so this bounds the memory clients can pin.
  int max_connections = 1024;
  // Seconds a client may leave a connection silent before its request's
  // headers are complete (`serve --header-timeout`). An inactivity timeout:
  // a client that trickles a byte within each period keeps the connection,
  // which max_connections then bounds.
  int header_timeout_seconds = 10;
  // Seconds a client may leave a connection silent while sending the body
  // (`serve --body-timeout`); an inactivity timeout like the one above.
  int body_timeout_seconds = 10;
  // Seconds an idle connection is kept between requests
  // (`serve --keep-alive-seconds`); it also bounds the silences while the
  // next request's headers arrive on that connection.
  int keep_alive_seconds = 2;
  // The territory (ISO 3166-1 alpha-2, optionally with a 3166-2 subdivision:
  // "US-NY") a request is shown in when it names none (`?territory=`); the
  // consent gate checks consents for it (`serve --territory`).
  std::string default_territory = "US";
  // Performers' statements and titles' exposure (GET /v1/performers/{id}/
  // statement, /v1/titles/{id}/exposure): the streaming-bonus rules
  // (`serve --bonus-rules`; null: bonus eligibility is not evaluated), the
  // domestic territory and its subscriber count (`--domestic`,
  // `--domestic-subscribers`; 0: the rules' own).
  std::shared_ptr<const BonusRuleBook> bonus_rules;
  // The agreement whose bonus rule is evaluated (`--bonus-agreement`; a
  // request's `?agreement=` wins); empty: the rules' only one.
  std::string bonus_agreement;
  std::string domestic_territory = "US";
  int64_t domestic_subscribers = 0;
};

}  // namespace marquee::serve
