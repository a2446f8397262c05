/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * store_scripts.c - the Lua scripts of the store. Each write is one script:
 * its checks first, then the record, its index entries and its
 * change-stream entry, which Redis applies atomically. ARGV[1] is always
 * the key prefix.
 */
#include "daemon/store_limits.h"
#include "daemon/store_scripts.h"

/* A constant of the C side written into a script's text. */
#define STR(x)	STR_(x)
#define STR_(x)	#x

const char script_put_employer[] =
"local p, id = ARGV[1], ARGV[2]\n"
"local key = p..'employer:'..id\n"
"local v = redis.call('HINCRBY', key, 'version', 1)\n"
"redis.call('HSET', key, 'doc', ARGV[3], 'updated_at', ARGV[4])\n"
"local created = redis.call('HSETNX', key, 'created_at', ARGV[4])\n"
"redis.call('ZADD', p..'employers', 0, id)\n"
"redis.call('XADD', p..'changes', 'MAXLEN', '~', ARGV[5], '*',\n"
"  'op', 'employer.put', 'employer', id, 'version', v)\n"
"return {v, created}\n";

/*
 * One read of what the record was, then only the writes a new version
 * needs: posted_at only with the first version, reason only removed when a
 * closed posting comes back. The index entries are written as before (a
 * posting already in a set or sorted set stays there).
 */
const char script_put_job[] =
"local p, emp, id = ARGV[1], ARGV[2], ARGV[3]\n"
"if redis.call('EXISTS', p..'employer:'..emp) == 0 then return {-2, 0} end\n"
"local key = p..'job:'..emp..':'..id\n"
"local member = emp..':'..id\n"
"local old = redis.call('HMGET', key, 'version', 'dis', 'reason')\n"
"local cur = tonumber(old[1] or '0')\n"
"if ARGV[9] ~= '' and tonumber(ARGV[9]) ~= cur then return {-3, cur} end\n"
"-- GEOADD is the one write that can refuse its input: it goes first, so\n"
"-- that a refusal leaves nothing half-written.\n"
"redis.call('GEOADD', p..'jobs:geo', ARGV[8], ARGV[7], member)\n"
"if old[2] then\n"
"  local keep = {}\n"
"  for t in string.gmatch(ARGV[5], '%S+') do keep[t] = true end\n"
"  for t in string.gmatch(old[2], '%S+') do\n"
"    if not keep[t] then redis.call('SREM', p..'jobs:dis:'..t, member) end\n"
"  end\n"
"end\n"
"local v = cur + 1\n"
"if cur == 0 then\n"
"  redis.call('HSET', key, 'doc', ARGV[4], 'version', v, 'updated_at',\n"
"    ARGV[10], 'status', 'open', 'dis', ARGV[5], 'town', ARGV[6],\n"
"    'posted_at', ARGV[10])\n"
"else\n"
"  redis.call('HSET', key, 'doc', ARGV[4], 'version', v, 'updated_at',\n"
"    ARGV[10], 'status', 'open', 'dis', ARGV[5], 'town', ARGV[6])\n"
"end\n"
"if old[3] then redis.call('HDEL', key, 'reason') end\n"
"for t in string.gmatch(ARGV[5], '%S+') do\n"
"  redis.call('SADD', p..'jobs:dis:'..t, member) end\n"
"redis.call('SADD', p..'jobs:open', member)\n"
"redis.call('ZADD', p..'jobs:emp:'..emp, 0, id)\n"
"redis.call('ZADD', p..'jobs:all', 0, member)\n"
"redis.call('XADD', p..'changes', 'MAXLEN', '~', ARGV[11], '*',\n"
"  'op', 'job.post', 'employer', emp, 'id', id, 'version', v)\n"
"if cur == 0 then return {v, 1} end\n"
"return {v, 0}\n";

/*
 * A dry run of script_put_job: its checks alone (the employer registered,
 * the expected version ARGV[4] unless ''), reading and writing nothing
 * else. Answers as script_put_job would, with the version the posting has
 * now (0: none) and whether a write would create it.
 */
const char script_check_job[] =
"local p, emp, id = ARGV[1], ARGV[2], ARGV[3]\n"
"if redis.call('EXISTS', p..'employer:'..emp) == 0 then return {-2, 0} end\n"
"local cur = tonumber(redis.call('HGET', p..'job:'..emp..':'..id,\n"
"  'version') or '0')\n"
"if ARGV[4] ~= '' and tonumber(ARGV[4]) ~= cur then return {-3, cur} end\n"
"if cur == 0 then return {cur, 1} end\n"
"return {cur, 0}\n";

