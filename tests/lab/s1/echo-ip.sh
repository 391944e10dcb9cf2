#!/bin/sh
# The lab's egress-IP echo service: socat runs this per connection and sets
# SOCAT_PEERADDR to the caller's address; the answer is that address.
printf 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n%s\n' "$SOCAT_PEERADDR"
