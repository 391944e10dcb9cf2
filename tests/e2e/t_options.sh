#!/bin/sh
# Options from the tables (src/cmd.c), parsed with getopt_long: globals before
# or after the command, --opt=V, -nNS, "--", a misspelled flag named with a
# suggestion before any network call, each error once; --help of every
# command describes each of its flags; the man page is current and renders;
# the bash completion completes commands, flags and a bundle's names.
. "$TOP/tests/e2e/lib.sh"

PIDS=""
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$WORK"' EXIT INT TERM
demo="$TOP/examples/aks-kubenet-broken"
summ() { jq -c '[.findings[] | .code + " " + .subject.name]' 2>/dev/null; }

# the same report whatever the order
"$ND" --snapshot "$demo" service shop/web -o json | summ > "$WORK/a"
for args in "-o json --snapshot $demo service shop/web" \
	"service shop/web --snapshot=$demo --output=json" \
	"-nshop --snapshot $demo service web -o json" \
	"--snapshot $demo -o json -- service shop/web" \
	"service -o json --namespace=shop web --snapshot $demo"; do
	# shellcheck disable=SC2086 # split on purpose
	"$ND" $args 2> "$WORK/err" | summ > "$WORK/b"
	if [ -s "$WORK/a" ] && cmp -s "$WORK/a" "$WORK/b"; then ok "options: same report for '$args'"
	else not_ok "options: same report for '$args'" "$(cat "$WORK/b" "$WORK/err")"; fi
done
check "options: the report has the finding" grep -q kube-proxy-not-running "$WORK/a"

# a typo is named with the nearest flag, exit 2, and no server is contacted:
# the kubeconfig points at a loopback listener that records any byte it gets
port=$(( 20000 + $$ % 20000 ))
: > "$WORK/conn"
socat -u "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork" "OPEN:$WORK/conn,append" 2>/dev/null &
PIDS="$PIDS $!"
sleep 0.3
cat > "$WORK/kc" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:$port", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
EOF
"$ND" --kubeconfig "$WORK/kc" diagnose --snapshto x > "$WORK/out" 2> "$WORK/err"
echo $? > "$WORK/rc"
check_rc "typo: exit 2" 2 sh -c "exit \$(cat '$WORK/rc')"
check "typo: named with the suggestion" grep -q "unknown option '--snapshto'; did you mean '--snapshot'?" "$WORK/err"
check "typo: said once" test "$(grep -c snapshto "$WORK/err")" = 1
check "typo: nothing on stdout" test ! -s "$WORK/out"
sleep 0.2
check "typo: no byte sent to the server" test ! -s "$WORK/conn"
# control: the same listener does see a run that contacts it (the probe is real)
"$ND" --kubeconfig "$WORK/kc" apiserver --timeout 1s > /dev/null 2>&1
sleep 0.2
check "control: a real run reaches the listener" test -s "$WORK/conn"

check "a command's option among globals after the command" sh -c "'$ND' --snapshot '$demo' -o json diagnose --fail-on error --iptables-save /dev/null 2>/dev/null | jq -e '.checks[] | select(.id == \"kube-proxy-rules\")' >/dev/null"
check "ambiguous prefix named" sh -c "'$ND' diagnose --n x 2>&1 | grep -q 'ambiguous'"
check_rc "missing value: exit 2" 2 "$ND" diagnose --snapshot
check "missing value: named once" sh -c "test \$('$ND' diagnose --snapshot 2>&1 | grep -c \"option '--snapshot' needs a value\") = 1"
check "unknown short option named" sh -c "'$ND' -Z diagnose 2>&1 | grep -q \"unknown option '-Z'\""
check "collect -o is collect's own (a folder, not a format)" sh -c "'$ND' collect -o 2>&1 | grep -q \"needs a value\""
check "unknown command suggested" sh -c "'$ND' diagnsoe 2>&1 | grep -q \"did you mean 'diagnose'\""

# --help of every command lists every one of its flags (from the man page's table)
for cmd in $("$ND" completion words commands); do
	"$ND" "$cmd" --help > "$WORK/help.$cmd" 2>&1 || not_ok "$cmd --help exits 0"
done
for f in diagnose:--iptables-save diagnose:--ipvsadm diagnose:--nft service:--from \
	ipam:--min-age ipam:--journal-dir ipam:--apply can-i:--as-group can-reach:--matrix \
	collect:--output serve:--fault-hang-path serve:--forbid apiserver:--dns-server; do
	check "help: ${f%%:*} describes ${f#*:}" grep -q -- "${f#*:} *[A-Z]*.* [a-z]" "$WORK/help.${f%%:*}"
