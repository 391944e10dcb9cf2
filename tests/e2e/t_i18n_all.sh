#!/bin/sh
# Italian all the way: every line netdiag writes for people under --lang it
# differs from the English one, unless it is data (a command to run, an
# evidence value, an example command line). A line that reads the same in
# both languages and holds three English words in a row is a message that
# is missing from po/it.po or was never marked for translation.
. "$TOP/tests/e2e/lib.sh"

demo="$TOP/examples/aks-kubenet-broken"

# same NAME ARGS...: the English lines found unchanged in the Italian output
same() {
	_n=$1
	shift
	"$ND" --lang en "$@" > "$WORK/en.txt" 2>&1
	"$ND" --lang it "$@" > "$WORK/it.txt" 2>&1
	grep -Fxf "$WORK/en.txt" "$WORK/it.txt" |
		grep -vE '^ *\$ |^ {12}|^ *kubectl |^ *netdiag |<dd>|<pre class="cmd">|<td>' |
		grep -E '(^|[ (>])[a-z]{2,} [a-z]{2,} [a-z]{2,}' > "$WORK/same.txt"
	if [ -s "$WORK/same.txt" ]; then
		not_ok "it: every message of '$_n' is Italian" "$(head -n 10 "$WORK/same.txt")"
	else
		ok "it: every message of '$_n' is Italian"
	fi
}

same "--help" --help
# every command of the table, as --help lists them
for c in $("$ND" --lang en --help | awk '/^commands:/ { f = 1; next } f && /^$/ { exit } f && /^  [a-z]/ { print $1 }'); do
	same "$c --help" "$c" --help
done
same "diagnose (text)" diagnose --snapshot "$demo"
same "--brief" --brief --snapshot "$demo"
same "-o html" -o html --snapshot "$demo"
same "an empty bundle" diagnose --snapshot "$TOP/tests/bundles/empty"
same "can-reach --matrix" --snapshot "$TOP/tests/bundles/policy" can-reach --matrix --port 8080
same "an unknown option" diagnose --bogus
same "a bad -o" -o yaml
same "a missing argument" service
same "an unknown command" nosuch
check "it: severities and statuses in Italian" sh -c "
	'$ND' --lang it --snapshot '$demo' | grep -q '^  errore  ipam-leak' &&
	'$ND' --lang it --snapshot '$demo' | grep -q '^  saltato  ipam-node'"
check "it: a usage error before the command is parsed is Italian" sh -c "
	'$ND' --lang it diagnose --bogus 2>&1 | grep -q \"^netdiag diagnose: opzione sconosciuta '--bogus'\" &&
	'$ND' --lang=it diagnose --bogus 2>&1 | grep -q '^uso: netdiag \[opzioni globali\] diagnose'"

# Bad input is answered in Italian too: the JSON decoders, the kubeconfig
# reader, the node-file readers (host-local, CNI config), the option parser and
# serve's start-up. Each case asserts the Italian message itself (an English
# one left in the output fails) and, through same, that no other line of the
# run stayed English.
bad="$WORK/bad"
mkdir -p "$bad/trunc/cluster"
printf '{"kind":"PodList","items":[{"metadata":' > "$bad/trunc/cluster/pods.json"
printf 'apiVersion: v1\nclusters:\n- cluster:\n    server: https://127.0.0.1:1\n  name: [a\n' \
	> "$bad/kc-cut.yaml"
printf 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n' > "$bad/kc-none.yaml"
cp -R "$TOP/tests/bundles/hostlocal-multi" "$bad/hl"
echo 'abc' > "$bad/hl/nodes/aks-nodepool1-27182818-vmss000000/cni/networks/kubenet/10.244.0.300"
printf '{"cniVersion":"0.3.1","name":' \
	> "$bad/hl/nodes/aks-nodepool1-27182818-vmss000001/cni/net.d/10-containerd-net.conflist"

# italian NAME PATTERN ARGS...: the Italian output holds PATTERN (grep -E) and
# the English one does not; then same NAME ARGS...
italian() {
	_n=$1 _p=$2
	shift 2
	if "$ND" --lang it "$@" 2>&1 | grep -qE -- "$_p" &&
		! "$ND" --lang en "$@" 2>&1 | grep -qE -- "$_p"; then
		ok "it: $_n: the message is Italian"
	else
		not_ok "it: $_n: the message is Italian" "$("$ND" --lang it "$@" 2>&1 | head -n 5)"
	fi
	same "$_n" "$@"
}

italian "an empty JSON file" "JSON non valido al byte 0: il file è vuoto" \
	--snapshot "$TOP/tests/bundles/bad-input"
