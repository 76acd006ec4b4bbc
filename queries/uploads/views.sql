-- The uploads next to the built-in tables (jabodash.store.uploads). Run once per in-memory
-- database, which has the store file attached READ_ONLY as "builtin" and the upload frames
-- registered as _upload_<table>. Every named query reads these views by the table names of
-- queries/schema, so the same SQL serves built-in and uploaded indicators. provenance says
-- where a figure or a dataset comes from: 'builtin', 'saved' (workspace) or 'session'.
-- Uploaded indicators are observed only: no derivation names them, so the derived views of
-- the store (builtin.observation_all, builtin.population_best) are used as they are.
CREATE TABLE upload_indicator AS SELECT * FROM builtin.indicator LIMIT 0;
INSERT INTO upload_indicator BY NAME SELECT * FROM _upload_indicator;

CREATE TABLE upload_observation AS
SELECT region_code, indicator_id, year, value, dataset_id, note, 'saved' AS provenance
FROM builtin.observation LIMIT 0;
INSERT INTO upload_observation BY NAME SELECT * FROM _upload_observation;

CREATE TABLE upload_dataset AS
SELECT *, title AS cite, 'saved' AS provenance, NULL::VARCHAR AS filename FROM builtin.dataset LIMIT 0;
INSERT INTO upload_dataset BY NAME SELECT * FROM _upload_dataset;

-- Official figures of a saved BPS WebAPI refresh (jabodash.official), under built-in indicator
-- ids. precedence: they replace the built-in figure of the same (region, indicator, year);
-- otherwise they only fill gaps (a built-in figure, where one exists, stays).
CREATE TABLE official_observation (region_code VARCHAR, indicator_id VARCHAR, year INTEGER, value DOUBLE,
                                   dataset_id VARCHAR, note VARCHAR, precedence BOOLEAN);
INSERT INTO official_observation BY NAME SELECT * FROM _upload_official;
CREATE VIEW official_used AS
SELECT o.* FROM official_observation o
WHERE o.precedence OR NOT EXISTS (
    SELECT 1 FROM builtin.observation b
    WHERE b.region_code = o.region_code AND b.indicator_id = o.indicator_id AND b.year = o.year);

-- The kecamatan of the cached boundaries (province = the kab/kota name), for the kec_* queries.
CREATE TABLE kecamatan (code VARCHAR, name VARCHAR, short_name VARCHAR, province VARCHAR);
INSERT INTO kecamatan BY NAME SELECT * FROM _upload_kecamatan;

CREATE VIEW region AS SELECT * FROM builtin.region;
-- Every place a figure can belong to: the kab/kota (level 'kabkota') and the kecamatan of the
-- cached boundaries (level 'kecamatan', region_set 'kecamatan'), so that one query serves both.
CREATE VIEW place AS
SELECT code, name, short_name, province, 'kabkota' AS level, in_agglomeration, in_jabodetabek FROM builtin.region
UNION ALL
SELECT code, name, short_name, province, 'kecamatan', FALSE, FALSE FROM kecamatan;
CREATE VIEW region_alias AS SELECT * FROM builtin.region_alias;
CREATE VIEW flow AS SELECT * FROM builtin.flow;
CREATE VIEW population_best AS SELECT * FROM builtin.population_best;
CREATE VIEW derived_density AS SELECT * FROM builtin.derived_density;
CREATE VIEW derived_growth AS SELECT * FROM builtin.derived_growth;
CREATE VIEW derived_per_100k AS SELECT * FROM builtin.derived_per_100k;

CREATE VIEW indicator AS
SELECT * FROM builtin.indicator
UNION ALL SELECT * FROM upload_indicator;

CREATE VIEW observation AS
SELECT region_code, indicator_id, year, value, dataset_id, note, 'builtin' AS provenance FROM builtin.observation b
WHERE NOT EXISTS (SELECT 1 FROM official_used o WHERE o.region_code = b.region_code
                  AND o.indicator_id = b.indicator_id AND o.year = b.year)
UNION ALL SELECT region_code, indicator_id, year, value, dataset_id, note, provenance FROM upload_observation
UNION ALL SELECT region_code, indicator_id, year, value, dataset_id, note, 'official' FROM official_used;

CREATE VIEW observation_all AS
SELECT region_code, indicator_id, year, value, dataset_id, note, derived, 'builtin' AS provenance
FROM builtin.observation_all b
WHERE NOT EXISTS (SELECT 1 FROM official_used o WHERE o.region_code = b.region_code
                  AND o.indicator_id = b.indicator_id AND o.year = b.year)
UNION ALL
SELECT region_code, indicator_id, year, value, dataset_id, note, FALSE, provenance FROM upload_observation
UNION ALL
SELECT region_code, indicator_id, year, value, dataset_id, note, FALSE, 'official' FROM official_used;

-- cite: the name a figure's source line gives (the title of a built-in dataset; for an upload
-- the analyst's source, else its title).
CREATE VIEW dataset AS
SELECT *, title AS cite, 'builtin' AS provenance, NULL::VARCHAR AS filename FROM builtin.dataset
UNION ALL SELECT * FROM upload_dataset;

-- Each indicator with the years and the widest coverage it has per level (indicators.sql and
-- kec_indicators.sql read one level each).
CREATE VIEW indicator_by_level AS
SELECT i.*, l.level,
       coalesce(y.years, []) AS years,
       coalesce(y.max_regions, 0) AS max_regions,
       y.first_year, y.last_year
FROM indicator i
CROSS JOIN (VALUES ('kabkota'), ('kecamatan')) l(level)
LEFT JOIN (
    SELECT indicator_id, level, list(DISTINCT year ORDER BY year) AS years, max(n) AS max_regions,
           min(year) AS first_year, max(year) AS last_year
    FROM (SELECT o.indicator_id, p.level, o.year, count(*) AS n
          FROM observation_all o JOIN place p ON p.code = o.region_code GROUP BY ALL)
    GROUP BY indicator_id, level
) y ON y.indicator_id = i.id AND y.level = l.level;
