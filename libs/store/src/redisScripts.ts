import type { Redis } from "ioredis";

/*
 * The Lua side of RedisStore. Each write is one script, so checking the precondition, bumping the
 * counter, writing the object and appending its event happen atomically: no reader can see the
 * object without its event or the other way round, and no other write can slip in between the
 * check and the write.
 *
 * Values are never decoded here (cjson is slow and turns [] into {}): they are stored as
 * "<resourceVersion> <value>" and split at the first space.
 *
 * Write scripts take KEYS = counter, objects hash, events stream, trimmed hash and
 * ARGV = collection, historyLimit, name, then value and/or expected version ("" for none).
 */

// Versions can outgrow the 14 digits tostring() prints before switching to exponent notation.
const appendEvent = `
local function version_string(n)
  return string.format("%d", n)
end

local function append_event(rv, kind, name, value)
  local stream = KEYS[3]
  local limit = tonumber(ARGV[2])
  -- "prev" (the previous event of this collection) lets a reader that got entries R after cursor C
  -- tell whether it missed any: it did exactly when prev(R) > C.
  local prev = "0"
  local last = redis.call("XREVRANGE", stream, "+", "-", "COUNT", 1)
  if last[1] then prev = string.match(last[1][1], "^%d+") end
  redis.call("XADD", stream, version_string(rv) .. "-0", "prev", prev, "type", kind, "name", name, "value", value)
  -- Trim in batches of ~10% so the cost is paid once per many writes, not on each one.
  local length = redis.call("XLEN", stream)
  if length > limit + math.max(1, math.floor(limit / 10)) then
    redis.call("XTRIM", stream, "MAXLEN", "=", limit)
    -- The first kept event's prev is the newest trimmed one: a watch from V is complete iff V >= it.
    local first = redis.call("XRANGE", stream, "-", "+", "COUNT", 1)
    redis.call("HSET", KEYS[4], ARGV[1], first[1][2][2])
  end
end

local function split(stored)
  local space = string.find(stored, " ", 1, true)
  return string.sub(stored, 1, space - 1), string.sub(stored, space + 1)
end
`;

/** ARGV[4] = value. Returns the new version, or 0 if the name is taken. */
const createLua = `${appendEvent}
if redis.call("HEXISTS", KEYS[2], ARGV[3]) == 1 then return 0 end
local rv = redis.call("INCR", KEYS[1])
redis.call("HSET", KEYS[2], ARGV[3], version_string(rv) .. " " .. ARGV[4])
append_event(rv, "ADDED", ARGV[3], ARGV[4])
return rv
`;

/** ARGV[4] = value, ARGV[5] = expected version. Returns {"OK", rv} | {"NotFound"} | {"Conflict", current}. */
const updateLua = `${appendEvent}
local stored = redis.call("HGET", KEYS[2], ARGV[3])
if not stored then return {"NotFound"} end
local current = split(stored)
if ARGV[5] ~= "" and ARGV[5] ~= current then return {"Conflict", current} end
local rv = redis.call("INCR", KEYS[1])
redis.call("HSET", KEYS[2], ARGV[3], version_string(rv) .. " " .. ARGV[4])
append_event(rv, "MODIFIED", ARGV[3], ARGV[4])
return {"OK", rv}
`;

/** ARGV[4] = expected version. Returns {"OK", rv, lastValue} | {"NotFound"} | {"Conflict", current}. */
const deleteLua = `${appendEvent}
local stored = redis.call("HGET", KEYS[2], ARGV[3])
if not stored then return {"NotFound"} end
local current, value = split(stored)
if ARGV[4] ~= "" and ARGV[4] ~= current then return {"Conflict", current} end
local rv = redis.call("INCR", KEYS[1])
redis.call("HDEL", KEYS[2], ARGV[3])
append_event(rv, "DELETED", ARGV[3], value)
return {"OK", rv, value}
`;

/**
 * KEYS = counter, objects hash; ARGV = name prefix. Returns {version, {name, stored, ...}}: one
 * script so the version belongs to exactly this set of items.
 */
const listLua = `
local version = redis.call("GET", KEYS[1]) or "0"
local all = redis.call("HGETALL", KEYS[2])
local prefix = ARGV[1]
if prefix == "" then return {version, all} end
local n = #prefix
local matching = {}
for i = 1, #all, 2 do
  if string.sub(all[i], 1, n) == prefix then
    matching[#matching + 1] = all[i]
    matching[#matching + 1] = all[i + 1]
  end
end
return {version, matching}
`;

/**
 * KEYS = events stream, trimmed hash; ARGV = collection, first ID wanted, page size. Returns
 * {newest trimmed version, entries}: read together so a page is never judged complete against a
 * trim that happened after it was read.
 */
const replayLua = `
local trimmed = redis.call("HGET", KEYS[2], ARGV[1]) or "0"
return {trimmed, redis.call("XRANGE", KEYS[1], ARGV[2], "+", "COUNT", ARGV[3])}
`;

type Key = string;

export interface StoreScripts {
  ironcoreStoreCreate(
    counter: Key,
    objects: Key,
    events: Key,
    trimmed: Key,
    collection: string,
    historyLimit: number,
    name: string,
    value: string,
  ): Promise<unknown>;
  ironcoreStoreUpdate(
    counter: Key,
    objects: Key,
    events: Key,
    trimmed: Key,
    collection: string,
    historyLimit: number,
    name: string,
    value: string,
    expected: string,
  ): Promise<unknown>;
  ironcoreStoreDelete(
    counter: Key,
    objects: Key,
    events: Key,
    trimmed: Key,
    collection: string,
    historyLimit: number,
    name: string,
    expected: string,
  ): Promise<unknown>;
  ironcoreStoreList(counter: Key, objects: Key, prefix: string): Promise<unknown>;
  ironcoreStoreReplay(
    events: Key,
    trimmed: Key,
    collection: string,
    firstId: string,
    pageSize: number,
  ): Promise<unknown>;
}

export type ScriptedRedis = Redis & StoreScripts;

/**
 * Registers the scripts on a connection. ioredis sends each by EVALSHA and falls back to EVAL
 * once per connection, so the script bodies cross the wire only once.
 */
export function defineStoreScripts(redis: Redis): ScriptedRedis {
  redis.defineCommand("ironcoreStoreCreate", { numberOfKeys: 4, lua: createLua });
  redis.defineCommand("ironcoreStoreUpdate", { numberOfKeys: 4, lua: updateLua });
  redis.defineCommand("ironcoreStoreDelete", { numberOfKeys: 4, lua: deleteLua });
  redis.defineCommand("ironcoreStoreList", { numberOfKeys: 2, lua: listLua, readOnly: true });
  redis.defineCommand("ironcoreStoreReplay", { numberOfKeys: 2, lua: replayLua, readOnly: true });
  return redis as ScriptedRedis;
}
