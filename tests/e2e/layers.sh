#!/usr/bin/env bash
# layers.sh: tools/check-layers.sh itself, on a small tree of its own: it
# passes a tree that keeps the rules and names every file that breaks one
# (a header of a layer it may not use, an include without its folder, a
# header that does not exist, curses outside tty.c, a folder with no rule).
# The real src/ is checked by tests/run.sh ("layers").
. "$(dirname "$0")/lib.sh"
CHECK=$ROOT/tools/check-layers.sh

tree() { # DIR: a tree that keeps the rules
	mkdir -p "$1"/base "$1"/model "$1"/view
	printf '#include <stdint.h>\n' >"$1"/base/clock.h
	printf '#include "base/clock.h"\n' >"$1"/base/clock.c
	printf '#include "base/clock.h"\n' >"$1"/model/thing.h
	printf '#include "model/thing.h"\n#include "base/clock.h"\n' >"$1"/model/thing.c
	printf '#include "model/thing.h"\n#include <curses.h>\n' >"$1"/view/tty.c
	printf '#include "view/tty.h"\n' >"$1"/view/tty.h
	printf '#include "model/thing.h"\n#include "view/tty.h"\n' >"$1"/main.c
}

good=$T/good
tree "$good"
out=$(bash "$CHECK" "$good")
check "a tree that keeps the rules passes" test $? = 0
check "every file of it gets a line, and the sizes one" test "$(grep -c '^ok ' <<<"$out")" = 8

bad=$T/bad
tree "$bad"
printf '#include "model/thing.h"\n' >"$bad"/base/up.c
printf '#include "thing.h"\n' >"$bad"/model/bare.c
printf '#include "base/nothing.h"\n' >"$bad"/model/ghost.c
printf '#include <ncursesw/curses.h>\n' >"$bad"/view/chart.c
mkdir -p "$bad"/misc
printf '\n' >"$bad"/misc/x.c
out=$(bash "$CHECK" "$bad")
rc=$?
check "a tree that breaks them fails" test $rc = 1
check "base including model is named" grep -q '^not ok .*base/up.c' <<<"$out"
check "why: what base may include" grep -q 'includes "model/thing.h", of model: base may include only base' <<<"$out"
check "an include without its folder is named" grep -q 'model/bare.c' <<<"$out"
check "a header that is not there is named" grep -q 'includes "base/nothing.h", which is no header' <<<"$out"
check "curses outside tty.c is named" grep -q 'only view/tty.c may' <<<"$out"
check "a folder without a rule is named" grep -q 'src/misc/ is a layer' <<<"$out"
check "the rest still pass" test "$(grep -c '^ok ' <<<"$out")" = 8

# Sizes: a file over 1,100 lines, a function over 120.
big=$T/big
tree "$big"
{ echo '#include "base/clock.h"'; echo 'int f(void)'; echo '{'; for i in $(seq 130); do echo "	int x$i = $i;"; done; echo '	return 0;'; echo '}'; } >"$big"/base/long.c
for i in $(seq 1200); do echo "/* line $i */"; done >"$big"/model/huge.c
out=$(bash "$CHECK" "$big")
check "a tree with a long function and a long file fails" test $? = 1
check "the long function is named, with its length" grep -q '^# int f(void) (1[0-9][0-9] lines)' <<<"$out"
check "the long file is named, with its length" grep -q 'src/model/huge.c is at most 1100 lines' <<<"$out"
