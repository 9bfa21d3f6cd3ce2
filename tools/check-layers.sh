#!/usr/bin/env bash
# Holds the layers of src/ to their rules (src/README.md), as TAP lines:
#   - a file in src/LAYER/ includes memlog headers only of the layers that
#     LAYER may use, each written with its folder ("base/mtime.h"), and the
#     header must exist;
#   - the commands (src/*.c, src/*.h) may include any layer;
#   - curses is included by one file only: src/view/tty.c;
#   - no file is over 1,100 lines and no function over 120 (a room does
#     one job: about 1,000 and 100, with some slack).
# Usage: tools/check-layers.sh [SRC_DIR]   (default: src)
set -u
src=${1:-src}

# What each layer may include besides itself.
declare -A may=(
	[base]=""
	[model]="base"
	[analysis]="base model"
	[recording]="base model"
	[record]="base model recording"
	[view]="base model analysis"
)
curses_file=view/tty.c

n=0
bad=0
report() { # ok|not ok, text, reasons...
	n=$((n + 1))
	local verdict=$1 what=$2
	shift 2
	echo "$verdict $n - $what"
	local r
	for r in "$@"; do echo "# $r"; done
	[ "$verdict" = ok ] || bad=$((bad + 1))
}

if [ ! -d "$src" ]; then
	echo "not ok 1 - $src: no such folder"
	exit 1
fi

for dir in "$src"/*/; do
	layer=$(basename "$dir")
	if [ -z "${may[$layer]+set}" ]; then
		report "not ok" "src/$layer/ is a layer" "no rule for a folder named $layer; add it to tools/check-layers.sh and src/README.md"
	fi
done

check_file() { # path relative to $src, its layer ("" for a command)
	local rel=$1 layer=$2 reasons=() line inc target
	while IFS= read -r line; do
		inc=${line#*\"}
		inc=${inc%%\"*}
		case "$inc" in
		*/*) target=${inc%%/*} ;;
		*)   target="" ;;
		esac
		if [ -n "$layer" ] && [ -z "$target" ]; then
			reasons+=("includes \"$inc\" without its folder (write \"$layer/$inc\" or the layer it is in)")
			continue
		fi
		if [ ! -f "$src/$inc" ] && ! { [ -z "$target" ] && [ -f "$src/$(dirname "$rel")/$inc" ]; }; then
			reasons+=("includes \"$inc\", which is no header under $src/")
			continue
		fi
		[ -z "$layer" ] && continue
		[ "$target" = "$layer" ] && continue
		case " ${may[$layer]:-} " in
		*" $target "*) ;;
		*) reasons+=("includes \"$inc\", of $target: $layer may include only ${may[$layer]:+${may[$layer]} and }$layer") ;;
		esac
	done < <(grep -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$src/$rel")
	while IFS= read -r line; do
		[ "$rel" = "$curses_file" ] && continue
		reasons+=("includes curses (${line//[[:space:]]/}): only $curses_file may")
	done < <(grep -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*<(n?curses(w)?/|n?curses\.h|term\.h|panel\.h|menu\.h|form\.h)' "$src/$rel")
	local what="src/$rel"
	if [ -n "$layer" ]; then
		what="$what includes only ${may[$layer]:+${may[$layer]} and }$layer"
	else
		what="$what (a command) includes headers that exist"
	fi
	if ((${#reasons[@]} == 0)); then
		report ok "$what"
	else
		report "not ok" "$what" "${reasons[@]}"
	fi
}

while IFS= read -r f; do
	rel=${f#"$src"/}
	case "$rel" in
	*/*) [ -n "${may[${rel%%/*}]+set}" ] && check_file "$rel" "${rel%%/*}" ;;
	*)   check_file "$rel" "" ;;
	esac
done < <(find "$src" \( -name '*.c' -o -name '*.h' \) -type f | LC_ALL=C sort)

# Sizes: a file's lines, and each function's (from its "{" at the start of
# a line to the "}" that closes it there).
file_max=1100
fn_max=120
size_bad=$bad
while IFS= read -r f; do
	rel=${f#"$src"/}
	lines=$(wc -l <"$f")
	if ((lines > file_max)); then
		report "not ok" "src/$rel is at most $file_max lines" "it has $lines: split it by its jobs"
	fi
	long=$(awk -v max="$fn_max" '/^{/ { start = NR; name = prev } { prev = $0 }
		/^}/ { if (start && NR - start > max) printf "%s (%d lines)\n", name, NR - start; start = 0 }' "$f")
	if [ -n "$long" ]; then
		mapfile -t reasons <<<"$long"
		report "not ok" "src/$rel: no function over $fn_max lines" "${reasons[@]}"
	fi
done < <(find "$src" -name '*.c' -type f | LC_ALL=C sort)
((bad == size_bad)) && report ok "every file of $src is at most $file_max lines, every function at most $fn_max"

echo "1..$n"
((bad == 0))
