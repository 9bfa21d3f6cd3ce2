# make install into a temporary DESTDIR, the installed binary run, the man
# page read by groff without a warning, and the man page, --help and the
# README saying the same: every option of every command's --help is in the
# man page and the README, and every option the man page names is one a
# command takes.
. "$(dirname "$0")/lib.sh"

dest=$T/root
make -s -C "$ROOT" install PREFIX=/usr DESTDIR="$dest" >"$T/install.out" 2>&1
rc=$?
check "make install PREFIX=/usr DESTDIR=... installs the binary and the man page" \
	bash -c "[ $rc = 0 ] && [ -x '$dest/usr/bin/memlog' ] && [ -f '$dest/usr/share/man/man1/memlog.1' ]"
check "the installed binary runs: --version" bash -c "'$dest/usr/bin/memlog' --version | grep -qE '^memlog [0-9]+\\.[0-9]+\\.[0-9]+$'"
"$dest/usr/bin/memlog" watch --system --headless -i 20ms -d 200ms -o "$T/inst.csv" >/dev/null 2>&1
check "... and records" bash -c "[ \$(wc -l <'$T/inst.csv') -ge 5 ]"
LC_ALL=C.UTF-8 groff -man -ww -z "$dest/usr/share/man/man1/memlog.1" >"$T/groff.err" 2>&1
check "groff -man -ww -z reads the man page without a warning" bash -c "[ $? = 0 ] && [ ! -s '$T/groff.err' ]"
MANWIDTH=80 man -l "$dest/usr/share/man/man1/memlog.1" >"$T/man.txt" 2>/dev/null
check "man renders it: every section" bash -c \
	"for s in NAME SYNOPSIS DESCRIPTION COMMANDS 'OPTIONS OF RUN AND WATCH' KEYS FILES 'EXIT STATUS' EXAMPLES; do grep -q \"^\$s\" '$T/man.txt' || exit 1; done"

# The options each command's --help lists, the man page's, the README's.
{ "$MEMLOG" --help; for c in run watch replay report plot mark attach export; do "$MEMLOG" $c --help; done; } >"$T/help.txt"
opts() { grep -oE -- '--[a-z][a-z-]+' "$1" | sort -u; }
opts "$T/help.txt" >"$T/help.opts"
# (man renders a hyphen as U+2010 at a line's break: read the source)
sed 's/\\-/-/g' "$ROOT/man/memlog.1" | opts /dev/stdin >"$T/man.opts"
opts "$ROOT/README.md" >"$T/readme.opts"
# none_in WHAT FILE...: no line in the output of comm(1) ARGS; names them.
none_in() {
	local what=$1 out
	shift
	out=$(comm "$@")
	[ -z "$out" ] && return 0
	sed "s/^/# $what: /" <<<"$out"
	return 1
}
check "every option of every --help is in the man page" none_in missing -23 "$T/help.opts" "$T/man.opts"
check "every option of every --help is in the README" none_in missing -23 "$T/help.opts" "$T/readme.opts"
check "every option the man page names is one a command takes" none_in "not an option" -13 "$T/help.opts" "$T/man.opts"
# The keys: each in the man page's KEYS and in the README's table of keys.
check "the man page and the README list every key of the view" "$PY" - "$T/man.txt" "$ROOT/README.md" <<'PYEOF'
import re, sys
man = open(sys.argv[1]).read()
keys_man = man[man.index("\nKEYS"):man.index("\nFILES")]
readme = open(sys.argv[2]).read()
keys_readme = readme[readme.index("| key | does |"):]
keys_readme = keys_readme[:keys_readme.index("\n\n")]
keys = "m a space Left Right Home End + - n N p P s o t w Tab Up Down PgUp PgDn Enter / q k d Esc".split()
words = lambda t: set(re.findall(r"[A-Za-z]+|[+/?-]", t))
readme_names = {"Left": "←", "Right": "→", "Up": "↑", "Down": "↓"}
bad = [k for k in keys if k not in words(keys_man)]
bad += ["README:" + k for k in keys if k not in words(keys_readme) and readme_names.get(k, "@") not in keys_readme]
print("# missing: %s" % bad if bad else "# all there")
sys.exit(bool(bad))
PYEOF

# The bash completion, installed where bash-completion looks (and working
# without it): commands, each command's options as its --help lists them,
# recordings for report.
comp=$dest/usr/share/bash-completion/completions/memlog
check "make install puts the bash completion where bash-completion loads it" [ -f "$comp" ]
complete_words() { # COMP_WORDS...: what _memlog offers
	bash -c '. "$0"; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _memlog; printf "%s\n" "${COMPREPLY[@]}"' "$comp" "$@"
}
check "it completes the commands" bash -c "cd '$T' && $(declare -f complete_words); comp='$comp'; [ \"\$(complete_words memlog re | tr '\n' ' ')\" = 'replay report ' ]"
touch "$T/one.csv" "$T/two.txt"
check "... report's recordings (*.csv only)" bash -c "cd '$T' && $(declare -f complete_words); comp='$comp'; [ \"\$(complete_words memlog report o)\" = one.csv ]"
for c in run watch replay report plot mark attach export; do
	"$MEMLOG" $c --help | grep -E -- '^ +(-[a-zA-Z], )?--[a-z]' | grep -oE -- '--[a-z][a-z-]+' | sort -u >"$T/help-$c.opts"
	complete_words memlog "$c" -- | grep -E -- '^--[a-z]' | sort -u >"$T/comp-$c.opts"
done
check "... and each command's options, the same as its --help lists" \
	bash -c "for c in run watch replay report plot mark attach export; do cmp -s '$T/help-'\$c.opts '$T/comp-'\$c.opts || { echo \"# \$c:\"; diff '$T/help-'\$c.opts '$T/comp-'\$c.opts | sed 's/^/#   /'; exit 1; }; done"

# The lnav format of the .log, installed where lnav looks (/etc/lnav/formats;
# read here from a HOME of the test's, ~/.lnav/formats, the same layout):
# one message per line, with its time and its source (memlog, out, err).
fmt=$dest/etc/lnav/formats/memlog/memlog_log.json
check "make install puts the lnav format under /etc/lnav/formats" [ -f "$fmt" ]
if command -v lnav >/dev/null; then
	mkdir -p "$T/home/.lnav/formats/memlog" && cp "$fmt" "$T/home/.lnav/formats/memlog/"
	"$MEMLOG" run --headless -o "$T/ln.csv" -- sh -c "echo one; echo two >&2; '$WORKLOAD' hold 10M 0.2" >/dev/null 2>&1
	n=$(grep -c '' "$T/ln.log")
	HOME=$T/home lnav -n -c ';SELECT count(*), count(DISTINCT source), min(log_time) FROM memlog_log' "$T/ln.log" >"$T/lnav.out" 2>&1
	HOME=$T/home lnav -n -c ';SELECT source, log_body FROM memlog_log WHERE source = '"'err'" "$T/ln.log" >"$T/lnav-err.out" 2>&1
	check "lnav reads the .log as one message per line ($n), with its time and source" \
		bash -c "grep -Eq '^ *$n +3 +$(head -c 10 "$T/ln.log") [0-9:.]+ *$' '$T/lnav.out' && grep -Eq '^err +two *$' '$T/lnav-err.out'"
	note "$(tr -s ' ' <"$T/lnav.out" | tail -1)"
else
	echo "ok - lnav reads the .log # SKIP lnav is not installed"
fi

