/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * jobmatch - the command-line client of jobmatchd.
 *
 *   jobmatch [-a HOST:PORT | -u PATH] [-t TOKEN] call METHOD [JSON]
 *   jobmatch [...] load [--from N] FILE.jsonl
 *   jobmatch [...] import [--dry-run] FILE.csv
 *   jobmatch [...] match --type T --grade G (--town CODE | --at LAT,LON) ...
 *   jobmatch [...] report --year Y | --employer ID | --fair ID ...
 *   jobmatch [...] export persons [--from D] [--to D] [-o FILE]
 *   jobmatch hash-token [TOKEN]
 *
 * The token may also come from JOBMATCH_TOKEN, the address from
 * JOBMATCH_ADDR, so that neither shows in the process list.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdbool.h>
#include <getopt.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "proto/rpc.h"
#include "tools/jobmatch.h"

int client_sock = -1;

/* Answers read and not yet taken: buf[off..len); from off, scanned bytes
 * are known to hold no newline. */
static struct {
	char	*buf;
	size_t	 off, len, cap, scanned;
} in;

static const char usage_main[] =
"usage: jobmatch [-a HOST:PORT | -u PATH] [-t TOKEN] COMMAND [ARGS]\n"
"       jobmatch -h | --help | --version\n"
"commands:\n"
"  call METHOD [JSON]        call one method, print its result\n"
"  load [--from N] FILE      send every line {\"method\":..,\"params\":..}\n"
"  import [--dry-run] [--kind employers|jobs] FILE.csv\n"
"                            send a spreadsheet's employers or postings\n"
"  match OPTIONS             find posts for a profile\n"
"  report --year Y [--to DATE] [--format csv|json] [-o FILE]\n"
"                            the plan's annual report (staff)\n"
"  report --employer ID | --fair ID [--format csv|json] [-o FILE]\n"
"                            an employer's own figures; a fair's\n"
"  export persons [--from D] [--to D] [-o FILE]\n"
"                            one CSV row a registered seeker (staff)\n"
"  hash-token [TOKEN]        print the SHA-256 digest for the config\n"
"options:\n"
"  -a HOST:PORT  the daemon's TCP address (default: JOBMATCH_ADDR, or\n"
"                127.0.0.1:7474)\n"
"  -u PATH       its unix socket instead\n"
"  -t TOKEN      the token to say hello with (default: JOBMATCH_TOKEN;\n"
"                prefer it: an option shows in the process list)\n"
"'jobmatch COMMAND --help' describes a command.\n";

static const char usage_call[] =
"usage: jobmatch [OPTIONS] call METHOD [JSON]\n"
"Calls METHOD with the params object JSON (none when left out) and prints\n"
"its result as indented JSON. An error answer goes to standard error,\n"
"with exit status 1.\n";

static const char usage_match[] =
"usage: jobmatch [OPTIONS] match --type T --grade G\n"
"           (--town CODE | --at LAT,LON) [--skills A,B] [--needs A,B]\n"
"           [--flags A,B] [--max-km N] [--limit N] [--offset N]\n"
"           [--employment-types A,B] [--employer-types A,B]\n"
"           [--min-salary N] [--explain] [--json]\n"
"Finds the open posts that fit a profile and prints them ranked.\n"
"  --type T, --grade G      disability type and grade (1-4); required\n"
"  --town CODE, --at LAT,LON  where the seeker lives; one is required\n"
"  --skills, --needs, --flags  the seeker's skills, the accommodations\n"
"                           needed, flags (graduate, rural, ...)\n"
"  --max-km N               the farthest a post may be\n"
"  --limit N, --offset N    how many results (1-100), how many to skip\n"
"  --employment-types, --employer-types, --min-salary N  filters\n"
"  --explain                each result's score parts and rules\n"
"  --json                   the daemon's result as JSON\n"
"The vocabulary: jobmatch call vocab.\n";

static const char usage_hash_token[] =
"usage: jobmatch hash-token [--] [TOKEN]\n"
"Prints the SHA-256 digest of TOKEN, or of the first line of standard\n"
"input, in hexadecimal: the form a 'token' line of jobmatchd.conf takes.\n"
"It does not connect to the daemon.\n";

