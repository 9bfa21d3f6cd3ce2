/* tty.c: the terminal through curses; the only file that includes it. A
 * frame arrives as a canvas, and only the cells that differ from the frame
 * before are handed to curses, which sends the terminal just what changed:
 * over SSH the bytes per second matter more than anything else here. */
#include "view/tty.h"

#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

struct tty {
	SCREEN *screen;
	bool utf8, color;
	int w, h;
	canvas *shown; /* what the terminal shows now */
};

/* Sets up colour pairs, one per canvas colour, unless NO_COLOR says not to. */
static void tty_init_colors(tty *t)
{
	const char *no_color = getenv("NO_COLOR");
	t->color = has_colors() && !(no_color && *no_color);
	if (!t->color)
		return;
	start_color();
	use_default_colors();
	init_pair(CANVAS_AREA, COLOR_CYAN, -1);
	init_pair(CANVAS_PEAK, COLOR_WHITE, -1);
	init_pair(CANVAS_LINE2, COLOR_YELLOW, -1);
	init_pair(CANVAS_AXIS, -1, -1);
	init_pair(CANVAS_MARKER, COLOR_MAGENTA, -1);
	init_pair(CANVAS_CURSOR, COLOR_YELLOW, -1);
	init_pair(CANVAS_HEADER, COLOR_BLACK, COLOR_CYAN);
	init_pair(CANVAS_DIM, COLOR_BLUE, -1);
	init_pair(CANVAS_ESCAPE, COLOR_RED, -1);
	init_pair(CANVAS_MATCH, COLOR_BLACK, COLOR_YELLOW);
	init_pair(CANVAS_WARN, COLOR_RED, -1);
	init_pair(CANVAS_LINE3, COLOR_GREEN, -1);
	init_pair(CANVAS_LINE4, COLOR_RED, -1);
	init_pair(CANVAS_LINE5, COLOR_BLUE, -1);
	init_pair(CANVAS_LINE6, COLOR_MAGENTA, -1);
}

