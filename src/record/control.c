/* control.c: the control socket and the marks FIFO of a running recording
 * (control.h). The FIFO is read without a write end of memlog's own, so a
 * writer that closes is seen (poll's hang-up) and its last line counts
 * without a newline; the FIFO is then opened again before the old end is
 * closed, so a writer arriving meanwhile never finds it without a reader. */
#include "record/control.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "recording/recfiles.h"

/* One connection. */
typedef struct control_client {
	int fd;
	bool viewer;       /* it asked to attach */
	bool skipping;     /* the line being read is too long: dropped to its end */
	bool refused;      /* another user's: told so; what it sends is dropped until it closes */
	size_t len;
	char in[RECLIVE_LINE_MAX];
} control_client;

struct control {
	reclive_info info;
	control_hooks hooks;
	int listen_fd;
	int fifo_fd;
	char state[PATH_MAX + 80]; /* ID.live in the run directory */
	char *beside;              /* REC.live */
	control_client *clients[CONTROL_MAX_CLIENTS];
	size_t fifo_len;
	char fifo_line[RECLIVE_LINE_MAX];
};

/* Writes the state to both places. */
static int control_write_state(control *c, char *err, size_t errlen)
{
	if (reclive_write(c->state, &c->info, err, errlen) < 0)
		return -1;
	return c->beside ? reclive_write(c->beside, &c->info, err, errlen) : 0;
}

