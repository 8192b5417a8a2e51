/**
 * Forward-only schema migrations. Each runs in its own transaction and is recorded in
 * `schema_migrations` with a checksum; never edit a released migration, add a new one.
 *
 * Times are UTC ISO-8601 strings (`2026-11-25T00:30:00.000Z`), which sort as text.
 */
export interface Migration {
  version: number
  name: string
  sql: string
  /** Work SQL cannot do, run after `sql` in the same transaction (part of the checksum's promise: never edit). */
  after?: 'rebuild-fts' | 'rebuild-rollups' | 'rebuild-topic-rollup' | 'rebuild-story-region-rollups'
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'init',
    sql: `
CREATE TABLE mentions (
  id               INTEGER PRIMARY KEY,
  source           TEXT NOT NULL,
  platform_id      TEXT,
  url              TEXT,
  canonical_url    TEXT,
  title            TEXT,
  text             TEXT NOT NULL,
  author_id        TEXT,
  author_name      TEXT,
  author_followers INTEGER CHECK (author_followers IS NULL OR author_followers >= 0),
  author_verified  INTEGER CHECK (author_verified IS NULL OR author_verified IN (0, 1)),
  published_at     TEXT NOT NULL,              -- UTC ISO 8601
  published_raw    TEXT,                       -- as the source wrote it
  fetched_at       TEXT NOT NULL,              -- UTC ISO 8601
  reposts          INTEGER CHECK (reposts IS NULL OR reposts >= 0),
  comments         INTEGER CHECK (comments IS NULL OR comments >= 0),
  likes            INTEGER CHECK (likes IS NULL OR likes >= 0),
  extra_json       TEXT,                       -- unknown interchange fields, as imported
  raw_json         TEXT,                       -- the platform's raw item (crawlers)
  content_hash     TEXT NOT NULL,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  CHECK (platform_id IS NOT NULL OR canonical_url IS NOT NULL)
);
CREATE UNIQUE INDEX mentions_source_platform_id ON mentions (source, platform_id) WHERE platform_id IS NOT NULL;
CREATE UNIQUE INDEX mentions_canonical_url ON mentions (canonical_url) WHERE canonical_url IS NOT NULL;
CREATE INDEX mentions_published_at ON mentions (published_at);

CREATE TABLE mention_regions (
  mention_id  INTEGER NOT NULL REFERENCES mentions (id) ON DELETE CASCADE,
  region_code TEXT NOT NULL CHECK (length(region_code) = 6),
  evidence    TEXT,                            -- what matched: a name, a place tag, an IP 属地
  confidence  REAL NOT NULL DEFAULT 1 CHECK (confidence BETWEEN 0 AND 1),
  PRIMARY KEY (mention_id, region_code)
) WITHOUT ROWID;
CREATE INDEX mention_regions_region ON mention_regions (region_code, mention_id);

CREATE TABLE analyses (
  mention_id           INTEGER PRIMARY KEY REFERENCES mentions (id) ON DELETE CASCADE,
  sentiment_score      REAL CHECK (sentiment_score BETWEEN -1 AND 1),
  sentiment_label      TEXT CHECK (sentiment_label IN ('pos', 'neu', 'neg')),
  sentiment_confidence REAL CHECK (sentiment_confidence BETWEEN 0 AND 1),
  model_version        TEXT NOT NULL,
  keywords_json        TEXT,                   -- [{"word":…,"weight":…}]
  topics_json          TEXT,                   -- ["治安", …]
  simhash              TEXT,                   -- 64-bit hex
  cluster_id           INTEGER,
  analyzed_at          TEXT NOT NULL
);
CREATE INDEX analyses_cluster ON analyses (cluster_id) WHERE cluster_id IS NOT NULL;
CREATE INDEX analyses_model ON analyses (model_version);

CREATE TABLE crawl_runs (
  id          INTEGER PRIMARY KEY,
  source      TEXT NOT NULL,
  query       TEXT,
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  status      TEXT NOT NULL CHECK (status IN ('running', 'ok', 'partial', 'failed', 'aborted')),
  pages       INTEGER NOT NULL DEFAULT 0,
  fetched     INTEGER NOT NULL DEFAULT 0,
  inserted    INTEGER NOT NULL DEFAULT 0,
  updated     INTEGER NOT NULL DEFAULT 0,
  errors      INTEGER NOT NULL DEFAULT 0,
  cursor_json TEXT,                            -- where to resume
  error       TEXT
);
CREATE INDEX crawl_runs_source ON crawl_runs (source, started_at);

CREATE TABLE job_runs (
  id          INTEGER PRIMARY KEY,
  job         TEXT NOT NULL,
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  status      TEXT NOT NULL CHECK (status IN ('running', 'ok', 'partial', 'failed', 'aborted', 'skipped')),
  worker_id   TEXT,
  counts_json TEXT,
  error       TEXT
);
CREATE INDEX job_runs_job ON job_runs (job, started_at);

CREATE TABLE alerts (
  id            INTEGER PRIMARY KEY,
  rule          TEXT NOT NULL,
  region_code   TEXT,
  cluster_id    INTEGER,
  severity      TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  title         TEXT NOT NULL,
  detail        TEXT,
  evidence_json TEXT NOT NULL DEFAULT '[]',    -- mention ids
  created_at    TEXT NOT NULL,
  status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acked', 'resolved')),
  acked_at      TEXT,
  deliveries_json TEXT NOT NULL DEFAULT '{}'   -- channel -> {status, attempts, at, error}
);
CREATE INDEX alerts_created ON alerts (created_at);

CREATE VIRTUAL TABLE mentions_fts USING fts5 (
  title, text,
  content = '', contentless_delete = 1,
  tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER mentions_fts_delete AFTER DELETE ON mentions BEGIN
  DELETE FROM mentions_fts WHERE rowid = old.id;
END;
`,
  },
  {
    // The v1 index (unicode61, detail=full) cost ~60% of a bulk import's SQLite time. The same
    // bigram tokens under the plain `ascii` tokenizer, without positions, index ~2x faster and
    // take about half the space; adjacency inside a term is checked on the candidate rows
    // instead (fts-tokens.ts termMatches). Contentless, so the index is rebuilt from mentions.
    version: 2,
    name: 'fts-ascii-detail-none',
    sql: `
DROP TRIGGER mentions_fts_delete;
DROP TABLE mentions_fts;
CREATE VIRTUAL TABLE mentions_fts USING fts5 (
  title, text,
  content = '', contentless_delete = 1,
  tokenize = 'ascii', detail = none
);
CREATE TRIGGER mentions_fts_delete AFTER DELETE ON mentions BEGIN
  DELETE FROM mentions_fts WHERE rowid = old.id;
END;
`,
    after: 'rebuild-fts',
  },
  {
    // An index on the exact published_at takes every row at a random place, so each commit of a
    // bulk import dirtied (and wrote to the WAL) nearly every page of it: ~20% of an import's
    // SQLite time for 1M rows spread over 90 days. Keyed by the UTC day, rows of a day follow
    // each other in rowid order and an import touches a few pages per day. Time ranges use it
    // through publishedRangeSql (sqlite.ts), which adds the exact bounds as a filter.
    version: 3,
    name: 'published-day-index',
    sql: `
DROP INDEX mentions_published_at;
CREATE INDEX mentions_published_day ON mentions (substr(published_at, 1, 10));
`,
  },
  {
    // A crawl run's full account: mentions seen again unchanged, dropped by the relevance filter
    // (search is fuzzy), and why a source stopped (needs-cookie, captcha, throttled, breaker).
    version: 4,
    name: 'crawl-run-counts',
    sql: `
ALTER TABLE crawl_runs ADD COLUMN unchanged INTEGER NOT NULL DEFAULT 0;
ALTER TABLE crawl_runs ADD COLUMN filtered INTEGER NOT NULL DEFAULT 0;
ALTER TABLE crawl_runs ADD COLUMN stop_reason TEXT;
`,
  },
  {
    // The worker (issue 5). job_runs of version 1 was never written; it is rebuilt with the
    // cron time each run stands for (one run per job and time, across workers), how it was
    // started, and the timeout status. Leases keep one run of a job at a time across
    // processes; a lease not renewed by its holder expires. Workers write a heartbeat.
    version: 5,
    name: 'worker',
    sql: `
DROP TABLE job_runs;
CREATE TABLE job_runs (
  id            INTEGER PRIMARY KEY,
  job           TEXT NOT NULL,
  task          TEXT NOT NULL,
  trigger       TEXT NOT NULL CHECK (trigger IN ('schedule', 'catch-up', 'manual')),
  scheduled_for TEXT,                          -- the cron time (UTC) this run stands for; NULL when manual
  started_at    TEXT NOT NULL,
  finished_at   TEXT,
  status        TEXT NOT NULL CHECK (status IN ('running', 'ok', 'partial', 'failed', 'timeout', 'aborted', 'skipped')),
  worker_id     TEXT,
  counts_json   TEXT,
  error         TEXT
);
CREATE INDEX job_runs_job ON job_runs (job, started_at);
CREATE INDEX job_runs_started ON job_runs (started_at);
CREATE UNIQUE INDEX job_runs_slot ON job_runs (job, scheduled_for) WHERE scheduled_for IS NOT NULL;

CREATE TABLE job_leases (
  job         TEXT PRIMARY KEY,
  holder      TEXT NOT NULL,                   -- worker id, or manual:<pid>@<host>
  run_id      INTEGER,
  acquired_at TEXT NOT NULL,
  expires_at  TEXT NOT NULL
);

CREATE TABLE workers (
  id             TEXT PRIMARY KEY,
  pid            INTEGER NOT NULL,
  host           TEXT NOT NULL,
  started_at     TEXT NOT NULL,
  heartbeat_at   TEXT NOT NULL,
  stopped_at     TEXT,
  state          TEXT NOT NULL CHECK (state IN ('running', 'stopping', 'stopped')),
  running_json   TEXT NOT NULL DEFAULT '[]',   -- [{job, runId, since}]
  next_job       TEXT,
  next_at        TEXT
);
`,
  },
  {
    // Alerts (issue 5). The v1 table was never written; rebuilt with a dedup key (one alert per
    // rule and story cluster, or per region and day for spikes), its notification times, and
    // one row per channel delivery with attempts, the next retry and the last error.
    version: 6,
    name: 'alerts',
    sql: `
DROP TABLE alerts;
CREATE TABLE alerts (
  id               INTEGER PRIMARY KEY,
  rule             TEXT NOT NULL CHECK (rule IN ('negative-spike', 'high-reach', 'sensitive-word', 'crawler-health')),
  dedup_key        TEXT NOT NULL UNIQUE,
  region_code      TEXT,
  cluster_id       INTEGER,
  severity         TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  title            TEXT NOT NULL,
  detail           TEXT,
  evidence_json    TEXT NOT NULL DEFAULT '[]',  -- mention ids
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  last_notified_at TEXT,
  notify_count     INTEGER NOT NULL DEFAULT 0,
  status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acked', 'resolved')),
  acked_at         TEXT,
  acked_by         TEXT
);
CREATE INDEX alerts_created ON alerts (created_at);
CREATE INDEX alerts_open ON alerts (status, last_notified_at);

CREATE TABLE alert_deliveries (
  id              INTEGER PRIMARY KEY,
  alert_id        INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  channel         TEXT NOT NULL,               -- the channel's name (never its URL or secret)
  round           INTEGER NOT NULL,            -- 1 = first notice, 2+ = re-notices
  status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error      TEXT,
  sent_at         TEXT,
  created_at      TEXT NOT NULL,
  UNIQUE (alert_id, channel, round)
);
CREATE INDEX alert_deliveries_due ON alert_deliveries (status, next_attempt_at);
`,
  },
  {
    // Rollups for rankings and reports (issue 6), maintained at ingest by rollups.ts: one row
    // per Asia/Shanghai day × region × source × sentiment, and per day × region × story cluster.
    // Kept by deltas (a mention's old contribution out, its new one in, in the writing
    // transaction), so they never need a full scan; rebuilt from the base tables here.
    version: 7,
    name: 'rollups',
    sql: `
CREATE TABLE rollup_day (
  day         TEXT NOT NULL,                   -- YYYY-MM-DD, Asia/Shanghai
  region_code TEXT NOT NULL,
  source      TEXT NOT NULL,
  sentiment   TEXT NOT NULL,                   -- pos, neu, neg, none (not analysed)
  mentions    INTEGER NOT NULL,
  stories     INTEGER NOT NULL,                -- mentions that start their story cluster
  reposts     INTEGER NOT NULL,
  comments    INTEGER NOT NULL,
  likes       INTEGER NOT NULL,
  weight      REAL NOT NULL,                   -- Σ tier·(1+ln(1+r+c+l))·confidence (美誉度 votes)
  PRIMARY KEY (day, region_code, source, sentiment)
) WITHOUT ROWID;
CREATE TABLE rollup_cluster (
  day            TEXT NOT NULL,
  region_code    TEXT NOT NULL,
  cluster_id     INTEGER NOT NULL,
  mentions       INTEGER NOT NULL,
  neg            INTEGER NOT NULL,
  pos            INTEGER NOT NULL,
  engagement     INTEGER NOT NULL,             -- Σ reposts + comments + likes
  official_media INTEGER NOT NULL,             -- mentions from 央媒/省媒/市媒
  PRIMARY KEY (day, region_code, cluster_id)
) WITHOUT ROWID;
CREATE INDEX mentions_author_name ON mentions (author_name) WHERE author_name IS NOT NULL;
`,
    after: 'rebuild-rollups',
  },
  {
    // Trends (yuqing trend): per Asia/Shanghai day × region × topic (each name of the analysis's
    // topics_json) × source × sentiment, kept by the same deltas as rollup_day (rollups.ts) and
    // rebuilt from the base tables here. And the month ranking: 舆情风险 groups the window's
    // story rows by cluster, but only clusters with a negative row can be net-negative; this
    // partial covering index holds those rows, so the grouping takes only their clusters' rows
    // (services/rank.ts regionInputs).
    version: 8,
    name: 'topic-rollup',
    sql: `
CREATE TABLE rollup_topic (
  day         TEXT NOT NULL,                   -- YYYY-MM-DD, Asia/Shanghai
  region_code TEXT NOT NULL,
  topic       TEXT NOT NULL,
  source      TEXT NOT NULL,
  sentiment   TEXT NOT NULL,                   -- pos, neu, neg, none
  mentions    INTEGER NOT NULL,
  PRIMARY KEY (day, region_code, topic, source, sentiment)
) WITHOUT ROWID;
CREATE INDEX rollup_cluster_negative ON rollup_cluster (day, region_code, cluster_id, neg, pos, mentions, engagement, official_media) WHERE neg > 0;
`,
    after: 'rebuild-topic-rollup',
  },
  {
    // 舆情风险 without grouping the window's story rows: one row per region × story cluster with
    // its totals and the span of days it was ever given mentions on (first_day only moves earlier,
    // last_day only later, so the span always holds every row the story has in rollup_cluster).
    // A story whose span lies inside a window has its totals as the window's; only stories whose
    // span crosses a window's edge (few: rollup_story_span) are summed day by day from
    // rollup_cluster. Kept by the same deltas (rollups.ts), built here from rollup_cluster.
    // And the index's per-region totals: one row per day × region with the sums rank reads
    // (rollup_day has a row per source × sentiment, ~4 a region-day, each summed conditionally).
    version: 9,
    name: 'story-region-rollups',
    sql: `
CREATE TABLE rollup_region (
  day            TEXT NOT NULL,                -- YYYY-MM-DD, Asia/Shanghai
  region_code    TEXT NOT NULL,
  mentions       INTEGER NOT NULL,
  polar          INTEGER NOT NULL,             -- positive + negative mentions
  news_stories   INTEGER NOT NULL,             -- news mentions that start their story cluster
  social_stories INTEGER NOT NULL,             -- other mentions that start their story cluster
  reposts        INTEGER NOT NULL,
  comments       INTEGER NOT NULL,
  likes          INTEGER NOT NULL,
  pos_weight     REAL NOT NULL,                -- Σ tier·(1+ln(1+r+c+l))·confidence of positive mentions
  neg_weight     REAL NOT NULL,                -- the same of negative mentions
  PRIMARY KEY (day, region_code)
) WITHOUT ROWID;
CREATE TABLE rollup_story (
  region_code    TEXT NOT NULL,
  cluster_id     INTEGER NOT NULL,
  first_day      TEXT NOT NULL,                -- YYYY-MM-DD, Asia/Shanghai
  last_day       TEXT NOT NULL,
  mentions       INTEGER NOT NULL,
  neg            INTEGER NOT NULL,
  pos            INTEGER NOT NULL,
  engagement     INTEGER NOT NULL,
  official_media INTEGER NOT NULL,
  PRIMARY KEY (region_code, cluster_id)
) WITHOUT ROWID;
CREATE INDEX rollup_story_negative ON rollup_story (first_day, last_day, region_code, cluster_id, mentions, neg, pos, engagement, official_media) WHERE neg > pos;
CREATE INDEX rollup_story_span ON rollup_story (last_day, first_day, neg, region_code, cluster_id) WHERE last_day > first_day AND neg > 0;
`,
    after: 'rebuild-story-region-rollups',
  },
]

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version