italian "invalid UTF-8 in JSON" "JSON non valido al byte 221: UTF-8 non valido nella stringa" \
	--snapshot "$TOP/tests/bundles/bad-input"
italian "a wrong JSON type" "containerPort: atteso un intero, trovato una stringa" \
	--snapshot "$TOP/tests/bundles/bad-input"
italian "a truncated JSON file" \
	"JSON non valido al byte 39: fine del file inattesa dentro un valore che inizia al byte 27 \(file troncato\?\)" \
	--snapshot "$bad/trunc"
italian "a truncated YAML kubeconfig" \
	"impossibile analizzare il kubeconfig '[^']*kc-cut.yaml' alla riga 6, colonna 1: non trovata la ',' o la '\\]' attesa" \
	--kubeconfig "$bad/kc-cut.yaml" diagnose
italian "a kubeconfig without current-context" \
	"il kubeconfig '[^']*' non ha current-context; sceglietene uno con --context" \
	--kubeconfig "$bad/kc-none.yaml" diagnose
italian "a missing bundle" "impossibile aprire il bundle '[^']*nosuch'" --snapshot "$bad/nosuch"
italian "a bad duration" "^netdiag: --timeout accetta una durata come 5s o 1m30s, non '5x'" \
	--timeout 5x diagnose --snapshot "$demo"
italian "a bad host-local file name" \
	"kubenet/10.244.0.300': non è un nome di file IP valido" --snapshot "$bad/hl"
italian "a truncated CNI config" \
	"una configurazione CNI in '[^']*' non può essere letta, quindi le reti del nodo sono sconosciute: '[^']*conflist': JSON non valido al byte [0-9]+: fine dell'input inattesa" \
	--snapshot "$bad/hl"
italian "a bad listen address" \
	"^netdiag serve: indirizzo di ascolto non valido '127.0.0.1:99999': la porta deve essere 0-65535" \
	serve --listen 127.0.0.1:99999 --snapshot "$demo"

# serve --lang it: the command's own messages are Italian, while what its
# request threads answer kubectl stays as the API server writes it (English).
if command -v kubectl >/dev/null 2>&1; then
	SPID=""
	trap '[ -n "$SPID" ] && kill "$SPID" 2>/dev/null; rm -rf "$WORK"' EXIT INT TERM
	"$ND" --lang it serve --snapshot "$TOP/tests/serve-tables" --listen 127.0.0.1:0 \
		--write-kubeconfig "$WORK/kc" > "$WORK/serve.out" 2> "$WORK/serve.err" &
	SPID=$!
	i=0
	while [ $i -lt 200 ] && [ ! -s "$WORK/serve.out" ] && kill -0 "$SPID" 2>/dev/null; do
		sleep 0.05
		i=$((i + 1))
	done
	kubectl --kubeconfig "$WORK/kc" --cache-dir "$WORK/kcache" --request-timeout 20s \
		get pods -n app -l 'app in (a' > "$WORK/kubectl.out" 2>&1
	check "it: serve's answer to kubectl stays in the API server's English" \
		grep -q "unable to parse requirement: invalid selector 'app in (a': expected ')' at position 10" \
		"$WORK/kubectl.out"
	check "it: serve's own start-up line is Italian" \
		grep -q "^netdiag serve: [0-9]* oggetti di [0-9]* tipi da " "$WORK/serve.err"
	kill "$SPID" 2>/dev/null
	wait "$SPID" 2>/dev/null
	SPID=""
	# the live client's own messages: a list the server keeps failing (500, retried)
	: > "$WORK/serve.out"
	"$ND" serve --snapshot "$demo" --listen 127.0.0.1:0 --write-kubeconfig "$WORK/kc-500" \
		--fault-500-path /api/v1/services > "$WORK/serve.out" 2> "$WORK/serve.err" &
	SPID=$!
	i=0
	while [ $i -lt 200 ] && [ ! -s "$WORK/serve.out" ] && kill -0 "$SPID" 2>/dev/null; do
		sleep 0.05
		i=$((i + 1))
	done
	italian "a list the API server keeps failing" \
		"(ancora in errore dopo [0-9]+ tentativi|non ritentato: la scadenza --timeout dell'esecuzione arriva prima del prossimo tentativo|non elencato, la scadenza --timeout dell'esecuzione è passata durante i nuovi tentativi)" \
		--timeout 3s --kubeconfig "$WORK/kc-500" diagnose
	kill "$SPID" 2>/dev/null
	wait "$SPID" 2>/dev/null
	SPID=""
else
	not_ok "it: serve's answers stay English" "kubectl is needed"
fi