const char script_close_job[] =
"local p, emp, id = ARGV[1], ARGV[2], ARGV[3]\n"
"local key = p..'job:'..emp..':'..id\n"
"if redis.call('EXISTS', key) == 0 then return {-1, 0} end\n"
"local member = emp..':'..id\n"
"if redis.call('HGET', key, 'status') == 'closed' then\n"
"  return {tonumber(redis.call('HGET', key, 'version')), 0} end\n"
"local v = redis.call('HINCRBY', key, 'version', 1)\n"
"redis.call('HSET', key, 'status', 'closed', 'updated_at', ARGV[5],\n"
"  'reason', ARGV[4])\n"
"local dis = redis.call('HGET', key, 'dis')\n"
"if dis then for t in string.gmatch(dis, '%S+') do\n"
"  redis.call('SREM', p..'jobs:dis:'..t, member) end end\n"
"redis.call('ZREM', p..'jobs:geo', member)\n"
"redis.call('SREM', p..'jobs:open', member)\n"
"redis.call('XADD', p..'changes', 'MAXLEN', '~', ARGV[6], '*',\n"
"  'op', 'job.close', 'employer', emp, 'id', id, 'version', v)\n"
"return {v, 1}\n";

/*
 * Lists postings in id order after the cursor ARGV[3] ('' from the start),
 * of the employer ARGV[2] (its own index) or of all, filtered by town
 * ARGV[5] and status ARGV[6] ('' any), at most ARGV[4] of them. What one
 * call costs Redis is bounded whatever the data: it examines at most
 * ARGV[7] postings, reading only their status and town when a filter asks,
 * and reads the documents of those that pass, until they hold ARGV[8]
 * bytes (the first always, whatever its size). Answers the cursor to go
 * on from ('' at the end), then doc, version, posted_at, updated_at,
 * status for each posting.
 */
const char script_list_jobs[] =
"local p, emp, cursor = ARGV[1], ARGV[2], ARGV[3]\n"
"local limit, town, status = tonumber(ARGV[4]), ARGV[5], ARGV[6]\n"
"local scan, budget = tonumber(ARGV[7]), tonumber(ARGV[8])\n"
"local zkey, kp = p..'jobs:all', p..'job:'\n"
"if emp ~= '' then zkey, kp = p..'jobs:emp:'..emp, p..'job:'..emp..':' end\n"
"local start = '-'\n"
"if cursor ~= '' then start = '('..cursor end\n"
"local filter = status ~= '' or town ~= ''\n"
"local out, n, bytes, seen, last, full = {''}, 0, 0, 0, nil, false\n"
"while seen < scan do\n"
"  local want = math.min(scan - seen, 100)\n"
"  local ms = redis.call('ZRANGEBYLEX', zkey, start, '+', 'LIMIT', 0, want)\n"
"  for _, m in ipairs(ms) do\n"
"    local key, pass = kp..m, true\n"
"    if filter then\n"
"      local f = redis.call('HMGET', key, 'status', 'town')\n"
"      pass = (status == '' or f[1] == status) and\n"
"        (town == '' or f[2] == town)\n"
"    end\n"
"    if pass then\n"
"      local len = redis.call('HSTRLEN', key, 'doc')\n"
"      if n > 0 and bytes + len > budget then full = true break end\n"
"      if len > 0 then\n"
"        local h = redis.call('HMGET', key, 'doc', 'version', 'posted_at',\n"
"          'updated_at', 'status')\n"
"        n, bytes = n + 1, bytes + len\n"
"        for i = 1, 5 do out[#out + 1] = h[i] end\n"
"      end\n"
"    end\n"
"    seen, last = seen + 1, m\n"
"    if n >= limit then full = true break end\n"
"  end\n"
"  if full or #ms < want then break end\n"
"  start = '('..last\n"
"end\n"
"if last and\n"
"   #redis.call('ZRANGEBYLEX', zkey, '('..last, '+', 'LIMIT', 0, 1) > 0 then\n"
"  out[1] = last end\n"
"return out\n";

