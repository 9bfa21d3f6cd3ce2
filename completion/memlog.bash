# bash completion for memlog (installed by make install into
# share/bash-completion/completions/memlog, where bash-completion loads it
# when memlog is first completed; or source it). Commands, each command's
# options, and what an option takes: recordings (*.csv) for replay, report,
# plot, mark and attach, log files, cgroup directories, pids, series names.

_memlog()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local cmd=${COMP_WORDS[1]} opts
	COMPREPLY=()
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "run watch replay report plot mark attach export --help --version" -- "$cur"))
		return
	fi
	# run: past its options comes the command (a program), then its own
	# arguments (files, as a shell would complete them).
	if [ "$cmd" = run ]; then
		local i=2
		while [ "$i" -lt "$COMP_CWORD" ]; do
			case ${COMP_WORDS[i]} in
			--) i=$((i + 1)); break ;;
			-o|--output|-i|--interval|-d|--duration|-l|--log|--limit|--mark-on|--metrics-listen|--metrics-file) i=$((i + 2)) ;;
			-*) i=$((i + 1)) ;;
			*) break ;;
			esac
		done
		if [ "$i" -lt "$COMP_CWORD" ]; then
			COMPREPLY=($(compgen -f -- "$cur"))
			return
		fi
		if [ "$i" -eq "$COMP_CWORD" ] && { [[ $cur != -* ]] || [ "$prev" = -- ]; }; then
			COMPREPLY=($(compgen -c -- "$cur"))
			return
		fi
	fi
	# mark: -l is a label, not a log file.
	if [ "$cmd" = mark ] && { [ "$prev" = -l ] || [ "$prev" = --label ]; }; then
		return
	fi
	case $prev in
	-o|--output)
		case $cmd in
		plot) COMPREPLY=($(compgen -f -X '!*.svg' -- "$cur") $(compgen -d -- "$cur")) ;;
		export) COMPREPLY=($(compgen -f -- "$cur")) ;;
		*) COMPREPLY=($(compgen -f -X '!*.csv' -- "$cur") $(compgen -d -- "$cur")) ;;
		esac
		return ;;
	-l|--log) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	-c|--cgroup) COMPREPLY=($(compgen -d -- "${cur:-/sys/fs/cgroup/}")); return ;;
	-p|--pid) COMPREPLY=($(compgen -W "$(ls /proc | grep -E '^[0-9]+$')" -- "$cur")); return ;;
	--series) COMPREPLY=($(compgen -W "mem rss pss anon file shmem swap cgroup cache sys_used sys_avail" -- "$cur")); return ;;
	-i|--interval|-d|--duration) COMPREPLY=($(compgen -W "10ms 100ms 1s 10s 1m 1h" -- "$cur")); return ;;
	--limit) COMPREPLY=($(compgen -W "512M 1G 2G 4G 8G" -- "$cur")); return ;;
	--align) COMPREPLY=($(compgen -W "start wall" -- "$cur")); return ;;
	--log-tz) COMPREPLY=($(compgen -W "UTC +01:00 +02:00 -05:00" -- "$cur")); return ;;
	--width|--height|--log-format|--mark-on|--job|--host) return ;;
	--metrics-listen) COMPREPLY=($(compgen -W ":9101 127.0.0.1:9101 0.0.0.0:9101" -- "$cur")); return ;;
	--metrics-file) COMPREPLY=($(compgen -f -X '!*.prom' -- "$cur") $(compgen -d -- "$cur")); return ;;
	esac
	case $cmd in
	run) opts="-o --output -i --interval -d --duration -l --log --pss --no-children --headless --mark-on --metrics-listen --metrics-file --stdin --pty --no-pty --limit -h --help --" ;;
	watch) opts="-o --output -i --interval -d --duration -l --log --pss --no-children --headless --mark-on --metrics-listen --metrics-file -p --pid -c --cgroup --system -h --help" ;;
	replay) opts="-l --log --log-tz --log-format -f --follow --lenient --align -h --help" ;;
	report) opts="-l --log --log-tz --log-format --series --align --csv --lenient -h --help" ;;
	plot) opts="-o --output --width --height --series --by-process --align --lenient -h --help" ;;
	mark) opts="-l --label -q --quiet -h --help" ;;
	attach) opts="--list -h --help" ;;
	export) opts="--openmetrics -o --output --job --host --lenient -h --help" ;;
	*) return ;;
	esac
	if [[ $cur == -* ]] || [ "$cmd" = watch ]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi
	# replay, report, plot, mark, attach, export: recordings.
	COMPREPLY=($(compgen -f -X '!*.csv' -- "$cur") $(compgen -d -- "$cur"))
}
complete -o filenames -F _memlog memlog
