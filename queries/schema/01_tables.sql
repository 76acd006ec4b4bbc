-- Tables of the embedded dataset. Loaded by jabodash.store from data/ (CSV and TOML);
-- the loader registers pandas frames named _src_<table> and this file copies them in,
-- so column types are stated here once.
CREATE TABLE region (
    code VARCHAR PRIMARY KEY,
    kemendagri_code VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    short_name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    level VARCHAR NOT NULL,
    parent_code VARCHAR,
    province_code VARCHAR NOT NULL,
    province VARCHAR NOT NULL,
    in_jabodetabek BOOLEAN NOT NULL,
    in_agglomeration BOOLEAN NOT NULL,
    lat DOUBLE,
    lon DOUBLE,
    coord_source VARCHAR,
    area_km2 DOUBLE,
    area_source VARCHAR
);
INSERT INTO region
SELECT code, kemendagri_code, name, short_name, kind, 'kabkota', province_code, province_code, province,
       in_jabodetabek, in_agglomeration, lat, lon, coord_source, area_km2, area_source
FROM _src_region;

CREATE TABLE region_alias (alias VARCHAR NOT NULL, code VARCHAR NOT NULL, note VARCHAR);
INSERT INTO region_alias SELECT alias, code, note FROM _src_region_alias;

CREATE TABLE indicator (
    id VARCHAR PRIMARY KEY,
    theme VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    name_id VARCHAR NOT NULL,
    name_en VARCHAR NOT NULL,
    short_id VARCHAR NOT NULL,
    short_en VARCHAR NOT NULL,
    unit_id VARCHAR NOT NULL,
    unit_en VARCHAR NOT NULL,
    definition_id VARCHAR NOT NULL,
    definition_en VARCHAR NOT NULL,
    higher_is_better BOOLEAN,
    aggregation VARCHAR NOT NULL,
    weight_indicator VARCHAR,
    weight_year INTEGER,
    numerator VARCHAR,
    denominator VARCHAR,
    derivation VARCHAR,
    formula_id VARCHAR,
    formula_en VARCHAR,
    decimals INTEGER NOT NULL,
    source_note VARCHAR,
    sort_order INTEGER NOT NULL
);
INSERT INTO indicator SELECT * FROM _src_indicator;

-- Provenance grades, strongest first (jabodash/core/grades.py). A derived figure takes the
-- weakest grade of its inputs.
CREATE TABLE grade_scale (grade VARCHAR PRIMARY KEY, rank INTEGER NOT NULL);
INSERT INTO grade_scale VALUES ('official', 3), ('official-cited', 2), ('secondary', 1), ('unrated', 0);

CREATE TABLE dataset (
    id VARCHAR PRIMARY KEY,
    title VARCHAR NOT NULL,
    origin VARCHAR,
    license VARCHAR,
    source_url VARCHAR,
    loaded_at TIMESTAMP,
    rows INTEGER,
    sha256 VARCHAR,
    grade VARCHAR,             -- NULL only for the 'derived' row: each derived figure has its own
    grade_reason VARCHAR
);
INSERT INTO dataset
SELECT id, title, origin, license, source_url, loaded_at, rows, sha256, grade, grade_reason FROM _src_dataset;

CREATE TABLE observation (
    region_code VARCHAR NOT NULL,
    indicator_id VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    value DOUBLE NOT NULL,
    dataset_id VARCHAR NOT NULL,
    note VARCHAR,
    PRIMARY KEY (region_code, indicator_id, year)
);
INSERT INTO observation SELECT region_code, indicator_id, year, value, dataset_id, note FROM _src_observation;

CREATE TABLE flow (
    origin_code VARCHAR NOT NULL,
    destination_code VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    indicator_id VARCHAR NOT NULL,
    value DOUBLE NOT NULL,
    dataset_id VARCHAR NOT NULL,
    note VARCHAR
);
INSERT INTO flow SELECT origin_code, destination_code, year, indicator_id, value, dataset_id, note FROM _src_flow;

-- Plan targets (data/targets.csv, read and checked by jabodash.store.plan_targets): one row per target,
-- with the page it was read at, a verbatim quote and a grade; where each region stands is computed by
-- jabodash.features.sasaran (page Sasaran & capaian, CLI `targets`).
CREATE TABLE target (
    id VARCHAR PRIMARY KEY,
    plan VARCHAR NOT NULL,
    indicator VARCHAR NOT NULL,
    scope VARCHAR NOT NULL,          -- national | province | agglomeration | kabkota | each
    region_code VARCHAR,             -- a province or kab/kota code; NULL for national, agglomeration, each
    baseline_year INTEGER,
    baseline_value DOUBLE,
    target_year INTEGER,             -- NULL for a standing minimum (green open space 30 %)
    target_value DOUBLE,             -- or the range target_low - target_high
    target_low DOUBLE,
    target_high DOUBLE,
    direction VARCHAR NOT NULL,      -- higher | lower
    article VARCHAR,
    source_url VARCHAR NOT NULL,
    source_title VARCHAR NOT NULL,
    publisher VARCHAR,
    grade VARCHAR NOT NULL,
    grade_reason VARCHAR,
    quote VARCHAR,
    note VARCHAR,
    reported_year INTEGER,           -- a progress figure reported beside the target, with its own source
    reported_value DOUBLE,
    reported_url VARCHAR,
    reported_grade VARCHAR
);
INSERT INTO target
SELECT id, plan, indicator, scope, NULLIF(region_code, ''), baseline_year, baseline_value, target_year,
       target_value, target_low, target_high, direction, NULLIF(article, ''), source_url, source_title,
       NULLIF(publisher, ''), grade, NULLIF(grade_reason, ''), NULLIF(quote, ''), NULLIF(note, ''),
       reported_year, reported_value, NULLIF(reported_url, ''), NULLIF(reported_grade, '')
FROM _src_target;
