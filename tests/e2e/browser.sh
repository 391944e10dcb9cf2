# Headless Chromium for the tests that look at an HTML report in a browser
# (sourced after lib.sh). CHROMIUM is empty when there is none; chrome runs it
# in a network namespace of its own when it can (unshare -n), with every host
# name mapped to nothing: it cannot send a packet anywhere.
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
NETNS=""
if [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
	NETNS="unshare -n"
fi

# chrome OUT ERR ARGS...: headless, no network, no profile left behind
chrome() {
	_out=$1 _err=$2
	shift 2
	$NETNS timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--user-data-dir="$WORK/profile" --no-first-run --disable-extensions --disable-sync \
		--disable-background-networking --disable-component-update --mute-audio \
		'--host-resolver-rules=MAP * ~NOTFOUND' --enable-logging=stderr --v=0 \
		"$@" > "$_out" 2> "$_err"
}

# the page's console: anything the page logged (CSP refusals, script errors)
console_of() { grep ':CONSOLE' "$1" || true; }
