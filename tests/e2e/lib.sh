# Sourced by tests/e2e/t_*.sh. Each case appends "ok NAME" or "not ok NAME"
# to $RESULTS. $ND is the netdiag under test; $TOP the repository.
: "${ND:?}" "${TOP:?}" "${RESULTS:?}"

WORK=$(mktemp -d /tmp/netdiag-e2e.XXXXXX)
trap 'rm -rf "$WORK"' EXIT INT TERM

ok() { echo "ok $1" >> "$RESULTS"; }
not_ok() {
	echo "not ok $1" >> "$RESULTS"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | head -n 30 | sed 's/^/    /' >&2
	return 0
}

# check NAME CMD...: the command must succeed
check() {
	_c_name=$1
	shift
	if _c_out=$("$@" 2>&1); then ok "$_c_name"; else not_ok "$_c_name" "$_c_out"; fi
}

# check_rc NAME RC CMD...: the command must exit with RC
check_rc() {
	_c_name=$1 _c_want=$2
	shift 2
	_c_out=$("$@" 2>&1)
	_c_got=$?
	if [ "$_c_got" -eq "$_c_want" ]; then ok "$_c_name"; else not_ok "$_c_name" "exit $_c_got, want $_c_want
$_c_out"; fi
}

# Copy a bundle to $WORK/NAME with every file dated 2025-05-02T09:00:00Z, so
# outputs that show file times are stable. Prints the copy's name.
stage() {
	_s_name=$(basename "$1")
	rm -rf "${WORK:?}/$_s_name"
	cp -R "$1" "$WORK/$_s_name"
	find "$WORK/$_s_name" -exec touch -h -d '2025-05-02 09:00:00 UTC' {} +
	echo "$_s_name"
}

# JSON output with run-dependent fields zeroed.
normalize_json() { sed 's/"duration_ms": [0-9]*/"duration_ms": 0/'; }

# A jq filter (and a sed script for text) taking out the source flags that a
# suggested netdiag command carries: they name the run's own source, so two
# sources of the same state differ only there.
NO_SOURCE_FLAGS='walk(if type == "string" then sub("^netdiag( --(snapshot|kubeconfig|context|node-root) [^ ]+)+ "; "netdiag ") else . end)'
no_source_flags() { sed -E 's#netdiag( --(snapshot|kubeconfig|context|node-root) [^ ]+)+ #netdiag #'; }