/*
 * The rule set: the active one in p rules {doc, version, updated_at}, every
 * version in p rules:history (version -> doc) and p rules:history:at
 * (version -> time), the oldest dropped beyond ARGV[6] versions.
 */
const char script_rules_set[] =
"local p = ARGV[1]\n"
"local cur = tonumber(redis.call('HGET', p..'rules', 'version') or '0')\n"
"if ARGV[3] ~= '' and tonumber(ARGV[3]) ~= cur then return {-3, cur} end\n"
"local v = cur + 1\n"
"redis.call('HSET', p..'rules', 'doc', ARGV[2], 'version', v,\n"
"  'updated_at', ARGV[4])\n"
"redis.call('HSET', p..'rules:history', v, ARGV[2])\n"
"redis.call('HSET', p..'rules:history:at', v, ARGV[4])\n"
"local old = v - tonumber(ARGV[6])\n"
"if old >= 1 then\n"
"  redis.call('HDEL', p..'rules:history', old)\n"
"  redis.call('HDEL', p..'rules:history:at', old) end\n"
"redis.call('XADD', p..'changes', 'MAXLEN', '~', ARGV[5], '*',\n"
"  'op', 'rules.set', 'version', v)\n"
"return {v, 1}\n";

/*
 * Versions newest first: doc, version, time for each. ARGV[3], when not
 * '', names the one version wanted: one read, so that no number a request
 * gives is ever counted to. Otherwise the ARGV[2] newest, of the versions
 * from the current one down (the history holds the last versions stored,
 * one after the other): the walk stops at the first gap after a version
 * it found, and takes no more than ARGV[2] steps, at most
 * STORE_HISTORY_MAX. Versions are written as integers
 * (tostring would write 1e+14).
 */
const char script_rules_history[] =
"local p, limit, only = ARGV[1], tonumber(ARGV[2]), ARGV[3]\n"
"if only ~= '' then\n"
"  local doc = redis.call('HGET', p..'rules:history', only)\n"
"  if not doc then return {} end\n"
"  return {doc, only,\n"
"    redis.call('HGET', p..'rules:history:at', only) or '0'}\n"
"end\n"
"if limit > " STR(STORE_HISTORY_MAX) " then limit = "
    STR(STORE_HISTORY_MAX) " end\n"
"local cur = tonumber(redis.call('HGET', p..'rules', 'version') or '0')\n"
"local out = {}\n"
"for i = 0, limit - 1 do\n"
"  if cur - i < 1 then break end\n"
"  local v = string.format('%.0f', cur - i)\n"
"  local doc = redis.call('HGET', p..'rules:history', v)\n"
"  if doc then\n"
"    out[#out + 1] = doc\n"
"    out[#out + 1] = v\n"
"    out[#out + 1] = redis.call('HGET', p..'rules:history:at', v) or '0'\n"
"  elseif #out > 0 then break end\n"
"end\n"
"return out\n";

/*
 * A seeker's record is personal data: the change stream only learns that
 * seeker ID was written or deleted, never what it holds.
 */
const char script_put_seeker[] =
"local p, id = ARGV[1], ARGV[2]\n"
"local key = p..'seeker:'..id\n"
"local v = redis.call('HINCRBY', key, 'version', 1)\n"
"redis.call('HSET', key, 'doc', ARGV[3], 'updated_at', ARGV[4])\n"
"local created = redis.call('HSETNX', key, 'created_at', ARGV[4])\n"
"redis.call('ZADD', p..'seekers', 0, id)\n"
"redis.call('XADD', p..'changes', 'MAXLEN', '~', ARGV[5], '*',\n"
"  'op', 'seeker.put', 'id', id)\n"
"return {v, created}\n";

/*
 * Deleting a seeker also unlinks the placements recorded for it: each
 * keeps what the plan counts (date, town, employer, posting, disability
 * type and grade) but loses the seeker's id. Every placement is read and
 * decoded before anything is written, so that a failure leaves all as it
 * was (Redis does not undo a script's writes).
 */
