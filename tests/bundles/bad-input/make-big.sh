#!/bin/sh
# Writes the two large malformed-on-purpose inputs of this bundle into
# DIR (default: the bundle's cluster/ directory). Run at test time; the
# output is not committed (see cluster/.gitignore). POSIX sh + coreutils.
#   big-string.json   a valid Pod whose annotation
#                     value is one 10 MiB (10485760-byte) string
#   deep-nesting.json 100000 nested arrays: [[[[...]]]]
set -eu
dir=${1:-$(cd "$(dirname "$0")" && pwd)/cluster}
mkdir -p "$dir"
big=10485760
depth=100000

{
	printf '{\n    "apiVersion": "v1",\n    "kind": "Pod",\n    "metadata": {\n'
	printf '        "annotations": {\n            "example.com/blob": "'
	head -c "$big" /dev/zero | tr '\0' 'a'
	printf '"\n        },\n'
	printf '        "creationTimestamp": "2025-06-12T09:00:00Z",\n'
	printf '        "labels": {\n            "app": "big"\n        },\n'
	printf '        "name": "big-string",\n        "namespace": "bad",\n'
	printf '        "resourceVersion": "4190001",\n        "uid": "0f0e0d0c-0b0a-4909-8807-060504030201"\n    },\n'
	printf '    "spec": {\n        "containers": [\n            {\n'
	printf '                "image": "ghcr.io/example/web:1.0.0",\n                "name": "web"\n'
	printf '            }\n        ],\n        "nodeName": "aks-nodepool1-10101010-vmss000000"\n    },\n'
	printf '    "status": {\n        "phase": "Running",\n        "podIP": "10.244.0.60",\n'
	printf '        "podIPs": [\n            {\n                "ip": "10.244.0.60"\n            }\n        ]\n    }\n}\n'
} >"$dir/big-string.json"

{
	head -c "$depth" /dev/zero | tr '\0' '['
	head -c "$depth" /dev/zero | tr '\0' ']'
	printf '\n'
} >"$dir/deep-nesting.json"
