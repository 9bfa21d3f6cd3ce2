/* metricsd.h: --metrics-listen, the recording's gauges served at /metrics
 * over HTTP (libmicrohttpd, its own thread, every signal blocked there),
 * in the text format or OpenMetrics as the scraper's Accept asks
 * (recmetrics.h). The newest sample comes from the series (locked a
 * moment); the counters from what the main thread last gave. Other paths
 * get 404, other methods 405; a client is cut off after 5 s without a whole
 * request, a request over 16 KiB gets an error, 16 connections at most: a
 * slow or hostile client stalls neither the sampler nor the job. */
#ifndef MEMLOG_METRICSD_H
#define MEMLOG_METRICSD_H

#include <stddef.h>
#include <stdint.h>

#include "model/series.h"
#include "recording/recmetrics.h"

typedef struct metricsd metricsd;

/* Parses ADDR:PORT (":9101" and "9101" are loopback's; "[::1]:9101",
 * "0.0.0.0:9101", a host name) and starts serving. The labels are copied.
 * NULL with err naming what was wrong. */
metricsd *metricsd_start(const char *listen, const recmetrics_labels *labels, series *ser, int64_t start_wall_ns,
                         char *err, size_t errlen);

/* Whether listen is an ADDR:PORT metricsd_start takes (the address
 * resolved, nothing bound): 0, or -1 with err naming what was wrong. */
int metricsd_check(const char *listen, char *err, size_t errlen);

/* Where it listens, "127.0.0.1:9101", for the .log. */
const char *metricsd_address(const metricsd *m);

/* The counters now (main thread). */
void metricsd_update(metricsd *m, uint64_t samples, uint64_t ticks_missed, uint64_t markers, uint64_t oom_kills);

/* Stops serving (before a fork: its thread would not survive) and frees. */
void metricsd_stop(metricsd *m);

#endif