const char script_delete_seeker[] =
"local p, id = ARGV[1], ARGV[2]\n"
"local key = p..'seeker:'..id\n"
"if redis.call('EXISTS', key) == 0 then return {-1, 0} end\n"
"local v = tonumber(redis.call('HGET', key, 'version') or '0')\n"
"local links = p..'placements:seeker:'..id\n"
"local docs = {}\n"
"for _, pid in ipairs(redis.call('HVALS', links)) do\n"
"  local doc = redis.call('HGET', p..'placement:'..pid, 'doc')\n"
"  if doc then\n"
"    local d = cjson.decode(doc)\n"
"    d['seeker_id'] = nil\n"
"    docs[pid] = cjson.encode(d)\n"
"  end\n"
"end\n"
"for pid, doc in pairs(docs) do\n"
"  redis.call('HSET', p..'placement:'..pid, 'doc', doc) end\n"
"redis.call('DEL', links)\n"
"redis.call('DEL', key)\n"
"redis.call('ZREM', p..'seekers', id)\n"
"redis.call('XADD', p..'changes', 'MAXLEN', '~', ARGV[3], '*',\n"
"  'op', 'seeker.delete', 'id', id)\n"
"return {v, 0}\n";

/*
 * A hire, in one step: the placement, the posting one opening fewer or, at
 * its last, closed as filled, and the seeker employed. The daemon read the
 * posting and the seeker and wrote their new documents from what it read:
 * a posting that moved on since (its version) or is closed, or a seeker
 * whose document is no longer the one read, is a conflict.
 * A placement's id is a number; the seeker's hash of links (hire -> id, a
 * hire being "date:employer:job") finds the same hire recorded again, which
 * changes nothing, and is what seeker.delete follows to unlink the seeker.
 * Its score in p placements is day * 2^31 + id: placements in day order,
 * each score its own, so that a listing resumes after the last score it
 * saw. The change stream learns the ids only.
 * ARGV: p, hire, seeker, employer, job, job version, new job doc ('' to
 * close it), seeker doc read, new seeker doc, placement doc (an object
 * without id), day, now, stream maxlen.
 * Answers {posting version, 1, id}, or {0, 0, id} for a hire already
 * recorded; {-1, 1} no posting, {-1, 2} no seeker, {-3, version}; an
 * error, before any write, when the ids are used up (store.h).
 */
const char script_placement[] =
"local p, hire, sid, emp, jid = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]\n"
"local links = p..'placements:seeker:'..sid\n"
"local known = redis.call('HGET', links, hire)\n"
"if known then return {0, 0, known} end\n"
"local jkey = p..'job:'..emp..':'..jid\n"
"local skey = p..'seeker:'..sid\n"
"local j = redis.call('HMGET', jkey, 'version', 'status', 'dis')\n"
"if not j[1] then return {-1, 1} end\n"
"local sdoc = redis.call('HGET', skey, 'doc')\n"
"if not sdoc then return {-1, 2} end\n"
"if j[2] == 'closed' or tonumber(j[1]) ~= tonumber(ARGV[6]) then\n"
"  return {-3, tonumber(j[1])} end\n"
"if sdoc ~= ARGV[8] then return {-3, tonumber(j[1])} end\n"
"if tonumber(redis.call('GET', p..'placements:next') or '0') >=\n"
"   " STR(STORE_PLACEMENT_ID_MAX) " then\n"
"  return redis.error_reply('no placement id is left') end\n"
"local member = emp..':'..jid\n"
"local jv = tonumber(j[1]) + 1\n"
"if ARGV[7] == '' then\n"
"  redis.call('HSET', jkey, 'version', jv, 'status', 'closed',\n"
"    'updated_at', ARGV[12], 'reason', 'filled')\n"
"  for t in string.gmatch(j[3] or '', '%S+') do\n"
"    redis.call('SREM', p..'jobs:dis:'..t, member) end\n"
"  redis.call('ZREM', p..'jobs:geo', member)\n"
"  redis.call('SREM', p..'jobs:open', member)\n"
"  redis.call('XADD', p..'changes', 'MAXLEN', '~', ARGV[13], '*',\n"
"    'op', 'job.close', 'employer', emp, 'id', jid, 'version', jv)\n"
"else\n"
"  redis.call('HSET', jkey, 'doc', ARGV[7], 'version', jv,\n"
"    'updated_at', ARGV[12])\n"
"  redis.call('XADD', p..'changes', 'MAXLEN', '~', ARGV[13], '*',\n"
"    'op', 'job.post', 'employer', emp, 'id', jid, 'version', jv)\n"
"end\n"
"redis.call('HINCRBY', skey, 'version', 1)\n"
"redis.call('HSET', skey, 'doc', ARGV[9], 'updated_at', ARGV[12])\n"
"redis.call('XADD', p..'changes', 'MAXLEN', '~', ARGV[13], '*',\n"
"  'op', 'seeker.put', 'id', sid)\n"
"local pid = redis.call('INCR', p..'placements:next')\n"
"redis.call('HSET', p..'placement:'..pid, 'doc',\n"
"  '{\"id\":\"'..pid..'\",'..string.sub(ARGV[10], 2),\n"
"  'recorded_at', ARGV[12])\n"
"redis.call('ZADD', p..'placements',\n"
"  string.format('%.0f', tonumber(ARGV[11]) * 2147483648 + pid), pid)\n"
"redis.call('HSET', links, hire, pid)\n"
"redis.call('XADD', p..'changes', 'MAXLEN', '~', ARGV[13], '*',\n"
"  'op', 'placement.record', 'id', pid)\n"
"return {jv, 1, tostring(pid)}\n";