tty *tty_open(char *err, size_t errlen)
{
	tty *t = calloc(1, sizeof *t);
	if (!t) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	const char *term = getenv("TERM") ? getenv("TERM") : "";
	/* The locale's LC_CTYPE was set in main, before any thread. */
	t->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	t->screen = newterm(NULL, stdout, stdin);
	if (!t->screen) {
		snprintf(err, errlen, "cannot start the terminal view (TERM=%s)", term);
		free(t);
		return NULL;
	}
	/* A terminal that cannot move the cursor (TERM=dumb) cannot show a view. */
	char *cup = tigetstr("cup");
	if (cup == NULL || cup == (char *)-1) {
		endwin();
		delscreen(t->screen);
		snprintf(err, errlen, "the terminal (TERM=%s) cannot place the cursor", term);
		free(t);
		return NULL;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	tty_init_colors(t);
	getmaxyx(stdscr, t->h, t->w);
	return t;
}

bool tty_utf8(const tty *t)
{
	return t->utf8;
}

void tty_size(const tty *t, int *w, int *h)
{
	*w = t->w;
	*h = t->h;
}

int tty_input_fd(const tty *t)
{
	(void)t;
	return STDIN_FILENO;
}

bool tty_input_gone(short revents)
{
	return (revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
}

void tty_resize(tty *t)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	getmaxyx(stdscr, t->h, t->w);
}

/* The view's name for a curses function key. */
static enum view_keycode tty_keycode(wint_t ch)
{
	switch (ch) {
	case KEY_LEFT: return VIEW_KEY_LEFT;
	case KEY_RIGHT: return VIEW_KEY_RIGHT;
	case KEY_UP: return VIEW_KEY_UP;
	case KEY_DOWN: return VIEW_KEY_DOWN;
	case KEY_HOME: return VIEW_KEY_HOME;
	case KEY_END: return VIEW_KEY_END;
	case KEY_PPAGE: return VIEW_KEY_PGUP;
	case KEY_NPAGE: return VIEW_KEY_PGDN;
	case KEY_ENTER: return VIEW_KEY_ENTER;
	case KEY_BACKSPACE: return VIEW_KEY_BACKSPACE;
	default: return VIEW_KEY_OTHER;
	}
}

enum tty_event tty_key(tty *t, view_keypress *k)
{
	wint_t ch;
	int kind = get_wch(&ch);
	if (kind == ERR)
		return TTY_NONE;
	if (kind == KEY_CODE_YES && ch == KEY_RESIZE) {
		/* curses has the new size already (resizeterm queued this key). */
		getmaxyx(stdscr, t->h, t->w);
		return TTY_RESIZED;
	}
	k->code = kind == KEY_CODE_YES ? tty_keycode(ch) : VIEW_KEY_CHAR;
	k->ch = kind == KEY_CODE_YES ? 0 : (uint32_t)ch;
	return TTY_KEY;
}

/* The curses attributes for a canvas cell, with or without colour. */
static attr_t tty_attrs(const tty *t, const canvas_cell *c, short *pair)
{
	attr_t a = A_NORMAL;
	*pair = 0;
	if (c->attr & CANVAS_BOLD)
		a |= A_BOLD;
	if (c->attr & CANVAS_REVERSE)
		a |= A_REVERSE;
	if (c->attr & CANVAS_UNDERLINE)
		a |= A_UNDERLINE;
	if (t->color) {
		*pair = (short)(c->color < CANVAS_NCOLORS ? c->color : 0);
		return a;
	}
	/* Monochrome: what colour would have told, attributes tell. */
	switch (c->color) {
	case CANVAS_PEAK:
	case CANVAS_MARKER:
	case CANVAS_WARN:
		a |= A_BOLD;
		break;
	case CANVAS_CURSOR:
	case CANVAS_HEADER:
	case CANVAS_MATCH:
		a |= A_REVERSE;
		break;
	case CANVAS_ESCAPE:
		a |= A_UNDERLINE;
		break;
	case CANVAS_DIM:
		a |= A_DIM;
		break;
	default:
		break;
	}
	return a;
}

/* Hands one cell to curses. */
static void tty_put(const tty *t, int x, int y, const canvas_cell *c)
{
	short pair;
	attr_t a = tty_attrs(t, c, &pair);
	if (t->utf8) {
		wchar_t wc[2] = { (wchar_t)c->ch, 0 };
		cchar_t cc;
		setcchar(&cc, wc, a, pair, NULL);
		mvadd_wch(y, x, &cc);
	} else {
		chtype ch = c->ch >= 0x20 && c->ch < 0x7f ? c->ch : '?';
		mvaddch(y, x, ch | a | COLOR_PAIR(pair));
	}
}

void tty_blit(tty *t, const canvas *cv, bool full)
{
	if (!t->shown || t->shown->w != cv->w || t->shown->h != cv->h)
		full = true;
	if (full) {
		if (!t->shown)
			t->shown = canvas_new(cv->w, cv->h);
		else
			canvas_resize(t->shown, cv->w, cv->h);
		clearok(stdscr, TRUE);
	}
	for (int y = 0; y < cv->h; y++) {
		for (int x = 0; x < cv->w; x++) {
			const canvas_cell *c = canvas_at(cv, x, y);
			canvas_cell *old = t->shown ? &t->shown->cells[y * cv->w + x] : NULL;
			if (!full && old && old->ch == c->ch && old->color == c->color && old->attr == c->attr)
				continue;
			if (old)
				*old = *c;
			if (c->ch != 0) /* 0: the right half of a wide character */
				tty_put(t, x, y, c);
		}
	}
	refresh();
}

void tty_close(tty *t)
{
	if (!t)
		return;
	/* With the terminal gone the writes of endwin fail harmlessly (EIO);
	 * curses still has to be told, to free what it holds. */
	endwin();
	delscreen(t->screen);
	canvas_free(t->shown);
	free(t);
}
