// Waiting for Ctrl-C / SIGTERM in a program with worker threads: block the
// signals in every thread (call BlockStopSignals before any thread starts;
// threads inherit the mask), then WaitForStopSignal in the main thread. No
// signal handlers, so nothing async-signal-unsafe can run in one.
#pragma once

#include <pthread.h>
#include <signal.h>

namespace marquee::cli {

inline sigset_t StopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  return signals;
}

inline void BlockStopSignals() {
  const sigset_t signals = StopSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

// Returns the signal received.
inline int WaitForStopSignal() {
  const sigset_t signals = StopSignals();
  int signal = 0;
  sigwait(&signals, &signal);
  return signal;
}

}  // namespace marquee::cli