void
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "jobmatch: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* A usage error: text to stderr, exit 2. */
static void __attribute__((noreturn))
usage(const char *text)
{
	fputs(text, stderr);
	exit(2);
}

/* Asked for: text to stdout, exit 0. */
static void __attribute__((noreturn))
help(const char *text)
{
	fputs(text, stdout);
	exit(ferror(stdout) || fflush(stdout) != 0 ? 2 : 0);
}

/* Whether args (a command's) ask for its help: "-h" or "--help" before
 * any "--". */
static bool
wants_help(int argc, char **argv)
{
	for (int i = 0; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0)
			return true;
	return false;
}

static void
connect_to(const char *addr, const char *path)
{
	if (path != NULL) {
		struct sockaddr_un sun;
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		if (strlen(path) >= sizeof(sun.sun_path))
			die("%s: path too long", path);
		strcpy(sun.sun_path, path);
		if ((client_sock = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
		    connect(client_sock, (struct sockaddr *)&sun,
		    sizeof(sun)) == -1)
			die("%s: %s", path, strerror(errno));
		return;
	}
	char host[256], *colon;
	struct addrinfo hints, *res, *ai;
	int rc;

	if (strlen(addr) >= sizeof(host))
		die("%s: address too long", addr);
	strcpy(host, addr);
	if ((colon = strrchr(host, ':')) == NULL)
		die("%s: expected HOST:PORT", addr);
	*colon = '\0';
	if (host[0] == '[' && colon[-1] == ']') {
		colon[-1] = '\0';
		memmove(host, host + 1, strlen(host));
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, colon + 1, &hints, &res)) != 0)
		die("%s: %s", addr, gai_strerror(rc));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((client_sock = socket(ai->ai_family, ai->ai_socktype,
		    0)) == -1)
			continue;
		if (connect(client_sock, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(client_sock);
		client_sock = -1;
	}
	freeaddrinfo(res);
	if (client_sock == -1)
		die("cannot connect to %s: %s", addr, strerror(errno));
}

static void
send_all(const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = send(client_sock, buf, len, MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			die("send: %s", strerror(errno));
		}
		buf += n;
		len -= (size_t)n;
	}
}

char *
request_line(json_int_t id, const char *method, json_t *params, size_t *len)
{
	json_t *req = json_pack("{s:s, s:I, s:s}", "jsonrpc", "2.0", "id", id,
	    "method", method);
	char *buf;

	if (req == NULL)
		die("out of memory");
	if (params != NULL)
		json_object_set(req, "params", params);
	if ((buf = rpc_dump(req, len)) == NULL)
		die("cannot encode the request");
	json_decref(req);
	return buf;
}

static void
send_request(json_int_t id, const char *method, json_t *params)
{
	size_t len;
	char *buf = request_line(id, method, params, &len);

	send_all(buf, len);
	free(buf);
}

ssize_t
response_fill(int flags)
{
	ssize_t n;

	if (in.off > 0 && (in.off == in.len || in.off > in.cap / 2)) {
		memmove(in.buf, in.buf + in.off, in.len - in.off);
		in.len -= in.off;
		in.off = 0;
	}
	if (in.cap - in.len < 65536) {
		size_t cap = in.cap < 65536 ? 131072 : in.cap * 2;
		char *p = realloc(in.buf, cap);

		if (p == NULL)
			die("out of memory");
		in.buf = p;
		in.cap = cap;
	}
	n = recv(client_sock, in.buf + in.len, in.cap - in.len, flags);
	if (n > 0)
		in.len += (size_t)n;
	return n;
}

json_t *
response_take(void)
{
	char *start = in.buf + in.off, *nl;
	json_error_t je;
	json_t *resp;

	if (in.len == in.off)
		return NULL;
	nl = memchr(start + in.scanned, '\n', in.len - in.off - in.scanned);
	if (nl == NULL) {
		in.scanned = in.len - in.off;
		return NULL;
	}
	if ((resp = json_loadb(start, (size_t)(nl - start), 0, &je)) == NULL)
		die("bad response: %s", je.text);
	in.off += (size_t)(nl - start) + 1;
	in.scanned = 0;
	return resp;
}