/* The socket, listening, mode 0600 in a directory only this user enters. */
static int control_listen(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof a.sun_path) {
		snprintf(err, errlen, "%s: the path is too long for a socket (set %s to a shorter directory)", path,
		         RECLIVE_DIR_ENV);
		return -1;
	}
	memcpy(a.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || chmod(path, 0600) < 0 || listen(fd, 16) < 0) {
		snprintf(err, errlen, "the control socket %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

control *control_open(reclive_info *info, bool fifo, const control_hooks *hooks, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	if (reclive_dir(dir, sizeof dir, true, err, errlen) < 0)
		return NULL;
	control *c = calloc(1, sizeof *c);
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->listen_fd = c->fifo_fd = -1;
	c->hooks = *hooks;
	/* The name stays across a detach, when the pid changes. */
	snprintf(info->id, sizeof info->id, "%ld-%lld", info->pid, (long long)(info->started_ns / 1000000));
	snprintf(info->sock, sizeof info->sock, "%.4000s/%s.sock", dir, info->id);
	info->mark[0] = '\0';
	snprintf(c->state, sizeof c->state, "%s/%s%s", dir, info->id, RECLIVE_SUFFIX);
	c->beside = recfiles_sibling(info->csv, RECFILES_LIVE);
	unlink(info->sock); /* a crash's, of the same pid and millisecond: never */
	c->listen_fd = control_listen(info->sock, err, errlen);
	if (c->listen_fd < 0)
		goto fail;
	if (fifo) {
		snprintf(info->mark, sizeof info->mark, "%.4000s/%s.mark", dir, info->id);
		if (mkfifo(info->mark, 0600) < 0 ||
		    (c->fifo_fd = open(info->mark, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
			snprintf(err, errlen, "the marks FIFO %s: %s", info->mark, strerror(errno));
			unlink(info->mark);
			info->mark[0] = '\0';
			goto fail;
		}
	}
	c->info = *info;
	if (control_write_state(c, err, errlen) < 0)
		goto fail;
	return c;
fail:
	c->info = *info;
	control_close(c, NULL);
	return NULL;
}

const char *control_fifo(const control *c)
{
	return c->info.mark;
}

int control_fifo_fd(const control *c)
{
	return c->fifo_fd;
}

int control_pollfds(control *c, struct pollfd *pfd, int max)
{
	int n = 0;
	if (n < max)
		pfd[n++] = (struct pollfd){ .fd = c->listen_fd, .events = POLLIN };
	if (n < max)
		pfd[n++] = (struct pollfd){ .fd = c->fifo_fd, .events = POLLIN };
	for (int i = 0; i < CONTROL_MAX_CLIENTS && n < max; i++)
		pfd[n++] = (struct pollfd){ .fd = c->clients[i] ? c->clients[i]->fd : -1, .events = POLLIN };
	return n;
}

static void control_drop(control *c, int i)
{
	close(c->clients[i]->fd);
	free(c->clients[i]);
	c->clients[i] = NULL;
}

/* Sends a whole answer at once or gives the client up: a client that does
 * not read its answers is not waited for. */
static bool control_send(control *c, int i, const char *text, size_t len)
{
	ssize_t w = send(c->clients[i]->fd, text, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (w == (ssize_t)len)
		return true;
	control_drop(c, i);
	return false;
}

/* One request line of client i. */
static void control_request(control *c, int i, char *line)
{
	char answer[RECLIVE_LINE_MAX * 2], given[MARKERS_LABEL_MAX + 1];
	control_client *cl = c->clients[i];
	int len;
	if (strcmp(line, "info") == 0 || strcmp(line, "attach") == 0) {
		len = snprintf(answer, sizeof answer, "ok\n");
		len += (int)reclive_format(&c->info, answer + len, sizeof answer - (size_t)len - 1);
		answer[len++] = '\n';
		if (line[0] == 'a')
			cl->viewer = true;
	} else if (strcmp(line, "mark") == 0 || strncmp(line, "mark ", 5) == 0) {
		char label[MARKERS_LABEL_MAX + 1];
		markers_label(line + 4 + (line[4] == ' '), strlen(line + 4 + (line[4] == ' ')), label);
		if (c->hooks.mark(c->hooks.ctx, label, cl->viewer ? "an attached view" : "memlog mark", given))
			len = snprintf(answer, sizeof answer, "ok %s\n\n", given);
		else
			len = snprintf(answer, sizeof answer, "error the recording has ended\n\n");
	} else {
		len = snprintf(answer, sizeof answer, "error unknown request \"%.60s\"; expected info, mark [LABEL] or "
		               "attach\n\n", line);
	}
	if (len > (int)sizeof answer - 1)
		len = (int)sizeof answer - 1;
	control_send(c, i, answer, (size_t)len);
}

/* Reads what client i sent; its whole lines are requests. */
static void control_read(control *c, int i)
{
	char buf[RECLIVE_LINE_MAX];
	ssize_t r = recv(c->clients[i]->fd, buf, sizeof buf, MSG_DONTWAIT);
	if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
		control_drop(c, i);
		return;
	}
	for (ssize_t k = 0; k < r && c->clients[i] && !c->clients[i]->refused; k++) {
		control_client *cl = c->clients[i];
		if (buf[k] == '\n') {
			cl->in[cl->len < sizeof cl->in ? cl->len : sizeof cl->in - 1] = '\0';
			if (!cl->skipping)
				control_request(c, i, cl->in);
			if (c->clients[i])
				c->clients[i]->len = 0, c->clients[i]->skipping = false;
		} else if (cl->len + 1 < sizeof cl->in) {
			cl->in[cl->len++] = buf[k];
		} else {
			cl->skipping = true; /* too long a line: not a request */
		}
	}
}

/* A new connection: this user's only. Another user's is told why and
 * kept until it closes (closing at once, with its request unread, would
 * reset the connection before it reads the answer). */
static void control_accept(control *c)
{
	int fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	struct ucred cred;
	socklen_t cl = sizeof cred;
	char msg[256];
	bool foreign = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) < 0 || cred.uid != geteuid();
	int len = snprintf(msg, sizeof msg, "error this recording is user %lu's; only it may mark or attach\n\n",
	                   (unsigned long)geteuid());
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++)
		if (!c->clients[i]) {
			c->clients[i] = calloc(1, sizeof *c->clients[i]);
			if (!c->clients[i])
				break;
			c->clients[i]->fd = fd;
			c->clients[i]->refused = foreign;
			if (foreign && control_send(c, i, msg, (size_t)len))
				shutdown(fd, SHUT_WR);
			return;
		}
	len = snprintf(msg, sizeof msg, "error %d clients are connected already; try again later\n\n",
	               CONTROL_MAX_CLIENTS);
	if (send(fd, msg, (size_t)len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
		/* Nothing more to tell a client that cannot be told. */
	}
	close(fd);
}

/* One line written to the FIFO: a marker. */
static void control_fifo_line(control *c)
{
	char label[MARKERS_LABEL_MAX + 1], given[MARKERS_LABEL_MAX + 1];
	markers_label(c->fifo_line, c->fifo_len, label);
	c->fifo_len = 0;
	c->hooks.mark(c->hooks.ctx, label, "$" RECLIVE_MARK_ENV, given);
}

/* Reads the FIFO; once every writer has closed it, the last line counts and
 * the FIFO is opened anew (else it would poll as hung up for ever). */
static void control_fifo_read(control *c, short revents)
{
	char buf[RECLIVE_LINE_MAX];
	ssize_t r;
	while ((r = read(c->fifo_fd, buf, sizeof buf)) > 0)
		for (ssize_t k = 0; k < r; k++) {
			if (buf[k] == '\n')
				control_fifo_line(c);
			else if (c->fifo_len < sizeof c->fifo_line)
				c->fifo_line[c->fifo_len++] = buf[k];
		}
	if (r == 0 || (revents & POLLHUP)) {
		if (c->fifo_len > 0)
			control_fifo_line(c);
		int fd = open(c->info.mark, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		/* Gone (removed by hand): no more markers that way, and no poll
		 * that reports a hang-up for ever. */
		close(c->fifo_fd);
		c->fifo_fd = fd;
	}
}

void control_serve(control *c, const struct pollfd *pfd, int n)
{
	for (int k = 0; k < n; k++) {
		if (!pfd[k].revents || pfd[k].fd < 0)
			continue;
		if (pfd[k].fd == c->listen_fd)
			control_accept(c);
		else if (pfd[k].fd == c->fifo_fd)
			control_fifo_read(c, pfd[k].revents);
		else
			for (int i = 0; i < CONTROL_MAX_CLIENTS; i++)
				if (c->clients[i] && c->clients[i]->fd == pfd[k].fd)
					control_read(c, i);
	}
}

int control_viewers(const control *c)
{
	int n = 0;
	for (int i = 0; c && i < CONTROL_MAX_CLIENTS; i++)
		n += c->clients[i] && c->clients[i]->viewer;
	return n;
}

void control_moved(control *c, long pid)
{
	char err[512];
	c->info.pid = pid;
	control_write_state(c, err, sizeof err);
}

void control_close(control *c, const char *why)
{
	if (!c)
		return;
	char msg[512];
	int len = snprintf(msg, sizeof msg, "ended %.400s\n\n", why ? why : "");
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++)
		if (c->clients[i]) {
			if (c->clients[i]->viewer && why)
				control_send(c, i, msg, (size_t)len);
			if (c->clients[i])
				control_drop(c, i);
		}
	if (c->listen_fd >= 0)
		close(c->listen_fd);
	if (c->fifo_fd >= 0)
		close(c->fifo_fd);
	reclive_remove(&c->info);
	unlink(c->state);
	free(c->beside);
	free(c);
}
