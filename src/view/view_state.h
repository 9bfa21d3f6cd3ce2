/* view_state.h: the view's state, shared by view.c (state, plan, keys) and
 * view_draw.c (drawing); nothing outside the view includes it. */
#ifndef MEMLOG_VIEW_STATE_H
#define MEMLOG_VIEW_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "model/sample.h"
#include "view/frame.h"
#include "view/logindex.h"
#include "view/view.h"

#define VIEW_STATUS_NS (INT64_C(4) * NS_PER_S)
#define VIEW_MAX_PANES 17
#define VIEW_PANE_SOURCES 8
#define VIEW_INPUT_MAX 200

enum view_prompt { PROMPT_NONE, PROMPT_LABEL, PROMPT_SEARCH, PROMPT_QUIT };

typedef struct view_pane {
	char title[64];
	int sources[VIEW_PANE_SOURCES]; /* logbook sources shown (memlog's own events are in every pane) */
	int nsources;
	long scroll;    /* lines up from the newest (live), or from the cursor's line */
	/* The logbook seqs of the pane's lines, oldest first, from start on
	 * (lines before start were dropped from memory): finding the line at a
	 * time is a binary search, moving through the pane is O(1). */
	logindex ix;
} view_pane;

struct view {
	view_info info;
	char *target, *csv_path, *name1, *name2;
	char log_note[400]; /* e.g. lines of an app log that could not be placed, or lie outside the recording */
	bool utf8;
	int w, h;
	int64_t wall0_ns;   /* wall time at elapsed 0, once known */

	bool follow;        /* at the live edge (else paused at the cursor) */
	size_t span_idx;
	int64_t cursor_ns;
	bool cursor_placed; /* a replay's cursor starts at its first sample */
	int col;
	bool col_chosen;
	bool overlay;
	bool wall_clock;
	bool help;
	bool want_phases;   /* a key needs the phases while following */
	int pane, npanes;
	bool who;           /* the process pane instead of the log (key w) */
	size_t who_id;      /* the process selected there (procset id; 0: none yet) */
	long who_row;       /* ... its row in the frame's list */
	view_pane panes[VIEW_MAX_PANES];
	int nsources_seen;
	uint64_t indexed_end;

	enum view_prompt prompt;
	char input[VIEW_INPUT_MAX + 1];
	size_t input_len;
	char search[VIEW_INPUT_MAX + 1];
	bool search_active;
	long search_pos;

	char status[256];
	int64_t status_until_ns;
	char ended[200];    /* why the recording ended, once it has */
	int marks_made;
	char mark_label[VIEW_INPUT_MAX + 16];
	int64_t mark_at_ns;
};

/* Whether the footer's message is still to be shown in frame f. */
bool view_status_shown(const view *v, const frame *f);

/* Whether the phase strip is drawn under the chart (looking back). */
bool view_strip(const view *v);

/* The pane's selected line: the one the pane is anchored at after
 * scrolling, and whether the person is looking at it (highlighted). */
long view_selected(const view *v, const view_pane *p, bool *highlight);

/* The number (from 0) of the frame's phase at t_ns, or -1. */
long view_phase_at(const frame *f, int64_t t_ns);

#endif