/* Reads one answer, waiting for it. */
static json_t *
read_response(void)
{
	json_t *resp;
	ssize_t n;

	while ((resp = response_take()) == NULL) {
		if ((n = response_fill(0)) == 0)
			die("the server closed the connection");
		if (n == -1 && errno != EINTR)
			die("recv: %s", strerror(errno));
	}
	return resp;
}

void
print_error(const char *where, json_t *err)
{
	json_t *data = json_object_get(err, "data");
	const char *field = json_string_value(json_object_get(data, "field"));
	const char *reason = json_string_value(json_object_get(data,
	    "reason"));

	fprintf(stderr, "%s%s%d %s", where ? where : "", where ? ": " : "",
	    (int)json_integer_value(json_object_get(err, "code")),
	    json_string_value(json_object_get(err, "message")));
	if (field != NULL)
		fprintf(stderr, " (%s)", field);
	else if (reason != NULL)
		fprintf(stderr, " (%s)", reason);
	fputc('\n', stderr);
}

json_t *
call(const char *method, json_t *params)
{
	json_t *resp, *res, *err;

	send_request(1, method, params);
	resp = read_response();
	if ((err = json_object_get(resp, "error")) != NULL) {
		print_error(method, err);
		exit(1);
	}
	res = json_incref(json_object_get(resp, "result"));
	json_decref(resp);
	return res;
}

char client_role[16] = "anonymous";
char client_employer[128];

static void
hello(const char *token)
{
	json_t *p, *r;
	const char *s;

	if (token == NULL || token[0] == '\0')
		return;
	p = json_pack("{s:s}", "token", token);
	r = call("hello", p);
	if ((s = json_string_value(json_object_get(r, "role"))) != NULL)
		snprintf(client_role, sizeof(client_role), "%s", s);
	if ((s = json_string_value(json_object_get(r, "employer_id"))) != NULL)
		snprintf(client_employer, sizeof(client_employer), "%s", s);
	json_decref(p);
	json_decref(r);
}

static int
cmd_call(int argc, char **argv)
{
	json_t *params = NULL, *res;
	json_error_t je;
	char *out;

	if (argc > 0 && strcmp(argv[0], "--") == 0) {
		argc--;
		argv++;
	}
	if (argc < 1 || argc > 2 || argv[0][0] == '-')
		usage(usage_call);
	if (argc == 2 && (params = json_loads(argv[1], 0, &je)) == NULL)
		die("params: %s", je.text);
	res = call(argv[0], params);
	out = json_dumps(res, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
	printf("%s\n", out != NULL ? out : "null");
	free(out);
	json_decref(res);
	json_decref(params);
	return 0;
}

/* "a,b,c" as a JSON array of strings. */
static json_t *
csv_array(const char *s)
{
	json_t *a = json_array();
	char *copy = strdup(s), *tok, *save = NULL;

	if (a == NULL || copy == NULL)
		die("out of memory");
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save))
		json_array_append_new(a, json_string(tok));
	free(copy);
	return a;
}

long
num_arg(const char *name, const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || *end != '\0')
		die("--%s: expected a number", name);
	return v;
}

static void
print_hit(size_t rank, json_t *hit)
{
	json_t *job = json_object_get(hit, "job"), *sal, *x;
	const char *emp = json_string_value(json_object_get(job,
	    "employer_name"));

	printf("%2zu. %.3f %6.1f km  %s · %s  [%s/%s]\n", rank,
	    json_number_value(json_object_get(hit, "score")),
	    json_number_value(json_object_get(hit, "distance_km")),
	    emp != NULL ? emp : json_string_value(json_object_get(job,
	    "employer_id")),
	    json_string_value(json_object_get(job, "title")),
	    json_string_value(json_object_get(job, "employer_id")),
	    json_string_value(json_object_get(job, "id")));
	printf("      %s", json_string_value(json_object_get(job,
	    "employment_type")));
	if (json_is_object(sal = json_object_get(job, "salary")))
		printf(", %lld-%lld 元/月",
		    json_integer_value(json_object_get(sal, "min")),
		    json_integer_value(json_object_get(sal, "max")));
	if (json_is_true(json_object_get(job, "remote")))
		printf(", remote");
	printf("\n");
	if ((x = json_object_get(hit, "explain")) != NULL) {
		json_t *rules = json_object_get(x, "rules"), *v;
		size_t i;

		printf("      skills %.3f + distance %.3f + policy %.3f",
		    json_number_value(json_object_get(x, "skills")),
		    json_number_value(json_object_get(x, "distance")),
		    json_number_value(json_object_get(x, "policy")));
		json_array_foreach(rules, i, v)
			printf("%s%s", i == 0 ? "  (" : ", ",
			    json_string_value(v));
		printf("%s\n", json_array_size(rules) ? ")" : "");
	}
}

