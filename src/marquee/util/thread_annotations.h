// Clang's thread-safety annotations (-Wthread-safety), as LevelDB uses them:
// a member marked GUARDED_BY(mu) may be touched only with `mu` held, and the
// compiler checks it. Other compilers see empty macros.
//
// The checked build: scripts/check_thread_safety.sh compiles the files that
// use locks with clang++ -fsyntax-only -Wthread-safety -Werror.
#pragma once

#if defined(__clang__)
#define MARQUEE_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define MARQUEE_THREAD_ANNOTATION(x)
#endif

#define CAPABILITY(x) MARQUEE_THREAD_ANNOTATION(capability(x))
#define SCOPED_CAPABILITY MARQUEE_THREAD_ANNOTATION(scoped_lockable)
#define GUARDED_BY(x) MARQUEE_THREAD_ANNOTATION(guarded_by(x))
#define PT_GUARDED_BY(x) MARQUEE_THREAD_ANNOTATION(pt_guarded_by(x))
#define REQUIRES(...) MARQUEE_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define REQUIRES_SHARED(...) MARQUEE_THREAD_ANNOTATION(requires_shared_capability(__VA_ARGS__))
#define ACQUIRE(...) MARQUEE_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define ACQUIRE_SHARED(...) MARQUEE_THREAD_ANNOTATION(acquire_shared_capability(__VA_ARGS__))
#define RELEASE(...) MARQUEE_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define RELEASE_SHARED(...) MARQUEE_THREAD_ANNOTATION(release_shared_capability(__VA_ARGS__))
#define RELEASE_GENERIC(...) MARQUEE_THREAD_ANNOTATION(release_generic_capability(__VA_ARGS__))
#define EXCLUDES(...) MARQUEE_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#define NO_THREAD_SAFETY_ANALYSIS MARQUEE_THREAD_ANNOTATION(no_thread_safety_analysis)