done
check "help: global options listed in a command's help" grep -q -- "--snapshot" "$WORK/help.pod"

# the man page: current, renders without warnings, lists every command and flag
"$ND" --help-man > "$WORK/netdiag.1"
if cmp -s "$WORK/netdiag.1" "$TOP/docs/netdiag.1"; then ok "man: docs/netdiag.1 is current"
else not_ok "man: docs/netdiag.1 is current" "run 'make man': $(diff "$TOP/docs/netdiag.1" "$WORK/netdiag.1" | head -n 5)"; fi
if command -v man >/dev/null 2>&1; then
	MANWIDTH=100 man -l "$TOP/docs/netdiag.1" > "$WORK/man.txt" 2> "$WORK/man.err"
	check "man: renders" test -s "$WORK/man.txt"
	check "man: no warning" sh -c "groff -man -Tutf8 -ww -z '$TOP/docs/netdiag.1' 2>&1 | grep -q . && exit 1 || exit 0"
	missing=""
	for cmd in $("$ND" completion words commands); do
		grep -q "^   $cmd" "$WORK/man.txt" || missing="$missing $cmd"
	done
	for f in iptables-save fault-sar-deny as-group egress-ip-url fail-on node-root; do
		grep -q -- "--$f" "$WORK/man.txt" || missing="$missing --$f"
	done
	if [ -z "$missing" ]; then ok "man: every command and flag"; else not_ok "man: every command and flag" "missing:$missing"; fi
fi

# completion: sourced in bash, drive it as readline would
mkdir -p "$WORK/bin" && ln -sf "$ND" "$WORK/bin/netdiag"
"$ND" completion bash > "$WORK/c.bash"
check "completion bash: valid bash" bash -n "$WORK/c.bash"
comp() { # expected words...
	PATH="$WORK/bin:$PATH" bash -c ". '$WORK/c.bash'; $1; _netdiag; echo \"\${COMPREPLY[*]}\""
}
check "completion: netdiag dia<TAB> -> diagnose" test "$(comp 'COMP_WORDS=(netdiag dia); COMP_CWORD=1')" = diagnose
check "completion: diagnose --ipt<TAB> -> --iptables-save" test "$(comp 'COMP_WORDS=(netdiag diagnose --ipt); COMP_CWORD=2')" = --iptables-save
check "completion: -o <TAB> -> text json html" test "$(comp 'COMP_WORDS=(netdiag -o ""); COMP_CWORD=2')" = "text json html"
check "completion: explain ipam-l<TAB>" test "$(comp 'COMP_WORDS=(netdiag explain ipam-l); COMP_CWORD=2')" = ipam-leak
check "completion: a bundle's Services" sh -c "echo '$(comp "COMP_WORDS=(netdiag --snapshot $demo service shop/w); COMP_CWORD=4")' | grep -qx 'shop/web shop/web-public'"
check "completion: a bundle's namespaces" sh -c "echo '$(comp "COMP_WORDS=(netdiag --snapshot $demo -n sh); COMP_CWORD=4")' | grep -qx 'shop'"
check "completion zsh: valid" sh -c "'$ND' completion zsh | bash -n"
check "completion fish: every command" sh -c "test \$('$ND' completion fish | grep -c __fish_use_subcommand) = \$('$ND' completion words commands | wc -l)"
check_rc "completion: unknown shell" 2 "$ND" completion tcsh

# explain fills the report like every command: -o json is the netdiag/v1 envelope
check "explain -o json: the page in the verdict" sh -c "'$ND' explain ipam-leak -o json | jq -e '.schema == \"netdiag/v1\" and .verdict.code == \"ipam-leak\" and (.verdict.page | startswith(\"# ipam-leak\"))' >/dev/null"
check "explain -o json: every code listed" sh -c "test \$('$ND' -o json explain | jq '.verdict.codes | length') = \$(ls '$TOP/docs/findings/'*.md | wc -l)"
check "explain text: the page as it is" sh -c "'$ND' explain ipam-leak | head -n 1 | grep -qx '# ipam-leak'"

