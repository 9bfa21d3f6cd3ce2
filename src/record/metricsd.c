/* metricsd.c: /metrics over HTTP by libmicrohttpd (metricsd.h). */
#include "record/metricsd.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/mtime.h"

struct metricsd {
	struct MHD_Daemon *daemon;
	series *ser;
	pthread_mutex_t lock;
	recmetrics_live counts; /* the counters, under lock */
	char job[256], host[256];
	char address[300];
};

/* A page of text, malloc'ed, for MHD to free. */
static enum MHD_Result metricsd_send(struct MHD_Connection *c, unsigned status, const char *type, char *body,
                                     size_t len, const char *allow)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (allow)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	enum MHD_Result ok = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result metricsd_error(struct MHD_Connection *c, unsigned status, const char *text, const char *allow)
{
	char *body = strdup(text);
	return body ? metricsd_send(c, status, "text/plain; charset=utf-8", body, strlen(body), allow) : MHD_NO;
}

static enum MHD_Result metricsd_handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                       const char *version, const char *upload, size_t *upload_size, void **state)
{
	metricsd *m = cls;
	/* The endpoint's thread yields to the sampler when both want a CPU: a
	 * scrape may wait a little, a tick should not. */
	static __thread bool reniced;
	if (!reniced) {
		if (setpriority(PRIO_PROCESS, (id_t)gettid(), 10) != 0) {
			/* Not lowered: it runs at the recorder's priority, as before. */
		}
		reniced = true;
	}
	(void)version;
	(void)upload;
	(void)state;
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
		*upload_size = 0; /* a body is not read */
		return metricsd_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "memlog serves GET /metrics only\n", "GET, HEAD");
	}
	if (strcmp(url, "/metrics") != 0)
		return metricsd_error(c, MHD_HTTP_NOT_FOUND, "not found: memlog serves /metrics only\n", NULL);
	recmetrics_live live;
	pthread_mutex_lock(&m->lock);
	live = m->counts;
	pthread_mutex_unlock(&m->lock);
	live.have_sample = series_last(m->ser, &live.last) == 0;
	enum recmetrics_format f = recmetrics_accept(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept"));
	recmetrics_labels labels = { .job = m->job, .host = m->host };
	size_t need = recmetrics_live_format(&live, &labels, f, NULL, 0);
	char *body = malloc(need + 1);
	if (!body)
		return metricsd_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n", NULL);
	recmetrics_live_format(&live, &labels, f, body, need + 1);
	return metricsd_send(c, MHD_HTTP_OK, f == RECMETRICS_OPENMETRICS ? RECMETRICS_OPENMETRICS_TYPE : RECMETRICS_TEXT_TYPE,
	                     body, need, NULL);
}

/* ADDR:PORT into an address: the host part (brackets for IPv6) may be empty
 * (loopback); the port 1..65535. 0, or -1 with err filled. */
static int metricsd_parse(const char *listen, struct sockaddr_storage *sa, char *shown, size_t shown_len, char *err,
                          size_t errlen)
{
	char host[256] = "127.0.0.1", port[16];
	const char *colon = strrchr(listen, ':');
	const char *p = colon ? colon + 1 : listen;
	if (colon) {
		size_t hl = (size_t)(colon - listen);
		const char *h = listen;
		if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') {
			h++;
			hl -= 2;
		}
		if (hl >= sizeof host) {
			snprintf(err, errlen, "--metrics-listen: '%s': the address is too long", listen);
			return -1;
		}
		if (hl > 0) {
			memcpy(host, h, hl);
			host[hl] = '\0';
		}
	}
	char *end;
	long n = strtol(p, &end, 10);
	if (!*p || *end || n < 1 || n > 65535) {
		snprintf(err, errlen, "--metrics-listen: '%s' has no port; expected ADDR:PORT with a port of 1 to 65535 "
		         "(':9101' for loopback, '0.0.0.0:9101' for every address)", listen);
		return -1;
	}
	snprintf(port, sizeof port, "%ld", n);
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV }, *res;
	int rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		snprintf(err, errlen, "--metrics-listen: '%s': %s", host, gai_strerror(rc));
		return -1;
	}
	memcpy(sa, res->ai_addr, res->ai_addrlen);
	char num[INET6_ADDRSTRLEN] = "?";
	if (res->ai_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr, num, sizeof num);
	else
		inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, num, sizeof num);
	snprintf(shown, shown_len, res->ai_family == AF_INET6 ? "[%s]:%ld" : "%s:%ld", num, n);
	freeaddrinfo(res);
	return 0;
}

int metricsd_check(const char *listen, char *err, size_t errlen)
{
	struct sockaddr_storage sa;
	char shown[300];
	return metricsd_parse(listen, &sa, shown, sizeof shown, err, errlen);
}

metricsd *metricsd_start(const char *listen, const recmetrics_labels *labels, series *ser, int64_t start_wall_ns,
                         char *err, size_t errlen)
{
	metricsd *m = calloc(1, sizeof *m);
	if (!m) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	struct sockaddr_storage sa;
	if (metricsd_parse(listen, &sa, m->address, sizeof m->address, err, errlen) < 0) {
		free(m);
		return NULL;
	}
	m->ser = ser;
	m->counts.start_wall_ns = start_wall_ns;
	snprintf(m->job, sizeof m->job, "%s", labels->job ? labels->job : "");
	snprintf(m->host, sizeof m->host, "%s", labels->host ? labels->host : "");
	pthread_mutex_init(&m->lock, NULL);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;
	if (sa.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	uint16_t port = ntohs(sa.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&sa)->sin6_port
	                                               : ((struct sockaddr_in *)&sa)->sin_port);
	/* Its thread takes the mask it is started with: signals stay the main
	 * thread's. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	m->daemon = MHD_start_daemon(flags, port, NULL, NULL, metricsd_handle, m, MHD_OPTION_SOCK_ADDR,
	                             (struct sockaddr *)&sa, MHD_OPTION_CONNECTION_LIMIT, 16u,
	                             MHD_OPTION_CONNECTION_TIMEOUT, 5u, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	                             (size_t)16384, MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!m->daemon) {
		snprintf(err, errlen, "--metrics-listen %s: cannot listen there (the port taken, or not an address of "
		         "this machine's?)", m->address);
		pthread_mutex_destroy(&m->lock);
		free(m);
		return NULL;
	}
	return m;
}

const char *metricsd_address(const metricsd *m)
{
	return m->address;
}

void metricsd_update(metricsd *m, uint64_t samples, uint64_t ticks_missed, uint64_t markers, uint64_t oom_kills)
{
	pthread_mutex_lock(&m->lock);
	m->counts.samples = samples;
	m->counts.ticks_missed = ticks_missed;
	m->counts.markers = markers;
	m->counts.oom_kills = oom_kills;
	pthread_mutex_unlock(&m->lock);
}

void metricsd_stop(metricsd *m)
{
	if (!m)
		return;
	MHD_stop_daemon(m->daemon);
	pthread_mutex_destroy(&m->lock);
	free(m);
}
