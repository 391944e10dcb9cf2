#!/bin/sh
# Fixes that run as printed (issue 11 item 7):
#  - every "netdiag ..." command of every golden JSON runs, from where the
#    golden was made, exits 0 or 1, carries the run's --snapshot, and is not
#    the run that printed it (it adds information); the same holds, one level
#    down, for the netdiag commands those runs suggest;
#  - a YAML fix is a kubectl apply here-document that hands kubectl exactly
#    the YAML.
. "$TOP/tests/e2e/lib.sh"

for dir in "$TOP"/examples/*/ "$TOP"/tests/bundles/*/; do
	[ -d "$dir/cluster" ] || [ -d "$dir/nodes" ] || continue
	stage "${dir%/}" > /dev/null
done

# run_suggested LABEL PARENT_WORDS CMD: CMD is a printed "netdiag ..." line.
run_suggested() {
	_label=$1 _parent=$2 _cmd=$3
	case "$_cmd" in
	*"--snapshot "*) ok "carries --snapshot: $_cmd" ;;
	*) not_ok "carries --snapshot: $_cmd ($_label)" ;;
	esac
	_words=$(printf '%s\n' "${_cmd#netdiag }" | tr ' ' '\n' | sort | tr '\n' ' ')
	if [ "$_words" = "$_parent" ]; then
		not_ok "adds information: '$_cmd' is the run that printed it ($_label)"
	else
		ok "adds information: $_cmd"
	fi
	_out=$(cd "$WORK" && eval "set -- ${_cmd#netdiag }" && "$ND" "$@" -o json 2>"$WORK/err")
	_rc=$?
	if [ "$_rc" -eq 0 ] || [ "$_rc" -eq 1 ]; then
		ok "runs: $_cmd"
	else
		not_ok "runs: $_cmd ($_label): exit $_rc" "$(cat "$WORK/err")"
		return
	fi
	printf '%s\n' "$_out" > "$WORK/sub.json"
}

n=0
for g in "$TOP"/tests/golden/*.json; do
	name=$(basename "$g" .json)
	parent=$(printf '%s\n' "--snapshot $name diagnose" | tr ' ' '\n' | sort | tr '\n' ' ')
	jq -r '.findings[].commands[]? | select(startswith("netdiag "))' "$g" | sort -u > "$WORK/cmds"
	while IFS= read -r c; do
		n=$((n + 1))
		run_suggested "$name" "$parent" "$c"
		[ -f "$WORK/sub.json" ] || continue
		sub=$(printf '%s\n' "${c#netdiag }" | tr ' ' '\n' | sort | tr '\n' ' ')
		jq -r '.findings[].commands[]? | select(startswith("netdiag "))' "$WORK/sub.json" | sort -u > "$WORK/cmds2"
		rm -f "$WORK/sub.json"
		while IFS= read -r c2; do
			run_suggested "$name > $c" "$sub" "$c2"
			rm -f "$WORK/sub.json"
		done < "$WORK/cmds2"
	done < "$WORK/cmds"
done
if [ "$n" -gt 0 ]; then ok "goldens suggest $n netdiag commands"; else not_ok "goldens suggest no netdiag command"; fi

# YAML fixes: run the printed here-document with kubectl standing in as a
# reader of its standard input; it must receive the YAML, whole.
check_heredoc() {
	_name=$1
	shift
	(cd "$WORK" && "$ND" "$@" -o json 2>/dev/null) | jq -r '.verdict.fix' > "$WORK/fix.sh"
	jq -rn --rawfile f "$WORK/fix.sh" '$f' > /dev/null 2>&1
	if head -n 1 "$WORK/fix.sh" | grep -q "^kubectl apply -f - <<'EOF'\$" &&
	   (cd "$WORK" && kubectl() { cat > "$WORK/applied.yaml"; } && . "$WORK/fix.sh") &&
	   sed '1d;$d' "$WORK/fix.sh" | cmp -s - "$WORK/applied.yaml" &&
	   grep -q '^kind: ' "$WORK/applied.yaml"; then
		ok "fix is an apply here-document: $_name"
	else
		not_ok "fix is an apply here-document: $_name" "$(cat "$WORK/fix.sh")"
	fi
}
check_heredoc "can-reach NetworkPolicy" --snapshot policy can-reach frontend/web-1 data/db:5432
check_heredoc "can-i Role" --snapshot policy can-i get secrets -n shop --as system:serviceaccount:shop:reader

# never suggests itself, whatever the spelling (can-reach normalises its port)
check "can-reach does not suggest itself" sh -c "cd '$WORK' && '$ND' --snapshot policy can-reach frontend/web-1 data/db:5432 -o json |
	jq -e '[.findings[].commands[]? | select(startswith(\"netdiag \"))] | length == 0'"
check "service --from suggests the can-reach with the source flags" sh -c "cd '$WORK' && '$ND' --snapshot policy service -n data db --from frontend/web-1 -o json |
	jq -e '.findings[0].commands[0] == \"netdiag --snapshot policy can-reach frontend/web-1 data/db:5432/TCP\"'"
check "source flags are shell-quoted" sh -c "mkdir -p '$WORK/a b' && cp -R '$WORK/aks-kubenet-broken' '$WORK/a b/' && cd '$WORK' &&
	'$ND' --snapshot 'a b/aks-kubenet-broken' -o json | jq -e '[.findings[].commands[]? | select(startswith(\"netdiag \"))] | all(startswith(\"netdiag --snapshot '\\''a b/aks-kubenet-broken'\\'' \"))'"
