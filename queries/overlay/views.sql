-- The uploads next to the built-in tables (jabodash.store.overlay). Run once per in-memory
-- database, which has the store file attached READ_ONLY as "builtin" and the upload frames
-- registered as _upload_<table>. Every named query reads these views by the table names of
-- queries/schema, so the same SQL serves built-in and uploaded indicators. provenance says
-- where a figure or a dataset comes from: 'builtin', 'saved' (workspace) or 'session'.
-- The derived views (population_best, derived_*) come after this file: with a saved BPS refresh
-- the store's statements (queries/schema/02_views.sql) over the layered observations, else the
-- store's own views (derived_builtin.sql); queries/overlay/figures.sql then defines
-- observation_all and the macros over them.
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
CREATE VIEW grade_scale AS SELECT * FROM builtin.grade_scale;

CREATE VIEW indicator AS
SELECT * FROM builtin.indicator
UNION ALL SELECT * FROM upload_indicator;

-- grade: the dataset's provenance grade (an upload's from its metadata, else 'unrated'); a
-- derived figure's is the weakest of its inputs (queries/schema/02_views.sql).
CREATE VIEW observation AS
SELECT o.region_code, o.indicator_id, o.year, o.value, o.dataset_id, o.note, 'builtin' AS provenance, d.grade
FROM builtin.observation o JOIN builtin.dataset d ON d.id = o.dataset_id
WHERE NOT EXISTS (SELECT 1 FROM official_used u WHERE u.region_code = o.region_code
                  AND u.indicator_id = o.indicator_id AND u.year = o.year)
UNION ALL
SELECT o.region_code, o.indicator_id, o.year, o.value, o.dataset_id, o.note, o.provenance, d.grade
FROM upload_observation o JOIN upload_dataset d ON d.id = o.dataset_id
UNION ALL
SELECT o.region_code, o.indicator_id, o.year, o.value, o.dataset_id, o.note, 'official', d.grade
FROM official_used o JOIN upload_dataset d ON d.id = o.dataset_id;

-- cite: the name a figure's source line gives (the title of a built-in dataset; for an upload
-- the analyst's source, else its title).
CREATE VIEW dataset AS
SELECT *, title AS cite, 'builtin' AS provenance, NULL::VARCHAR AS filename FROM builtin.dataset
UNION ALL SELECT * FROM upload_dataset;