/*
 * Placements whose day is within [ARGV[2], ARGV[3]], in day order, after
 * the score ARGV[4] ('' or below the period: from its start), at most
 * ARGV[5] (at most STORE_PLACEMENTS_MAX): the last score
 * given when there may be more ('' at the end), then doc, 0, recorded_at,
 * recorded_at, '' for each (the shape of a job list).
 */
const char script_list_placements[] =
"local p, limit = ARGV[1], tonumber(ARGV[5])\n"
"if limit > " STR(STORE_PLACEMENTS_MAX) " then limit = "
    STR(STORE_PLACEMENTS_MAX) " end\n"
"local lo = string.format('%.0f', tonumber(ARGV[2]) * 2147483648)\n"
"local hi = string.format('%.0f', (tonumber(ARGV[3]) + 1) * 2147483648 - 1)\n"
"if ARGV[4] ~= '' and tonumber(ARGV[4]) >= tonumber(lo) then\n"
"  lo = '('..ARGV[4] end\n"
"local ids = redis.call('ZRANGEBYSCORE', p..'placements', lo, hi,\n"
"  'WITHSCORES', 'LIMIT', 0, limit + 1)\n"
"local out = {''}\n"
"local n = #ids / 2\n"
"if n > limit then\n"
"  n = limit\n"
"  out[1] = string.format('%.0f', tonumber(ids[2 * n]))\n"
"end\n"
"for i = 1, n do\n"
"  local h = redis.call('HMGET', p..'placement:'..ids[2 * i - 1], 'doc',\n"
"    'recorded_at')\n"
"  if h[1] then\n"
"    local at = h[2] or '0'\n"
"    out[#out + 1] = h[1]\n"
"    out[#out + 1] = '0'\n"
"    out[#out + 1] = at\n"
"    out[#out + 1] = at\n"
"    out[#out + 1] = ''\n"
"  end\n"
"end\n"
"return out\n";

/*
 * The change stream's counters: {last-generated-id, entries-added,
 * max-deleted-entry-id, recorded-first-entry-id, length}. A stream that
 * does not exist answers {"", 0, "0-0", "0-0", 0}. (entries-added,
 * max-deleted-entry-id and recorded-first-entry-id are Redis 7's.) The tail
 * reads the entries after its position in the same transaction (XRANGE),
 * so that nothing can be trimmed between the two.
 */
const char script_changes[] =
"local key = ARGV[1]..'changes'\n"
"if redis.call('EXISTS', key) == 0 then\n"
"  return {'', 0, '0-0', '0-0', 0} end\n"
"local info = redis.call('XINFO', 'STREAM', key)\n"
"local last, added, deleted, first, len = '0-0', 0, '0-0', '0-0', 0\n"
"for i = 1, #info, 2 do\n"
"  local k = info[i]\n"
"  if k == 'last-generated-id' then last = info[i + 1]\n"
"  elseif k == 'entries-added' then added = info[i + 1]\n"
"  elseif k == 'max-deleted-entry-id' then deleted = info[i + 1]\n"
"  elseif k == 'recorded-first-entry-id' then first = info[i + 1]\n"
"  elseif k == 'length' then len = info[i + 1] end\n"
"end\n"
"return {last, added, deleted, first, len}\n";

const char *const store_scripts[SC_COUNT] = {
	script_put_employer, script_put_job, script_close_job,
	script_list_jobs, script_rules_set, script_rules_history,
	script_put_seeker, script_delete_seeker, script_placement,
	script_list_placements, script_changes, script_check_job
};
