/* faults.c: an LD_PRELOAD shim for the tests that need a fault the real world gives rarely.
 * Each fault is off unless its variable is set:
 *   CTIBOARD_FAULT_THREAD=N      the Nth pthread_create() fails with EAGAIN
 *   CTIBOARD_FAULT_MULTI_POLL=N  the first N curl_multi_poll() calls fail (out of memory)
 *   CTIBOARD_FAULT_DNS_S=S       every getaddrinfo() takes S seconds (a slow resolver)
 * Sanitizer runtimes intercept pthread_create and getaddrinfo themselves: tests/faults.py
 * knows which faults reach a sanitised binary. */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

static long env_long(const char *name)
{
	const char *v = getenv(name);
	return v ? strtol(v, NULL, 10) : 0;
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	static atomic_long calls;
	typedef int real_fn(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
	real_fn *real = (real_fn *)dlsym(RTLD_NEXT, "pthread_create");
	long fail = env_long("CTIBOARD_FAULT_THREAD");
	if (fail > 0 && atomic_fetch_add(&calls, 1) + 1 == fail)
		return EAGAIN;
	return real(thread, attr, fn, arg);
}

CURLMcode curl_multi_poll(CURLM *multi, struct curl_waitfd extra_fds[], unsigned int extra_nfds,
                          int timeout_ms, int *ret)
{
	static atomic_long calls;
	typedef CURLMcode real_fn(CURLM *, struct curl_waitfd[], unsigned int, int, int *);
	real_fn *real = (real_fn *)dlsym(RTLD_NEXT, "curl_multi_poll");
	if (atomic_fetch_add(&calls, 1) < env_long("CTIBOARD_FAULT_MULTI_POLL"))
		return CURLM_OUT_OF_MEMORY;
	return real(multi, extra_fds, extra_nfds, timeout_ms, ret);
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                struct addrinfo **res)
{
	typedef int real_fn(const char *, const char *, const struct addrinfo *,
	                    struct addrinfo **);
	real_fn *real = (real_fn *)dlsym(RTLD_NEXT, "getaddrinfo");
	long s = env_long("CTIBOARD_FAULT_DNS_S");
	if (s > 0)
		sleep((unsigned)s);
	return real(node, service, hints, res);
}
