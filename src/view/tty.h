/* tty.h: the terminal, and the only module that calls curses: set-up and
 * tear-down, colours (or attributes without them), keys, resize, and the
 * copy of a canvas to the screen, sending only the cells that changed. */
#ifndef MEMLOG_TTY_H
#define MEMLOG_TTY_H

#include <stdbool.h>
#include <stddef.h>

#include "view/canvas.h"
#include "view/view.h"

typedef struct tty tty;

/* Takes over the terminal on stdin/stdout. NULL with err filled when it
 * cannot (no terminal description, a terminal that cannot place the cursor). */
tty *tty_open(char *err, size_t errlen);

/* Whether the terminal takes UTF-8 (the locale's codeset), decided at open. */
bool tty_utf8(const tty *t);

/* The terminal's size in cells. */
void tty_size(const tty *t, int *w, int *h);

/* The fd to poll for keys. */
int tty_input_fd(const tty *t);

/* Whether poll's revents for tty_input_fd say the terminal is gone (its
 * other side closed, an error): a hang-up, even when no SIGHUP came. */
bool tty_input_gone(short revents);

enum tty_event {
	TTY_NONE,   /* no key waiting */
	TTY_KEY,    /* a key, in *k */
	TTY_RESIZED /* the terminal changed size: tty_size has the new one */
};

/* Reads one waiting key without blocking. */
enum tty_event tty_key(tty *t, view_keypress *k);

/* The terminal changed size (SIGWINCH): asks it for the new size. */
void tty_resize(tty *t);

/* Copies cv to the screen: the cells that differ from what it shows, or
 * every cell when full (or the size changed). */
void tty_blit(tty *t, const canvas *cv, bool full);

/* Gives the terminal back. */
void tty_close(tty *t);

#endif