static int
cmd_match(int argc, char **argv)
{
	enum { O_TYPE = 1, O_GRADE, O_TOWN, O_AT, O_SKILLS, O_NEEDS, O_FLAGS,
	    O_MAXKM, O_LIMIT, O_OFFSET, O_ETYPES, O_EMPTYPES, O_MINSAL,
	    O_EXPLAIN, O_JSON };
	static const struct option opts[] = {
		{ "type", required_argument, NULL, O_TYPE },
		{ "grade", required_argument, NULL, O_GRADE },
		{ "town", required_argument, NULL, O_TOWN },
		{ "at", required_argument, NULL, O_AT },
		{ "skills", required_argument, NULL, O_SKILLS },
		{ "needs", required_argument, NULL, O_NEEDS },
		{ "flags", required_argument, NULL, O_FLAGS },
		{ "max-km", required_argument, NULL, O_MAXKM },
		{ "limit", required_argument, NULL, O_LIMIT },
		{ "offset", required_argument, NULL, O_OFFSET },
		{ "employment-types", required_argument, NULL, O_ETYPES },
		{ "employer-types", required_argument, NULL, O_EMPTYPES },
		{ "min-salary", required_argument, NULL, O_MINSAL },
		{ "explain", no_argument, NULL, O_EXPLAIN },
		{ "json", no_argument, NULL, O_JSON },
		{ NULL, 0, NULL, 0 }
	};
	json_t *profile = json_object(), *dis = json_object();
	json_t *params = json_object(), *filters = json_object(), *res, *v;
	bool as_json = false;
	size_t i;
	int ch;

	if (profile == NULL || dis == NULL || params == NULL || filters == NULL)
		die("out of memory");
	optind = 0;
	argv--;
	argc++;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		double lat, lon;
		switch (ch) {
		case O_TYPE:
			json_object_set_new(dis, "type", json_string(optarg));
			break;
		case O_GRADE:
			json_object_set_new(dis, "grade",
			    json_integer(num_arg("grade", optarg)));
			break;
		case O_TOWN:
			json_object_set_new(profile, "town",
			    json_string(optarg));
			break;
		case O_AT:
			if (sscanf(optarg, "%lf,%lf", &lat, &lon) != 2)
				die("--at: expected LAT,LON");
			json_object_set_new(profile, "location",
			    json_pack("{s:f, s:f}", "lat", lat, "lon", lon));
			break;
		case O_SKILLS:
			json_object_set_new(profile, "skills",
			    csv_array(optarg));
			break;
		case O_NEEDS:
			json_object_set_new(profile, "needs",
			    csv_array(optarg));
			break;
		case O_FLAGS:
			json_object_set_new(profile, "flags",
			    csv_array(optarg));
			break;
		case O_MAXKM:
			json_object_set_new(profile, "max_distance_km",
			    json_real(atof(optarg)));
			break;
		case O_LIMIT:
			json_object_set_new(params, "limit",
			    json_integer(num_arg("limit", optarg)));
			break;
		case O_OFFSET:
			json_object_set_new(params, "offset",
			    json_integer(num_arg("offset", optarg)));
			break;
		case O_ETYPES:
			json_object_set_new(filters, "employment_types",
			    csv_array(optarg));
			break;
		case O_EMPTYPES:
			json_object_set_new(filters, "employer_types",
			    csv_array(optarg));
			break;
		case O_MINSAL:
			json_object_set_new(filters, "min_salary",
			    json_integer(num_arg("min-salary", optarg)));
			break;
		case O_EXPLAIN:
			json_object_set_new(params, "explain", json_true());
			break;
		case O_JSON:
			as_json = true;
			break;
		default:
			usage(usage_match);
		}
	}
	if (optind != argc)
		usage(usage_match);
	json_object_set_new(profile, "disability", dis);
	json_object_set_new(params, "profile", profile);
	if (json_object_size(filters) > 0)
		json_object_set_new(params, "filters", filters);
	else
		json_decref(filters);
	res = call("match", params);
	json_decref(params);
	if (as_json) {
		char *out = json_dumps(res, JSON_INDENT(2) |
		    JSON_REAL_PRECISION(12));
		printf("%s\n", out != NULL ? out : "null");
		free(out);
	} else {
		printf("%lld posts fit; best %zu (in %lld us):\n",
		    json_integer_value(json_object_get(res, "candidates")),
		    json_array_size(json_object_get(res, "results")),
		    json_integer_value(json_object_get(res, "took_us")));
		json_array_foreach(json_object_get(res, "results"), i, v)
			print_hit(i + 1, v);
	}
	json_decref(res);
	return 0;
}

