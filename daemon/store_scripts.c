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
 * Deleting a seeker also unlinks the placements, employment records and
 * follow-ups recorded for it, and takes its id out of the rosters naming
 * it (a new version of each, in the change stream, so that every daemon
 * reloads it; the entry still counts, anonymous): each keeps what the plan counts (date, town,
 * employer, posting, form, outcome...) but loses the seeker's id and its
 * note; the employment records all get one new anonymous person number
 * (p persons:deleted:next), so that the person is still counted once.
 * Every record is read and decoded before anything is written, so that a
 * failure leaves all as it was (Redis does not undo a script's writes).
 * The INCR of the anonymous number is the one write before that: a
 * number skipped harms nothing.
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
"local edocs, anon = {}, nil\n"
"for _, kind in ipairs({'employment', 'followup'}) do\n"
"  for _, eid in ipairs(redis.call('HVALS', p..kind..'s:seeker:'..id)) do\n"
"    local doc = redis.call('HGET', p..kind..':'..eid, 'doc')\n"
"    if doc then\n"
"      local d = cjson.decode(doc)\n"
"      d['seeker_id'] = nil\n"
"      d['note'] = nil\n"
"      if kind == 'employment' then\n"
"        if not anon then\n"
"          anon = string.format('%.0f',\n"
"            redis.call('INCR', p..'persons:deleted:next'))\n"
"        end\n"
"        d['person'] = anon\n"
"      end\n"
"      edocs[#edocs + 1] = {p..kind..':'..eid, cjson.encode(d)}\n"
"    end\n"
"  end\n"
"end\n"
"local rdocs = {}\n"
"local rlinks = p..'rosters:seeker:'..id\n"
"for _, emp in ipairs(redis.call('SMEMBERS', rlinks)) do\n"
"  local rk = p..'roster:'..emp\n"
"  local doc = redis.call('HGET', rk, 'doc')\n"
"  if doc then\n"
"    local d = cjson.decode(doc)\n"
"    local hit = false\n"
"    for _, e in ipairs(d['entries']) do\n"
"      if e['seeker_id'] == id then e['seeker_id'] = nil; hit = true end\n"
"    end\n"
"    if hit then rdocs[#rdocs + 1] = {rk, emp, cjson.encode(d)} end\n"
"  end\n"
"end\n"
"for pid, doc in pairs(docs) do\n"
"  redis.call('HSET', p..'placement:'..pid, 'doc', doc) end\n"
"for _, r in ipairs(rdocs) do\n"
"  local rv = redis.call('HINCRBY', r[1], 'version', 1)\n"
"  redis.call('HSET', r[1], 'doc', r[3])\n"
"  redis.call('XADD', p..'changes', 'MAXLEN', '~', ARGV[3], '*',\n"
"    'op', 'employer.roster.put', 'employer', r[2], 'version', rv)\n"
"end\n"
"redis.call('DEL', rlinks)\n"
"for _, e in ipairs(edocs) do redis.call('HSET', e[1], 'doc', e[2]) end\n"
"redis.call('DEL', links, p..'employments:seeker:'..id,\n"
"  p..'followups:seeker:'..id)\n"
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
 * The hire is also an employment record of form employer (the same
 * script_employment writes), unless the seeker's links hold its key
 * ARGV[14] already: one recorded by employment.record before.
 * ARGV: p, hire, seeker, employer, job, job version, new job doc ('' to
 * close it), seeker doc read, new seeker doc, placement doc (an object
 * without id), day, now, stream maxlen, the employment record's key, its
 * doc (an object without id).
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
"local elinks = p..'employments:seeker:'..sid\n"
"local ekey = ARGV[14]\n"
"local eknown = redis.call('HGET', elinks, ekey)\n"
"if not eknown and\n"
"   tonumber(redis.call('GET', p..'employments:next') or '0') >=\n"
"   " STR(STORE_PLACEMENT_ID_MAX) " then\n"
"  return redis.error_reply('no employment record id is left') end\n"
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
"if not eknown then\n"
"  local eid = redis.call('INCR', p..'employments:next')\n"
"  redis.call('HSET', p..'employment:'..eid, 'doc',\n"
"    '{\"id\":\"'..eid..'\",\"placement_id\":\"'..pid..'\",'..\n"
"    string.sub(ARGV[15], 2), 'recorded_at', ARGV[12])\n"
"  redis.call('ZADD', p..'employments',\n"
"    string.format('%.0f', tonumber(ARGV[11]) * 2147483648 + eid), eid)\n"
"  redis.call('HSET', elinks, ekey, eid)\n"
"  redis.call('XADD', p..'changes', 'MAXLEN', '~', ARGV[13], '*',\n"
"    'op', 'employment.record', 'id', eid)\n"
"end\n"
"return {jv, 1, tostring(pid)}\n";

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

/*
 * Interests (a person's consented request to be contacted about a
 * posting) are personal data: no script of theirs writes to the change
 * stream. Each is in p interests, p interests:job:EMP:ID,
 * p interests:emp:EMP and, with a fair, p interests:fair:FAIR, scored
 * created_at * 2^20 + (id mod 2^20) (store_limits.h). Ids are written as
 * integers (tostring would write 1e+14).
 * record's ARGV: p, employer, posting, fair ('' none), doc, share ('1' or
 * '0'), now, the most interests stored, today (local). The posting must
 * be open, not expired and not past its apply_by, the fair a stored one. Answers {0, now, id}; {-1, 1} no open
 * posting, {-1, 2} no fair, {-4, max} full; all before any write.
 */
const char script_interest_record[] =
"local p, emp, jid, fair = ARGV[1], ARGV[2], ARGV[3], ARGV[4]\n"
"local now = tonumber(ARGV[7])\n"
"local j = redis.call('HMGET', p..'job:'..emp..':'..jid, 'status', 'doc')\n"
"if j[1] ~= 'open' or not j[2] then return {-1, 1} end\n"
"local ok, d = pcall(cjson.decode, j[2])\n"
"if not ok or type(d) ~= 'table' then return {-1, 1} end\n"
"if type(d['expires_at']) == 'number' and d['expires_at'] <= now then\n"
"  return {-1, 1} end\n"
"if type(d['apply_by']) == 'string' and d['apply_by'] < ARGV[9] then\n"
"  return {-1, 1} end\n"
"if fair ~= '' and redis.call('EXISTS', p..'fair:'..fair) == 0 then\n"
"  return {-1, 2} end\n"
"local max = tonumber(ARGV[8])\n"
"if redis.call('ZCARD', p..'interests') >= max then return {-4, max} end\n"
"local title = d['title']\n"
"if type(title) ~= 'string' then title = '' end\n"
"local n = redis.call('INCR', p..'interests:next')\n"
"local id = string.format('%.0f', n)\n"
"local score = string.format('%.0f', now * " STR(STORE_INTEREST_SHIFT)
    " + n % " STR(STORE_INTEREST_SHIFT) ")\n"
"redis.call('HSET', p..'interest:'..id, 'doc', ARGV[5], 'status', 'new',\n"
"  'note', '', 'title', title, 'created_at', ARGV[7], 'updated_at',\n"
"  ARGV[7], 'emp', emp, 'job', jid, 'fair', fair, 'share', ARGV[6])\n"
"redis.call('ZADD', p..'interests', score, id)\n"
"redis.call('ZADD', p..'interests:job:'..emp..':'..jid, score, id)\n"
"redis.call('ZADD', p..'interests:emp:'..emp, score, id)\n"
"if fair ~= '' then\n"
"  redis.call('ZADD', p..'interests:fair:'..fair, score, id)\n"
"  redis.call('HINCRBY', p..'fair:'..fair..':stats', 'interests', 1)\n"
"end\n"
"return {0, now, id}\n";

/*
 * A page of interests: of the index p..ARGV[2], scores from ARGV[3] to
 * ARGV[4], after the score ARGV[5] ('' or below: from ARGV[3]), those of
 * fair ARGV[6] and status ARGV[7] ('' any) and, when ARGV[8] is '1',
 * shared with the employer; at most ARGV[9] of them (at most
 * STORE_INTERESTS_SCAN), and at most STORE_INTERESTS_SCAN examined.
 * Answers the last score examined when there may be more ('' at the end),
 * then id, doc, status, note, title, created_at, updated_at of each.
 */
const char script_interest_list[] =
"local p, limit = ARGV[1], tonumber(ARGV[9])\n"
"if limit > " STR(STORE_INTERESTS_SCAN) " then limit = "
    STR(STORE_INTERESTS_SCAN) " end\n"
"local key, lo, hi = p..ARGV[2], ARGV[3], ARGV[4]\n"
"if ARGV[5] ~= '' and tonumber(ARGV[5]) >= tonumber(lo) then\n"
"  lo = '('..ARGV[5] end\n"
"local fair, status, shared = ARGV[6], ARGV[7], ARGV[8] == '1'\n"
"local ids = redis.call('ZRANGEBYSCORE', key, lo, hi, 'WITHSCORES',\n"
"  'LIMIT', 0, " STR(STORE_INTERESTS_SCAN) ")\n"
"local out, n, last = {''}, 0, nil\n"
"for i = 1, #ids / 2 do\n"
"  local id = ids[2 * i - 1]\n"
"  local h = redis.call('HMGET', p..'interest:'..id, 'doc', 'status',\n"
"    'note', 'title', 'created_at', 'updated_at', 'fair', 'share')\n"
"  last = ids[2 * i]\n"
"  if h[1] and (fair == '' or h[7] == fair) and\n"
"     (status == '' or h[2] == status) and\n"
"     (not shared or h[8] == '1') then\n"
"    n = n + 1\n"
"    out[#out + 1] = id\n"
"    out[#out + 1] = h[1]\n"
"    out[#out + 1] = h[2] or 'new'\n"
"    out[#out + 1] = h[3] or ''\n"
"    out[#out + 1] = h[4] or ''\n"
"    out[#out + 1] = h[5] or '0'\n"
"    out[#out + 1] = h[6] or '0'\n"
"    if n >= limit then break end\n"
"  end\n"
"end\n"
"if last then\n"
"  last = string.format('%.0f', tonumber(last))\n"
"  if #redis.call('ZRANGEBYSCORE', key, '('..last, hi, 'LIMIT', 0, 1) > 0\n"
"  then out[1] = last end\n"
"end\n"
"return out\n";

/*
 * The follow-up: ARGV p, id, status, note, '1' when the note is given,
 * now, the retention's cutoff (an interest created before it is not
 * found). The first move from 'new' counts in the fair's followed_up, the
 * first to 'hired' in its hired, once each (the flags followed and
 * hired). Answers {0, now} or {-1, 3}.
 */
const char script_interest_update[] =
"local p, st = ARGV[1], ARGV[3]\n"
"local key = p..'interest:'..ARGV[2]\n"
"local h = redis.call('HMGET', key, 'created_at', 'fair', 'followed',\n"
"  'hired')\n"
"if not h[1] or tonumber(h[1]) < tonumber(ARGV[7]) then\n"
"  return {-1, 3} end\n"
"redis.call('HSET', key, 'status', st, 'updated_at', ARGV[6])\n"
"if ARGV[5] == '1' then redis.call('HSET', key, 'note', ARGV[4]) end\n"
"local stats = nil\n"
"if h[2] and h[2] ~= '' then stats = p..'fair:'..h[2]..':stats' end\n"
"if st ~= 'new' and h[3] ~= '1' then\n"
"  redis.call('HSET', key, 'followed', '1')\n"
"  if stats then redis.call('HINCRBY', stats, 'followed_up', 1) end\n"
"end\n"
"if st == 'hired' and h[4] ~= '1' then\n"
"  redis.call('HSET', key, 'hired', '1')\n"
"  if stats then redis.call('HINCRBY', stats, 'hired', 1) end\n"
"end\n"
"return {0, tonumber(ARGV[6])}\n";

/* Erases interest ARGV[2]: its hash and its index entries. {0, 0}, or
 * {-1, 3} when there is none. */
const char script_interest_delete[] =
"local p, id = ARGV[1], ARGV[2]\n"
"local key = p..'interest:'..id\n"
"local h = redis.call('HMGET', key, 'emp', 'job', 'fair')\n"
"if redis.call('EXISTS', key) == 0 then return {-1, 3} end\n"
"if h[1] then\n"
"  redis.call('ZREM', p..'interests:emp:'..h[1], id)\n"
"  if h[2] then\n"
"    redis.call('ZREM', p..'interests:job:'..h[1]..':'..h[2], id) end\n"
"end\n"
"if h[3] and h[3] ~= '' then\n"
"  redis.call('ZREM', p..'interests:fair:'..h[3], id) end\n"
"redis.call('ZREM', p..'interests', id)\n"
"redis.call('DEL', key)\n"
"return {0, 0}\n";

/* Erases the interests scored below ARGV[2] (created before the
 * retention's cutoff), oldest first, at most STORE_INTEREST_SWEEP of
 * them: {0, how many}. */
const char script_interest_sweep[] =
"local p = ARGV[1]\n"
"local ids = redis.call('ZRANGEBYSCORE', p..'interests', '-inf',\n"
"  '('..ARGV[2], 'LIMIT', 0, " STR(STORE_INTEREST_SWEEP) ")\n"
"for _, id in ipairs(ids) do\n"
"  local key = p..'interest:'..id\n"
"  local h = redis.call('HMGET', key, 'emp', 'job', 'fair')\n"
"  if h[1] then\n"
"    redis.call('ZREM', p..'interests:emp:'..h[1], id)\n"
"    if h[2] then\n"
"      redis.call('ZREM', p..'interests:job:'..h[1]..':'..h[2], id) end\n"
"  end\n"
"  if h[3] and h[3] ~= '' then\n"
"    redis.call('ZREM', p..'interests:fair:'..h[3], id) end\n"
"  redis.call('DEL', key)\n"
"  redis.call('ZREM', p..'interests', id)\n"
"end\n"
"return {0, #ids}\n";

/*
 * A job fair (fair.put): ARGV p, id, doc, now, stream maxlen, expected
 * version ('' any) (put_record's order), its exhibitors' employer ids
 * (space-separated, at most
 * FAIR_EXHIBITORS_MAX: the loop is bounded by what one record holds).
 * Every exhibitor must be a registered employer: {-2, i} names the first
 * that is not by its place in the list (0 first), before any write.
 */
const char script_put_fair[] =
"local p, id = ARGV[1], ARGV[2]\n"
"local key = p..'fair:'..id\n"
"local cur = tonumber(redis.call('HGET', key, 'version') or '0')\n"
"if ARGV[6] ~= '' and tonumber(ARGV[6]) ~= cur then return {-3, cur} end\n"
"local i = 0\n"
"for emp in string.gmatch(ARGV[7], '%S+') do\n"
"  if redis.call('EXISTS', p..'employer:'..emp) == 0 then\n"
"    return {-2, i} end\n"
"  i = i + 1\n"
"end\n"
"local v = cur + 1\n"
"redis.call('HSET', key, 'doc', ARGV[3], 'version', v, 'updated_at',\n"
"  ARGV[4])\n"
"local created = redis.call('HSETNX', key, 'created_at', ARGV[4])\n"
"redis.call('ZADD', p..'fairs', 0, id)\n"
"redis.call('XADD', p..'changes', 'MAXLEN', '~', ARGV[5], '*',\n"
"  'op', 'fair.put', 'id', id, 'version', v)\n"
"return {v, created}\n";

/*
 * An employment record (ARGV[2] 'employment') or a follow-up
 * ('followup') of seeker ARGV[3]: personal data, so the change stream
 * learns its id only. Kept in p KIND:ID {doc, recorded_at}, scored in
 * p KINDs by day * 2^31 + id (as placements), and linked from the
 * seeker's hash p KINDs:seeker:SID (key -> id), where the same key
 * ARGV[4] recorded again finds it: {0, 0, id}, nothing written. An
 * employment record's employer ARGV[5] must be registered ({-2, 0}) and
 * its posting ARGV[6] stored ({-1, 1}); the seeker must be registered
 * ({-1, 2}); all before any write. The doc ARGV[7] is an object without
 * id; an employment record gains graduate (the seeker's flag as read).
 * ARGV[8] day, ARGV[9] now, ARGV[10] stream maxlen. {1, 1, id}.
 */
const char script_record[] =
"local p, kind, sid, k = ARGV[1], ARGV[2], ARGV[3], ARGV[4]\n"
"local emp, jid = ARGV[5], ARGV[6]\n"
"local links = p..kind..'s:seeker:'..sid\n"
"local sdoc = redis.call('HGET', p..'seeker:'..sid, 'doc')\n"
"if not sdoc then return {-1, 2} end\n"
"local known = redis.call('HGET', links, k)\n"
"if known then return {0, 0, known} end\n"
"if emp ~= '' and redis.call('EXISTS', p..'employer:'..emp) == 0 then\n"
"  return {-2, 0} end\n"
"if jid ~= '' and redis.call('EXISTS', p..'job:'..emp..':'..jid) == 0\n"
"  then return {-1, 1} end\n"
"if tonumber(redis.call('GET', p..kind..'s:next') or '0') >=\n"
"   " STR(STORE_PLACEMENT_ID_MAX) " then\n"
"  return redis.error_reply('no '..kind..' id is left') end\n"
"local head = ''\n"
"if kind == 'employment' then\n"
"  local grad = 'false'\n"
"  local ok, d = pcall(cjson.decode, sdoc)\n"
"  if ok and type(d) == 'table' and type(d['flags']) == 'table' then\n"
"    for _, f in ipairs(d['flags']) do\n"
"      if f == 'graduate' then grad = 'true' end end\n"
"  end\n"
"  head = '\"graduate\":'..grad..','\n"
"end\n"
"local id = redis.call('INCR', p..kind..'s:next')\n"
"redis.call('HSET', p..kind..':'..id, 'doc',\n"
"  '{\"id\":\"'..id..'\",'..head..string.sub(ARGV[7], 2),\n"
"  'recorded_at', ARGV[9])\n"
"redis.call('ZADD', p..kind..'s',\n"
"  string.format('%.0f', tonumber(ARGV[8]) * 2147483648 + id), id)\n"
"redis.call('HSET', links, k, id)\n"
"redis.call('XADD', p..'changes', 'MAXLEN', '~', ARGV[10], '*',\n"
"  'op', kind..'.record', 'id', id)\n"
"return {1, 1, tostring(id)}\n";

/*
 * Records of the index p..ARGV[2] (placements, employments, followups),
 * each in the hash p..ARGV[3]..ID, scored day * 2^31 + id: those whose
 * day is within [ARGV[4], ARGV[5]], in day order, after the score ARGV[6]
 * ('' or below the period: from its start), at most ARGV[7] (at most
 * STORE_PLACEMENTS_MAX): the last score given when there may be more (''
 * at the end), then doc, 0, recorded_at, recorded_at, '' for each (the
 * shape of a job list).
 */
const char script_list_records[] =
"local p, limit = ARGV[1], tonumber(ARGV[7])\n"
"if limit > " STR(STORE_PLACEMENTS_MAX) " then limit = "
    STR(STORE_PLACEMENTS_MAX) " end\n"
"local lo = string.format('%.0f', tonumber(ARGV[4]) * 2147483648)\n"
"local hi = string.format('%.0f', (tonumber(ARGV[5]) + 1) * 2147483648 - 1)\n"
"if ARGV[6] ~= '' and tonumber(ARGV[6]) >= tonumber(lo) then\n"
"  lo = '('..ARGV[6] end\n"
"local ids = redis.call('ZRANGEBYSCORE', p..ARGV[2], lo, hi,\n"
"  'WITHSCORES', 'LIMIT', 0, limit + 1)\n"
"local out = {''}\n"
"local n = #ids / 2\n"
"if n > limit then\n"
"  n = limit\n"
"  out[1] = string.format('%.0f', tonumber(ids[2 * n]))\n"
"end\n"
"for i = 1, n do\n"
"  local h = redis.call('HMGET', p..ARGV[3]..ids[2 * i - 1], 'doc',\n"
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
 * An employer's roster (employer.roster.put): ARGV p, employer id, doc,
 * now, stream maxlen, expected version ('' any) (put_record's order). The employer must be
 * registered ({-2, 0}, before any write). The change-stream entry names
 * the employer alone: the roster is personal data. p rosters:seeker:SID
 * holds the employers whose roster names seeker SID, for seeker.delete
 * (the loops are bounded by one roster's entries, roster_max_entries).
 */
const char script_put_roster[] =
"local p, id = ARGV[1], ARGV[2]\n"
"if redis.call('EXISTS', p..'employer:'..id) == 0 then return {-2, 0} end\n"
"local key = p..'roster:'..id\n"
"local cur = tonumber(redis.call('HGET', key, 'version') or '0')\n"
"if ARGV[6] ~= '' and tonumber(ARGV[6]) ~= cur then return {-3, cur} end\n"
"local function sids(doc)\n"
"  local out = {}\n"
"  if not doc then return out end\n"
"  local ok, d = pcall(cjson.decode, doc)\n"
"  if ok and type(d) == 'table' and type(d['entries']) == 'table' then\n"
"    for _, e in ipairs(d['entries']) do\n"
"      if type(e) == 'table' and type(e['seeker_id']) == 'string' then\n"
"        out[e['seeker_id']] = true end\n"
"    end\n"
"  end\n"
"  return out\n"
"end\n"
"local old, new = sids(redis.call('HGET', key, 'doc')), sids(ARGV[3])\n"
"local v = cur + 1\n"
"redis.call('HSET', key, 'doc', ARGV[3], 'version', v, 'updated_at',\n"
"  ARGV[4])\n"
"local created = redis.call('HSETNX', key, 'created_at', ARGV[4])\n"
"redis.call('ZADD', p..'rosters', 0, id)\n"
"for s in pairs(old) do\n"
"  if not new[s] then redis.call('SREM', p..'rosters:seeker:'..s, id) end\n"
"end\n"
"for s in pairs(new) do\n"
"  if not old[s] then redis.call('SADD', p..'rosters:seeker:'..s, id) end\n"
"end\n"
"redis.call('XADD', p..'changes', 'MAXLEN', '~', ARGV[5], '*',\n"
"  'op', 'employer.roster.put', 'employer', id, 'version', v)\n"
"return {v, created}\n";

const char *const store_scripts[SC_COUNT] = {
	script_put_employer, script_put_job, script_close_job,
	script_list_jobs, script_rules_set, script_rules_history,
	script_put_seeker, script_delete_seeker, script_placement,
	script_changes, script_interest_record,
	script_interest_list, script_interest_update, script_interest_delete,
	script_interest_sweep, script_put_fair, script_check_job,
	script_record, script_list_records, script_put_roster
};
