//! The Lua scripts that update counters atomically in Redis (one round trip per call).

use redis::aio::ConnectionManager;
use redis::{RedisResult, Script};
use std::sync::LazyLock;

/// Checks a counter against `limit` and adds `count` when the call is allowed (`count` 0
/// only checks). A missing counter starts at 0 and lives `ttl` ms from its first count (0:
/// forever). Answers `{allowed, count after, ms left}`.
static HIT: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
local limit, count, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local v = redis.call('GET', KEYS[1])
local exists = v and true or false
local left = ttl
if exists then
  v = tonumber(v)
  left = redis.call('PTTL', KEYS[1])
else
  v = 0
end
local ok
if count == 0 then ok = v < limit else ok = v + count <= limit end
if ok and count > 0 then
  if exists then
    redis.call('INCRBY', KEYS[1], count)
  elseif ttl > 0 then
    redis.call('SET', KEYS[1], count, 'PX', ttl)
  else
    redis.call('SET', KEYS[1], count)
  end
  v = v + count
end
if left < 0 then left = 0 end
return {ok and 1 or 0, v, left}
",
    )
});

/// Adds `count` to a counter (a deferred increment), creating it with `ttl` ms to live.
static ADD: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
local count, ttl = tonumber(ARGV[1]), tonumber(ARGV[2])
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('INCRBY', KEYS[1], count)
end
if ttl > 0 then redis.call('SET', KEYS[1], count, 'PX', ttl) else redis.call('SET', KEYS[1], count) end
return count
",
    )
});

/// Runs [`HIT`]: `(allowed, count after, ms left in the window)`.
pub(super) async fn hit(
    m: &mut ConnectionManager,
    key: &[u8],
    limit: u64,
    count: u64,
    ttl: u64,
) -> RedisResult<(bool, u64, u64)> {
    let (ok, used, left): (i64, u64, u64) = HIT
        .key(key)
        .arg(limit)
        .arg(count)
        .arg(ttl)
        .invoke_async(m)
        .await?;
    Ok((ok == 1, used, left))
}

/// Runs [`ADD`].
pub(super) async fn add(
    m: &mut ConnectionManager,
    key: &[u8],
    count: u64,
    ttl: u64,
) -> RedisResult<()> {
    let _: i64 = ADD.key(key).arg(count).arg(ttl).invoke_async(m).await?;
    Ok(())
}