static int
cmd_hash_token(int argc, char **argv)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char *buf = NULL;
	size_t cap = 0;
	const char *tok;
	size_t len;

	if (argc > 0 && strcmp(argv[0], "--") == 0) {
		argc--;
		argv++;
	} else if (argc > 0 && argv[0][0] == '-')
		usage(usage_hash_token);
	if (argc > 1)
		usage(usage_hash_token);
	if (argc == 1)
		tok = argv[0];
	else {
		ssize_t n = getline(&buf, &cap, stdin);
		if (n <= 0)
			die("no token on standard input");
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
			buf[--n] = '\0';
		tok = buf;
	}
	len = strlen(tok);
	if (len == 0)
		die("empty token");
	if (EVP_Digest(tok, len, md, &mdlen, EVP_sha256(), NULL) != 1)
		die("SHA-256 failed");
	for (unsigned i = 0; i < mdlen; i++)
		printf("%02x", md[i]);
	printf("\n");
	free(buf);
	return 0;
}

#define LIST_PAGE	1000

json_t *
call_all(const char *method, json_t *params, const char *key)
{
	json_t *all = json_array(), *res;
	const char *cursor;

	json_object_set_new(params, "limit", json_integer(LIST_PAGE));
	for (;;) {
		res = call(method, params);
		json_array_extend(all, json_object_get(res, key));
		cursor = json_string_value(json_object_get(res, "next_cursor"));
		if (cursor == NULL) {
			json_decref(res);
			break;
		}
		json_object_set_new(params, "cursor", json_string(cursor));
		json_decref(res);
	}
	return all;
}

static const struct command {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*usage;
	bool		 connects;
} commands[] = {
	{ "call",	cmd_call,	usage_call,		true },
	{ "load",	cmd_load,	usage_load,		true },
	{ "import",	cmd_import,	usage_import,		true },
	{ "match",	cmd_match,	usage_match,		true },
	{ "report",	cmd_report,	usage_report,		true },
	{ "export",	cmd_export,	usage_export,		true },
	{ "hash-token",	cmd_hash_token,	usage_hash_token,	false },
};

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *addr = getenv("JOBMATCH_ADDR"), *path = NULL;
	const char *token = getenv("JOBMATCH_TOKEN");
	const struct command *cmd = NULL;
	int ch, rc;

	if (addr == NULL || addr[0] == '\0')
		addr = "127.0.0.1:7474";
	while ((ch = getopt_long(argc, argv, "+a:u:t:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			addr = optarg;
			break;
		case 'u':
			path = optarg;
			break;
		case 't':
			token = optarg;
			break;
		case 'h':
			help(usage_main);
		case 'V':
			printf("jobmatch %s\n", JM_VERSION);
			return 0;
		default:
			usage(usage_main);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage(usage_main);
	for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			cmd = &commands[i];
	if (cmd == NULL) {
		fprintf(stderr, "jobmatch: unknown command '%s'\n", argv[0]);
		usage(usage_main);
	}
	if (wants_help(argc - 1, argv + 1))
		help(cmd->usage);
	if (cmd->connects) {
		connect_to(addr, path);
		hello(token);
	}
	rc = cmd->fn(argc - 1, argv + 1);
	if (client_sock != -1)
		close(client_sock);
	free(in.buf);
	return rc;
}