# service NAME / pod NAME: the subject's own findings come first (then scenario, severity, code)
check "service NAME: its findings first" sh -c "'$ND' --snapshot '$demo' service shop/cart -o json | jq -e '.findings[0].subject == {kind: \"Service\", namespace: \"shop\", name: \"cart\"} and (.findings | length) > 1' >/dev/null"
check "diagnose: scenario, then severity order" sh -c "'$ND' --snapshot '$demo' -o json | jq -e '[.findings[] | .scenario] as \$s | \$s == (\$s | sort)' >/dev/null"

# a command's answer is its closing line, never "no problems found"
check "can-reach --matrix: the closing line counts the denied flows" sh -c "'$ND' --snapshot '$TOP/tests/bundles/policy' can-reach --matrix --port 8080 | grep -q '^[0-9]* of [0-9]* flows allowed, [0-9]* denied' && ! '$ND' --snapshot '$TOP/tests/bundles/policy' can-reach --matrix --port 8080 | grep -q 'no problems found'"

# can-i: a verb that is not a Kubernetes verb is warned about, with the nearest, and no Role is proposed for it
check "can-i gett: warned, nearest named, no fix" sh -c "'$ND' --snapshot '$TOP/tests/bundles/policy' can-i gett pods --as system:serviceaccount:default:x -o json 2>'$WORK/w.err' | jq -e '(.verdict.warning | test(\"did you mean .get.\")) and (.findings | length == 0)' >/dev/null && grep -q 'not a known verb' '$WORK/w.err'"
check "can-i podz: unknown resource warned, nearest named, no fix" sh -c "'$ND' --snapshot '$TOP/tests/bundles/policy' can-i get podz --as system:serviceaccount:default:x -o json 2>'$WORK/w.err' | jq -e '(.verdict.warning | test(\"did you mean .pods.\")) and (.findings | length == 0)' >/dev/null && grep -q 'not a known resource' '$WORK/w.err'"
check "can-i pod / networkpolicy: kubectl's singular forms resolve" sh -c "'$ND' --snapshot '$TOP/tests/bundles/policy' can-i list networkpolicy --as system:serviceaccount:default:x -o json 2>'$WORK/w.err' | jq -e '(.verdict.warning == null) and ([.findings[].evidence.resource] | any(test(\"^networkpolicies\")))' >/dev/null"
check "can-i widgets.example.com: a custom resource is not warned about" sh -c "'$ND' --snapshot '$TOP/tests/bundles/policy' can-i get widgets.example.com --as system:serviceaccount:default:x -o json 2>/dev/null | jq -e '.verdict.warning == null' >/dev/null"
check "can-i get: no warning, the fix is proposed" sh -c "'$ND' --snapshot '$TOP/tests/bundles/policy' can-i get pods --as system:serviceaccount:default:x -o json 2>/dev/null | jq -e '(.verdict.warning == null) and ([.findings[].code] == [\"incluster-forbidden\"])' >/dev/null"

# can-reach takes named ports: a pod's containerPort name, a Service's port name
pb="$TOP/tests/bundles/policy"
check "can-reach ns/pod:name = ns/pod:number" sh -c "test \"\$('$ND' --snapshot '$pb' can-reach frontend/web-1 backend/api-1:http -o json | jq -c .verdict)\" = \"\$('$ND' --snapshot '$pb' can-reach frontend/web-1 backend/api-1:8080 -o json | jq -c .verdict)\""
check "can-reach svc:ns/name:portname = the number" sh -c "test \"\$('$ND' --snapshot '$pb' can-reach backend/api-1 svc:data/db:pg -o json | jq -c .verdict)\" = \"\$('$ND' --snapshot '$pb' can-reach backend/api-1 svc:data/db:5432 -o json | jq -c .verdict)\""
check_rc "can-reach: an unknown port name is a usage error" 2 "$ND" --snapshot "$pb" can-reach frontend/web-1 backend/api-1:nope
check "can-reach: the unknown name's error lists the names" sh -c "'$ND' --snapshot '$pb' can-reach frontend/web-1 backend/api-1:nope 2>&1 | grep -q \"its named ports: http\""

# a .tar.gz is read from a private folder that is gone after the run: evidence names the archive
mkdir -p "$WORK/tar" && cp -R "$demo" "$WORK/tar/kb" && (cd "$WORK/tar" && tar czf kb.tar.gz kb)
check "tarball: node evidence names the archive, not the private folder" sh -c "'$ND' --snapshot '$WORK/tar/kb.tar.gz' -o json | jq -e '[.findings[].evidence.store_dir // empty] | length > 0 and all(startswith(\"$WORK/tar/kb.tar.gz/nodes/\"))' >/dev/null"
