# http-answer.sh STATUS: read one HTTP request head from stdin and answer STATUS
# (470 answers as Azure Firewall does when no application rule matches).
while IFS= read -r line; do
	case $line in "" | "$(printf '\r')") break ;; esac
done
if [ "$1" = 470 ]; then
	body='Action: Deny. Reason: No rule matched. Proceeding with default action.'
	printf 'HTTP/1.1 470 status code 470\r\nContent-Length: %s\r\nConnection: close\r\n\r\n%s' \
		"${#body}" "$body"
else
	printf 'HTTP/1.1 %s OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok' "$1"
fi
