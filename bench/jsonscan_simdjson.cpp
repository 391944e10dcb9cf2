// SPDX-License-Identifier: MIT
// Debian's simdjson (libsimdjson-dev) behind one C function, for bench/jsonscan:
// the whole file is loaded (simdjson parses one padded document), then either
// the DOM parser builds its tape of the whole document (full validation,
// UTF-8 included) or the On Demand front end walks "items" and reads each
// item's metadata.name. Returns the number of items, or -1 with err filled.
#include <simdjson.h>

#include <cstdio>
#include <cstring>

extern "C" long nd_bench_simdjson(const char *path, int ondemand, char *err, size_t errlen)
{
	simdjson::padded_string json;
	auto le = simdjson::padded_string::load(path).get(json);
	if (le) {
		snprintf(err, errlen, "load: %s", simdjson::error_message(le));
		return -1;
	}
	long n = 0;
	if (!ondemand) {
		simdjson::dom::parser parser;
		simdjson::dom::element doc;
		auto e = parser.parse(json).get(doc);
		if (e) {
			snprintf(err, errlen, "%s", simdjson::error_message(e));
			return -1;
		}
		simdjson::dom::array items;
		if ((e = doc["items"].get_array().get(items))) {
			snprintf(err, errlen, "items: %s", simdjson::error_message(e));
			return -1;
		}
		for (auto it : items) {
			std::string_view name;
			if (!it["metadata"]["name"].get_string().get(name))
				n++;
		}
		return n;
	}
	simdjson::ondemand::parser parser;
	simdjson::ondemand::document doc;
	auto e = parser.iterate(json).get(doc);
	if (e) {
		snprintf(err, errlen, "%s", simdjson::error_message(e));
		return -1;
	}
	simdjson::ondemand::array items;
	if ((e = doc["items"].get_array().get(items))) {
		snprintf(err, errlen, "items: %s", simdjson::error_message(e));
		return -1;
	}
	for (auto it : items) {
		simdjson::ondemand::object o;
		if ((e = it.get_object().get(o))) {
			snprintf(err, errlen, "item: %s", simdjson::error_message(e));
			return -1;
		}
		std::string_view name;
		if ((e = o["metadata"]["name"].get_string().get(name))) {
			snprintf(err, errlen, "name: %s", simdjson::error_message(e));
			return -1;
		}
		n++;
	}
	return n;
}
